/* The few machine services the bench programs need on QEMU virt: console output, exit with
 * a status QEMU passes on, and the retired-instruction counter. */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H

#include <stdint.h>

void platform_puts(const char *s);
void platform_put_u64(uint64_t v);
void platform_put_i64(int64_t v);
/* Prints v / 1000 with three decimals. */
void platform_put_milli(uint64_t v_milli);
/* Powers QEMU off through the sifive_test device; status 0 = pass, anything else = the
 * QEMU process exits nonzero. */
_Noreturn void platform_exit(int status);

static inline uint64_t platform_instret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

#endif
