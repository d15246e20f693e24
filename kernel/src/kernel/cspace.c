/* CPtr resolution through guarded CNodes. Pure C (host unit tests). */
#include <lark/cspace.h>

static exception_t lookup_fail(word_t type, word_t bits_left, word_t bits_found, word_t guard)
{
    cur_lookup_fault = (struct lookup_fault){type, bits_left, bits_found, guard};
    return EXCEPTION_LOOKUP_FAULT;
}

exception_t cspace_resolve(cap_t root, cptr_t cptr, unsigned depth, struct cte **slot,
                           unsigned *bits_left)
{
    cap_t node = root;
    unsigned n = depth;
    if (cap_type(node) != CAP_CNODE)
        return lookup_fail(LOOKUP_INVALID_ROOT, 0, 0, 0);
    for (;;) {
        unsigned radix = cap_cnode_radix(node), gbits = cap_cnode_guard_size(node);
        unsigned level = radix + gbits;
        word_t want = cap_cnode_guard(node);
        if (gbits > n)
            return lookup_fail(LOOKUP_GUARD_MISMATCH, n, gbits, want);
        word_t got = gbits ? (cptr >> (n - gbits)) & MASK(gbits) : 0;
        if (got != want)
            return lookup_fail(LOOKUP_GUARD_MISMATCH, n, gbits, want);
        /* radix >= 1 for every CNode Retype makes, so level >= 1 and the walk ends */
        if (level > n || level == 0)
            return lookup_fail(LOOKUP_DEPTH_MISMATCH, n, level, 0);
        word_t index = (cptr >> (n - level)) & MASK(radix);
        struct cte *s = (struct cte *)cap_kptr(node) + index;
        if (n == level) {
            *slot = s;
            *bits_left = 0;
            return EXCEPTION_NONE;
        }
        n -= level;
        if (cap_type(s->cap) != CAP_CNODE) {
            *slot = s;
            *bits_left = n;
            return EXCEPTION_NONE;
        }
        node = s->cap;
    }
}

exception_t cspace_lookup_slot_exact(cap_t root, cptr_t cptr, unsigned depth,
                                     struct cte **slot)
{
    unsigned left;
    exception_t e = cspace_resolve(root, cptr, depth, slot, &left);
    if (e != EXCEPTION_NONE)
        return e;
    if (left != 0)
        return lookup_fail(LOOKUP_DEPTH_MISMATCH, left, 0, 0);
    return EXCEPTION_NONE;
}

exception_t cspace_lookup_slot_walk(cap_t root, cptr_t cptr, struct cte **slot)
{
    unsigned left;
    return cspace_resolve(root, cptr, WORD_BITS, slot, &left);
}

exception_t cspace_lookup_for_op(bool is_source, cap_t root, cptr_t cptr, word_t depth,
                                 struct cte **slot)
{
    if (cap_type(root) != CAP_CNODE) {
        cur_lookup_fault = (struct lookup_fault){LOOKUP_INVALID_ROOT, 0, 0, 0};
        return err_failed_lookup(is_source);
    }
    if (depth < 1 || depth > WORD_BITS)
        return err_range(1, WORD_BITS);
    if (cspace_lookup_slot_exact(root, cptr, (unsigned)depth, slot) != EXCEPTION_NONE)
        return err_failed_lookup(is_source);
    return EXCEPTION_NONE;
}
