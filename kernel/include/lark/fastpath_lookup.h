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

/* fp_lookup in a root for which cnode_is_flat holds (cte.h). */
static ALWAYS_INLINE cap_t fp_lookup_flat(cap_t root, cptr_t cptr)
{
    if (unlikely(!cnode_flat_guard_matches(root, cptr)))
        return cap_null();
    return cnode_flat_slot(root, cptr)->cap;
}

static ALWAYS_INLINE cap_t fp_lookup(cap_t root, cptr_t cptr)
{
    if (likely(cnode_is_flat(root)))
        return fp_lookup_flat(root, cptr);
    return fp_lookup_levels(root, cptr);
}

#endif
