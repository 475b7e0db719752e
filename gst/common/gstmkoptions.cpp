/* STUB */
#include "common/gstmkoptions.h"
