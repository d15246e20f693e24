/* The few libc routines the compiler may emit calls to (the kernel links no libc). */
#include <lark/types.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    if (c == 0 && IS_ALIGNED(p, 3) && IS_ALIGNED(n, 3)) {
        for (word_t *w = d; n; n -= 8)
            *w++ = 0;
        return d;
    }
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (IS_ALIGNED(dp, 3) && IS_ALIGNED(sp, 3)) {
        for (; n >= 8; n -= 8, dp += 8, sp += 8)
            *(word_t *)dp = *(const word_t *)sp;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}
