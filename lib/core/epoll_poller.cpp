// STUB
#include "core/looper.h"
