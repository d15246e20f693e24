/* Basic kernel types and bit helpers. Pure: compiles for the target and for host tests. */
#ifndef LARK_TYPES_H
#define LARK_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t word_t;
typedef int64_t sword_t;
typedef uint64_t paddr_t;  /* physical address */
typedef uint64_t vaddr_t;  /* user virtual address */
typedef uint64_t cptr_t;   /* capability pointer, resolved from the most significant bit */

#define WORD_BITS 64
#define WORD_BYTES 8
#define BIT(n) (1ULL << (n))
#define MASK(n) ((n) >= 64 ? ~0ULL : BIT(n) - 1)
#define IS_ALIGNED(x, bits) ((((word_t)(x)) & MASK(bits)) == 0)
#define ROUND_DOWN(x, bits) (((word_t)(x)) & ~MASK(bits))
#define ROUND_UP(x, bits) ROUND_DOWN((word_t)(x) + MASK(bits), bits)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))
#define NORETURN __attribute__((noreturn))
#define PACKED __attribute__((packed))

/* Kernel objects live in RAM the kernel reaches through its physical-memory window:
 * kernel pointer = paddr + PPTR_OFFSET. Host unit tests use ordinary heap memory and an
 * offset of 0, so the same cap code runs unchanged on both. */
#ifdef LARK_HOST
#define PPTR_OFFSET 0ULL
#else
#define PPTR_OFFSET 0xffffffc000000000ULL
#endif

static inline void *paddr_to_kptr(paddr_t p) { return (void *)(uintptr_t)(p + PPTR_OFFSET); }
static inline paddr_t kptr_to_paddr(const void *k) { return (paddr_t)(uintptr_t)k - PPTR_OFFSET; }

#endif
