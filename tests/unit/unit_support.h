/* Shared by the unit tests: cmocka headers in the order cmocka needs, and helpers to get
 * kernel-like objects (slots, CNodes) in aligned host memory. */
#ifndef UNIT_SUPPORT_H
#define UNIT_SUPPORT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Zeroed memory aligned to 2^bits, as untyped memory would give the kernel. */
static inline void *unit_alloc_object(unsigned bits)
{
    size_t size = (size_t)1 << bits;
    void *p = aligned_alloc(size < 64 ? 64 : size, size < 64 ? 64 : size);
    assert_non_null(p);
    memset(p, 0, size < 64 ? 64 : size);
    return p;
}

#endif
