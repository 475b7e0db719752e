// STUB
#include "core/options.h"
