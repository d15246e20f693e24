/* The fastpath's cap lookup (src/kernel/fastpath.c), pure so that tests/unit checks it
 * against cspace_resolve on the host. */
#ifndef LARK_FASTPATH_LOOKUP_H
#define LARK_FASTPATH_LOOKUP_H
#include "cte.h"

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The cap cspace_lookup_slot (depth 64) finds, minus the lookup-fault details: a null cap
 * when the lookup fails (then the slowpath reports it). */
static ALWAYS_INLINE cap_t fp_lookup_levels(cap_t root, cptr_t cptr)
{
    cap_t node = root;
    unsigned n = WORD_BITS;
    for (;;) {
        if (unlikely(cap_type(node) != CAP_CNODE))
            return cap_null();
        unsigned radix = cap_cnode_radix(node), gbits = cap_cnode_guard_size(node);
        unsigned level = radix + gbits;
        /* checked before the guard so that the shifts below stay under 64 */
        if (unlikely(level > n || level == 0))
            return cap_null();
        word_t got = gbits ? (cptr >> (n - gbits)) & MASK(gbits) : 0;
        if (unlikely(got != cap_cnode_guard(node)))
            return cap_null();
        struct cte *s = (struct cte *)cap_kptr(node) + ((cptr >> (n - level)) & MASK(radix));
        n -= level;
        if (likely(n == 0 || cap_type(s->cap) != CAP_CNODE))
            return s->cap;
        node = s->cap;
    }
}

/* The usual CSpace: one CNode whose guard and radix take all 64 bits (the guard is then at
 * least 1 bit, as the radix field is 6 bits wide). */
static ALWAYS_INLINE bool fp_root_is_flat(cap_t root)
{
    return cap_type(root) == CAP_CNODE &&
           cap_cnode_radix(root) + cap_cnode_guard_size(root) == WORD_BITS;
}

/* fp_lookup in a root for which fp_root_is_flat holds. */
static ALWAYS_INLINE cap_t fp_lookup_flat(cap_t root, cptr_t cptr)
{
    word_t radix = cap_cnode_radix(root), gbits = cap_cnode_guard_size(root);
    if (unlikely((cptr >> radix) != cap_cnode_guard(root)))
        return cap_null();
    return ((struct cte *)cap_kptr(root))[(cptr << gbits) >> gbits].cap;
}

static ALWAYS_INLINE cap_t fp_lookup(cap_t root, cptr_t cptr)
{
    if (likely(fp_root_is_flat(root)))
        return fp_lookup_flat(root, cptr);
    return fp_lookup_levels(root, cptr);
}

#endif
