/* Kernel console: a small printf over SBI console_putchar. */
#include <lark/console.h>
#include <lark/arch/sbi.h>

void kputc(char c) { sbi_console_putchar((unsigned char)c); }

void kputs(const char *s)
{
    while (*s)
        kputc(*s++);
}

static void put_num(word_t v, unsigned base, bool neg, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    while (width-- > n)
        kputc(pad);
    while (n)
        kputc(buf[--n]);
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            kputc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            kputs(s ? s : "(null)");
            break;
        }
        case 'c':
            kputc((char)va_arg(ap, int));
            break;
        case 'd': {
            sword_t v = longs ? va_arg(ap, long) : va_arg(ap, int);
            put_num(v < 0 ? -(word_t)v : (word_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            put_num(longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false, width,
                    pad);
            break;
        case 'x':
            put_num(longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false, width,
                    pad);
            break;
        case 'p':
            kputs("0x");
            put_num((word_t)(uintptr_t)va_arg(ap, void *), 16, false, 16, '0');
            break;
        case '%':
            kputc('%');
            break;
        default:
            kputc('%');
            kputc(*fmt);
            if (!*fmt)
                return;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
