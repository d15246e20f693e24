/* The few libc routines the compiler may emit calls to (the kernel links no libc). */
#include <lark/types.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Zeroing is the bulk of a Retype (the untyped reset clears every byte the previous objects
 * used), so it stores 16 words per loop iteration: 18 instructions per 128 bytes, 576 per
 * 4 KiB, against 3 per word (1,536 per 4 KiB) for a plain word loop. */
#define ZERO_BLOCK_WORD_BITS 4 /* 16 words */

static void zero_words(word_t *w, size_t words)
{
    word_t *block_end = w + ROUND_DOWN(words, ZERO_BLOCK_WORD_BITS);
    word_t *end = w + words;
    for (; w != block_end; w += BIT(ZERO_BLOCK_WORD_BITS)) {
        w[0] = 0; w[1] = 0; w[2] = 0; w[3] = 0; w[4] = 0; w[5] = 0; w[6] = 0; w[7] = 0;
        w[8] = 0; w[9] = 0; w[10] = 0; w[11] = 0; w[12] = 0; w[13] = 0; w[14] = 0; w[15] = 0;
    }
    for (; w != end; w++)
        *w = 0;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    if (c == 0 && IS_ALIGNED(p, 3) && IS_ALIGNED(n, 3)) {
        zero_words(d, n >> 3);
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
