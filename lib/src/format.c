/* The printf engine shared by lark_printf and lark_snprintf. Pure: no syscalls. */
#include <lark/print.h>

#include <stdint.h>

struct spec {
    int left;       /* '-' */
    int zero;       /* '0' */
    int alt;        /* '#': 0x before hex, 0 before octal */
    char sign;      /* '+' or ' ' before non-negative signed numbers, else 0 */
    int width;
    int length;     /* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z', 'j', 't' */
};

struct out {
    lark_putc_fn put;
    void *ctx;
    int count;
};

static void emit(struct out *o, char c)
{
    o->put(c, o->ctx);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    for (; n > 0; n--) {
        emit(o, c);
    }
}

static void emit_field(struct out *o, const struct spec *s, const char *prefix, const char *body, int body_len)
{
    int prefix_len = 0;
    while (prefix[prefix_len] != '\0') {
        prefix_len++;
    }
    int fill = s->width - prefix_len - body_len;
    if (!s->left && !s->zero) {
        pad(o, ' ', fill);
    }
    for (int i = 0; i < prefix_len; i++) {
        emit(o, prefix[i]);
    }
    if (!s->left && s->zero) {
        pad(o, '0', fill);
    }
    for (int i = 0; i < body_len; i++) {
        emit(o, body[i]);
    }
    if (s->left) {
        pad(o, ' ', fill);
    }
}

static void emit_number(struct out *o, const struct spec *s, uintmax_t v, unsigned base, int upper,
                        const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[64];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n] = digits[v % base];
        v /= base;
        n++;
    } while (v != 0);
    emit_field(o, s, prefix, buf + sizeof buf - n, n);
}

static intmax_t signed_arg(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case 'H': return (signed char)va_arg(*ap, int);
    case 'h': return (short)va_arg(*ap, int);
    case 'l': return va_arg(*ap, long);
    case 'L': return va_arg(*ap, long long);
    case 'z': return (intmax_t)va_arg(*ap, size_t);
    case 'j': return va_arg(*ap, intmax_t);
    case 't': return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static uintmax_t unsigned_arg(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case 'H': return (unsigned char)va_arg(*ap, unsigned);
    case 'h': return (unsigned short)va_arg(*ap, unsigned);
    case 'l': return va_arg(*ap, unsigned long);
    case 'L': return va_arg(*ap, unsigned long long);
    case 'z': return va_arg(*ap, size_t);
    case 'j': return va_arg(*ap, uintmax_t);
    case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

/* Parses flags, width and length after '%'; returns the conversion character's position. */
static const char *parse_spec(const char *p, struct spec *s, va_list *ap)
{
    *s = (struct spec){0, 0, 0, 0, 0, 0};
    for (;; p++) {
        if (*p == '-') {
            s->left = 1;
        } else if (*p == '0') {
            s->zero = 1;
        } else if (*p == '#') {
            s->alt = 1;
        } else if (*p == '+') {
            s->sign = '+';
        } else if (*p == ' ') {
            if (s->sign == 0) {
                s->sign = ' ';
            }
        } else {
            break;
        }
    }
    if (*p == '*') {
        s->width = va_arg(*ap, int);
        if (s->width < 0) {
            s->left = 1;
            s->width = -s->width;
        }
        p++;
    }
    while (*p >= '0' && *p <= '9') {
        if (s->width < 10000) {  /* a silly width must not overflow */
            s->width = s->width * 10 + (*p - '0');
        }
        p++;
    }
    if (p[0] == 'h' && p[1] == 'h') {
        s->length = 'H';
        p += 2;
    } else if (p[0] == 'l' && p[1] == 'l') {
        s->length = 'L';
        p += 2;
    } else if (*p == 'h' || *p == 'l' || *p == 'z' || *p == 'j' || *p == 't') {
        s->length = *p++;
    }
    return p;
}

static void convert(struct out *o, char c, const struct spec *s, va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        intmax_t v = signed_arg(s, ap);
        uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        char sign[2] = {v < 0 ? '-' : s->sign, '\0'};
        emit_number(o, s, mag, 10, 0, sign);
        break;
    }
    case 'u': emit_number(o, s, unsigned_arg(s, ap), 10, 0, ""); break;
    case 'x':
    case 'X': {
        uintmax_t v = unsigned_arg(s, ap);
        /* As in C: no 0x before a zero value. */
        emit_number(o, s, v, 16, c == 'X', s->alt && v != 0 ? (c == 'X' ? "0X" : "0x") : "");
        break;
    }
    case 'o': {
        uintmax_t v = unsigned_arg(s, ap);
        emit_number(o, s, v, 8, 0, s->alt && v != 0 ? "0" : "");
        break;
    }
    case 'p': emit_number(o, s, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x"); break;
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        emit_field(o, s, "", &ch, 1);
        break;
    }
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (str == NULL) {
            str = "(null)";
        }
        int n = 0;
        while (str[n] != '\0') {
            n++;
        }
        emit_field(o, s, "", str, n);
        break;
    }
    default:
        emit(o, '%');
        emit(o, c);
        break;
    }
}

int lark_format(lark_putc_fn put, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {put, ctx, 0};
    va_list args;
    va_copy(args, ap);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            emit(&o, *p);
            continue;
        }
        if (p[1] == '%') {
            emit(&o, '%');
            p++;
            continue;
        }
        struct spec s;
        p = parse_spec(p + 1, &s, &args);
        if (*p == '\0') {  /* a lone '%' at the end: print it, stop at the terminator */
            emit(&o, '%');
            break;
        }
        convert(&o, *p, &s, &args);
    }
    va_end(args);
    return o.count;
}

struct mem_sink {
    char *buf;
    size_t size, used;
};

static void put_mem(char c, void *ctx)
{
    struct mem_sink *m = ctx;
    if (m->used + 1 < m->size) {
        m->buf[m->used] = c;
    }
    m->used++;
}

int lark_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct mem_sink m = {buf, size, 0};
    int n = lark_format(put_mem, &m, fmt, ap);
    if (size > 0) {
        buf[m.used < size ? m.used : size - 1] = '\0';
    }
    return n;
}

int lark_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = lark_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
