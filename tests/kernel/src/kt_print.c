/* A small formatter (%s %c %d %u %x %p with l/ll, width and 0-padding) that writes through
 * seL4_DebugPutChar: the console is the kernel's, the UART stays untouched. */
#include "kt.h"
#include <stdarg.h>

typedef struct sink {
    char *buf;
    size_t size, len;
} sink_t;

static void put(sink_t *s, char c)
{
    if (s->buf == NULL) {
        seL4_DebugPutChar(c);
    } else if (s->len + 1 < s->size) {
        s->buf[s->len] = c;
    }
    s->len++;
}

static void put_num(sink_t *s, unsigned long v, unsigned base, bool neg, int width, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    if (neg) {
        tmp[n++] = '-';
    }
    for (int i = n; i < width; i++) {
        put(s, pad);
    }
    while (n > 0) {
        put(s, tmp[--n]);
    }
}

static void format(sink_t *s, const char *fmt, va_list ap)
{
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%') {
            put(s, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *str = va_arg(ap, const char *);
            for (str = str ? str : "(null)"; *str != '\0'; str++) {
                put(s, *str);
            }
            break;
        }
        case 'c':
            put(s, (char)va_arg(ap, int));
            break;
        case 'd': {
            long v = longs ? va_arg(ap, long) : va_arg(ap, int);
            put_num(s, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            put_num(s, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false, width, pad);
            break;
        case 'x':
            put_num(s, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false, width, pad);
            break;
        case 'p':
            put(s, '0');
            put(s, 'x');
            put_num(s, (unsigned long)va_arg(ap, void *), 16, false, width, pad);
            break;
        case '%':
            put(s, '%');
            break;
        default:
            put(s, '?');
            break;
        }
        if (*fmt == '\0') {
            break;
        }
    }
}

void kt_printf(const char *fmt, ...)
{
    sink_t s = {NULL, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
}

void kt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void kt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    sink_t s = {buf, size, 0};
    format(&s, fmt, ap);
    if (size > 0) {
        buf[s.len < size ? s.len : size - 1] = '\0';
    }
}

void kt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}
