// STUB
#include "core/buffer_pool.h"
