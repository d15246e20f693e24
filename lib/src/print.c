/* Console output through the kernel's debug console (seL4_DebugPutChar). */
#include <lark/print.h>
#include <sel4/sel4.h>

static void put_console(char c, void *ctx)
{
    (void)ctx;
    seL4_DebugPutChar(c);
}

int lark_vprintf(const char *fmt, va_list ap)
{
    return lark_format(put_console, NULL, fmt, ap);
}

int lark_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = lark_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void lark_puts(const char *s)
{
    seL4_DebugPutString(s);
}
