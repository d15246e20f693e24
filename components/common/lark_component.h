/* Small helpers every component shares (header only). */
#pragma once

#include <stdint.h>

/* Guest instructions retired so far (with -icount shift=0, also the virtual time in ns). */
static inline uint64_t lark_instret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}
