/* CPtr lookup through guarded, multi-level CNodes (src/kernel/cspace.c). */
#include "unit_support.h"
#include <lark/cspace.h>

static struct cte *new_cnode(unsigned radix)
{
    return unit_alloc_object(radix + SLOT_SIZE_BITS);
}
static cap_t cnode_cap(struct cte *n, unsigned radix, unsigned gsize, word_t guard)
{
    return cap_cnode(kptr_to_paddr(n), radix, gsize, guard);
}

static void single_level_resolves_from_msb(void **state)
{
    (void)state;
    struct cte *n = new_cnode(4);
    /* 4 bits of radix + 60 bits of guard 0 = a 64-bit cptr whose low 4 bits index */
    cap_t root = cnode_cap(n, 4, 60, 0);
    struct cte *slot;
    assert_int_equal(cspace_lookup_slot(root, 5, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &n[5]);
    assert_int_equal(cspace_lookup_slot_exact(root, 15, 64, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &n[15]);
    free(n);
}

static void guard_mismatch_reports_bits(void **state)
{
    (void)state;
    struct cte *n = new_cnode(4);
    cap_t root = cnode_cap(n, 4, 60, 0);
    struct cte *slot;
    /* bit 63 set: the 60-bit guard 0 does not match */
    assert_int_equal(cspace_lookup_slot(root, BIT(63) | 3, &slot), EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_GUARD_MISMATCH);
    assert_int_equal(cur_lookup_fault.bits_left, 64);
    assert_int_equal(cur_lookup_fault.bits_found, 60);
    assert_int_equal(cur_lookup_fault.guard_found, 0);
    free(n);
}

static void nonzero_guard_must_match(void **state)
{
    (void)state;
    struct cte *n = new_cnode(8);
    cap_t root = cnode_cap(n, 8, 4, 0xa); /* 12 bits: guard 0xa then index */
    struct cte *slot;
    assert_int_equal(cspace_lookup_slot_exact(root, 0xa42, 12, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &n[0x42]);
    assert_int_equal(cspace_lookup_slot_exact(root, 0xb42, 12, &slot), EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_GUARD_MISMATCH);
    assert_int_equal(cur_lookup_fault.guard_found, 0xa);
    free(n);
}

static void depth_too_small_is_depth_mismatch(void **state)
{
    (void)state;
    struct cte *n = new_cnode(8);
    cap_t root = cnode_cap(n, 8, 0, 0);
    struct cte *slot;
    assert_int_equal(cspace_lookup_slot_exact(root, 1, 4, &slot), EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_DEPTH_MISMATCH);
    assert_int_equal(cur_lookup_fault.bits_left, 4);
    assert_int_equal(cur_lookup_fault.bits_found, 8);
    free(n);
}

static void two_levels_and_early_stop(void **state)
{
    (void)state;
    struct cte *top = new_cnode(4), *sub = new_cnode(6);
    cap_t root = cnode_cap(top, 4, 0, 0);
    top[3].cap = cnode_cap(sub, 6, 2, 1); /* 8 bits: guard 01, index 6 bits */
    sub[9].cap = cap_endpoint(0x1000, 0, RIGHTS_ALL);
    struct cte *slot;
    /* 4 + 8 = 12 bits: 0011 01 001001 */
    word_t cptr = (3u << 8) | (1u << 6) | 9;
    assert_int_equal(cspace_lookup_slot_exact(root, cptr, 12, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &sub[9]);
    /* depth 4 stops at the CNode cap itself */
    assert_int_equal(cspace_lookup_slot_exact(root, 3, 4, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &top[3]);
    /* resolving more bits than the tree has through a non-CNode slot leaves bits over */
    top[5].cap = cap_endpoint(0x2000, 0, RIGHTS_ALL);
    unsigned left;
    assert_int_equal(cspace_resolve(root, (5u << 8) | 7, 12, &slot, &left), EXCEPTION_NONE);
    assert_ptr_equal(slot, &top[5]);
    assert_int_equal(left, 8);
    assert_int_equal(cspace_lookup_slot_exact(root, (5u << 8) | 7, 12, &slot),
                     EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_DEPTH_MISMATCH);
    assert_int_equal(cur_lookup_fault.bits_left, 8);
    free(top);
    free(sub);
}

static void root_must_be_cnode(void **state)
{
    (void)state;
    struct cte *slot;
    assert_int_equal(cspace_lookup_slot(cap_endpoint(0x1000, 0, 3), 0, &slot),
                     EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_INVALID_ROOT);
}

static void guard_mismatch_at_second_level(void **state)
{
    (void)state;
    struct cte *top = new_cnode(4), *sub = new_cnode(6);
    cap_t root = cnode_cap(top, 4, 0, 0);
    top[3].cap = cnode_cap(sub, 6, 2, 1);
    struct cte *slot;
    word_t cptr = (3u << 8) | (2u << 6) | 9; /* guard 10 instead of 01 */
    assert_int_equal(cspace_lookup_slot_exact(root, cptr, 12, &slot), EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_GUARD_MISMATCH);
    assert_int_equal(cur_lookup_fault.bits_left, 8);
    assert_int_equal(cur_lookup_fault.bits_found, 2);
    assert_int_equal(cur_lookup_fault.guard_found, 1);
    free(top);
    free(sub);
}

/* seL4 lookupSlotForCNodeOp: an invalid root is reported before a bad depth; a walk that
 * ends early at a non-CNode cap is DepthMismatch with bitsFound 0; every failure is a
 * FailedLookup syscall error that remembers which side failed. */
static void lookup_for_cnode_op_checks_in_order(void **state)
{
    (void)state;
    struct cte *t = new_cnode(4);
    cap_t root = cnode_cap(t, 4, 0, 0);
    struct cte *slot;
    cap_t not_cnode = cap_endpoint(0x1000, 0, RIGHTS_ALL);
    assert_int_equal(cspace_lookup_for_op(true, not_cnode, 0, 0, &slot), EXCEPTION_SYSCALL_ERROR);
    assert_int_equal(cur_syscall_error.type, ERR_FAILED_LOOKUP);
    assert_true(cur_syscall_error.lookup_was_source);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_INVALID_ROOT);
    assert_int_equal(cspace_lookup_for_op(false, root, 0, 0, &slot), EXCEPTION_SYSCALL_ERROR);
    assert_int_equal(cur_syscall_error.type, ERR_RANGE);
    assert_int_equal(cur_syscall_error.range_min, 1);
    assert_int_equal(cur_syscall_error.range_max, 64);
    assert_int_equal(cspace_lookup_for_op(false, root, 0, 65, &slot), EXCEPTION_SYSCALL_ERROR);
    assert_int_equal(cur_syscall_error.type, ERR_RANGE);
    t[3].cap = cap_notification(0x2000, 0, RIGHTS_ALL);
    assert_int_equal(cspace_lookup_for_op(false, root, 0x35, 8, &slot), EXCEPTION_SYSCALL_ERROR);
    assert_int_equal(cur_syscall_error.type, ERR_FAILED_LOOKUP);
    assert_false(cur_syscall_error.lookup_was_source);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_DEPTH_MISMATCH);
    assert_int_equal(cur_lookup_fault.bits_left, 4);
    assert_int_equal(cur_lookup_fault.bits_found, 0);
    assert_int_equal(cspace_lookup_for_op(false, root, 3, 4, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &t[3]);
    /* a syscall lookup (depth 64) stops at that cap and ignores the 60 bits left */
    assert_int_equal(cspace_lookup_slot(root, (3ULL << 60) | 0xfff, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &t[3]);
    free(t);
}

/* A CNode whose guard plus radix is the whole word resolves in one level; one more guard
 * bit than the depth is a GuardMismatch reporting the CNode's own guard. */
static void full_word_guard(void **state)
{
    (void)state;
    struct cte *t = new_cnode(1);
    cap_t root = cnode_cap(t, 1, 63, 0x1234);
    struct cte *slot;
    assert_int_equal(cspace_lookup_slot_exact(root, (0x1234ULL << 1) | 1, 64, &slot), EXCEPTION_NONE);
    assert_ptr_equal(slot, &t[1]);
    assert_int_equal(cspace_lookup_slot_exact(root, 1, 62, &slot), EXCEPTION_LOOKUP_FAULT);
    assert_int_equal(cur_lookup_fault.type, LOOKUP_GUARD_MISMATCH);
    assert_int_equal(cur_lookup_fault.bits_left, 62);
    assert_int_equal(cur_lookup_fault.bits_found, 63);
    assert_int_equal(cur_lookup_fault.guard_found, 0x1234);
    free(t);
}

/* The inline one-CNode case of cspace_lookup_slot must answer exactly as the walk: same
 * slot on success, same error and lookup fault on a mismatch, for every shape of CNode
 * (full-width ones take the inline case, the others the walk). */
static void inline_lookup_agrees_with_walk(void **state)
{
    (void)state;
    static const unsigned shapes[][2] = {{4, 60}, {1, 63}, {8, 56}, {12, 52}, {4, 0}, {4, 50}};
    static const word_t guards[] = {0, 1, 0x5, 0xabc};
    for (unsigned s = 0; s < ARRAY_SIZE(shapes); s++) {
        unsigned radix = shapes[s][0], gsize = shapes[s][1];
        struct cte *n = new_cnode(radix);
        for (unsigned g = 0; g < ARRAY_SIZE(guards); g++) {
            word_t guard = guards[g] & MASK(gsize);
            cap_t root = cnode_cap(n, radix, gsize, guard);
            word_t base = guard << radix;
            const word_t cptrs[] = {0, 1, 3, base, base | 1, base | MASK(radix), base + BIT(radix),
                                    BIT(63) | base, ~0ULL, base ^ BIT(radix + 1)};
            for (unsigned c = 0; c < ARRAY_SIZE(cptrs); c++) {
                struct cte *fast = NULL, *walk = NULL;
                cur_lookup_fault = (struct lookup_fault){0};
                exception_t e1 = cspace_lookup_slot(root, cptrs[c], &fast);
                struct lookup_fault f1 = cur_lookup_fault;
                cur_lookup_fault = (struct lookup_fault){0};
                exception_t e2 = cspace_lookup_slot_walk(root, cptrs[c], &walk);
                assert_int_equal(e1, e2);
                if (e1 == EXCEPTION_NONE) {
                    assert_ptr_equal(fast, walk);
                } else {
                    assert_int_equal(f1.type, cur_lookup_fault.type);
                    assert_int_equal(f1.bits_left, cur_lookup_fault.bits_left);
                    assert_int_equal(f1.bits_found, cur_lookup_fault.bits_found);
                    assert_int_equal(f1.guard_found, cur_lookup_fault.guard_found);
                }
            }
        }
        free(n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_level_resolves_from_msb),
        cmocka_unit_test(guard_mismatch_reports_bits),
        cmocka_unit_test(nonzero_guard_must_match),
        cmocka_unit_test(depth_too_small_is_depth_mismatch),
        cmocka_unit_test(two_levels_and_early_stop),
        cmocka_unit_test(root_must_be_cnode),
        cmocka_unit_test(guard_mismatch_at_second_level),
        cmocka_unit_test(lookup_for_cnode_op_checks_in_order),
        cmocka_unit_test(full_word_guard),
        cmocka_unit_test(inline_lookup_agrees_with_walk),
    };
    return cmocka_run_group_tests_name("cspace", tests, NULL, NULL);
}
