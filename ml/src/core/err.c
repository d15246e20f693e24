#include "err.h"
#include <stdarg.h>

typedef struct { char *p; size_t room; } out_t;

static void put(out_t *o, char c)
{
    if (o->room > 1) { *o->p++ = c; o->room--; }
}

static void put_u64(out_t *o, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) put(o, tmp[--n]);
}

static void put_i64(out_t *o, int64_t v)
{
    if (v < 0) { put(o, '-'); put_u64(o, (uint64_t)0 - (uint64_t)v); }
    else put_u64(o, (uint64_t)v);
}

lark_ml_status ml_fail(lark_ml_error *err, lark_ml_status code, int op, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->op_index = op;
    out_t o = { err->msg, sizeof err->msg };
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') { put(&o, *f); continue; }
        f++;
        int is_long = 0;
        if (*f == 'l') { is_long = 1; f++; }
        switch (*f) {
        case 's': { const char *s = va_arg(ap, const char *);
                    while (s && *s) put(&o, *s++);
                    break; }
        case 'd': put_i64(&o, is_long ? va_arg(ap, int64_t) : va_arg(ap, int)); break;
        case 'u': put_u64(&o, is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned)); break;
        case '%': put(&o, '%'); break;
        case '\0': f--; break;
        default: put(&o, '?'); break;
        }
    }
    va_end(ap);
    *o.p = '\0';
    return code;
}
