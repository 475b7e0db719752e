/* STUB */
#include "common/gstmkbufferpool.h"
