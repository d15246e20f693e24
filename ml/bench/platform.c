#include "platform.h"

/* QEMU virt: NS16550A UART and the sifive_test finisher. */
#define UART_BASE 0x10000000UL
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define FINISHER_BASE 0x100000UL
#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

static void put_char(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
    while (!(uart[UART_LSR] & UART_LSR_THRE)) {
    }
    uart[UART_THR] = (uint8_t)c;
}

void platform_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            put_char('\r');
        put_char(*s);
    }
}

void platform_put_u64(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    platform_puts(&buf[i]);
}

void platform_put_i64(int64_t v)
{
    if (v < 0) {
        put_char('-');
        platform_put_u64((uint64_t)0 - (uint64_t)v);
    } else {
        platform_put_u64((uint64_t)v);
    }
}

void platform_put_milli(uint64_t v_milli)
{
    platform_put_u64(v_milli / 1000);
    char frac[5] = {'.', (char)('0' + v_milli / 100 % 10), (char)('0' + v_milli / 10 % 10),
                    (char)('0' + v_milli % 10), 0};
    platform_puts(frac);
}

_Noreturn void platform_exit(int status)
{
    volatile uint32_t *finisher = (volatile uint32_t *)FINISHER_BASE;
    /* The finisher's fail code carries the status in the upper half; QEMU exits with it. */
    *finisher = status == 0 ? FINISHER_PASS : (((uint32_t)status & 0xffffu) << 16) | FINISHER_FAIL;
    for (;;) {
    }
}

void platform_trap(uint64_t cause, uint64_t epc, uint64_t tval);
void platform_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    platform_puts("\nbench: FAIL: unexpected trap scause=");
    platform_put_u64(cause);
    platform_puts(" sepc=0x");
    char hex[17];
    for (int i = 0; i < 16; i++)
        hex[i] = "0123456789abcdef"[(epc >> (60 - 4 * i)) & 15];
    hex[16] = 0;
    platform_puts(hex);
    platform_puts(" stval=");
    platform_put_u64(tval);
    platform_puts("\n");
    platform_exit(3);
}
