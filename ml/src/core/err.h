/* Error reporting without libc: a tiny formatter for %s %d %u %ld %lu (long = 64-bit here). */
#ifndef ML_ERR_H
#define ML_ERR_H
#include "lark_ml.h"

lark_ml_status ml_fail(lark_ml_error *err, lark_ml_status code, int op, const char *fmt, ...);

#endif
