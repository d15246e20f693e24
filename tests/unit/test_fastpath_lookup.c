/* The fastpath's lookup (include/lark/fastpath_lookup.h) must find exactly the cap that
 * cspace_lookup_slot (depth 64) finds, and a null cap whenever that one fails: checked on
 * hand-made and on random guarded CSpaces of one to three levels. */
#include "unit_support.h"
#include <lark/cspace.h>
#include <lark/fastpath_lookup.h>

static cap_t cnode_cap(struct cte *n, unsigned radix, unsigned gsize, word_t guard)
{
    return cap_cnode(kptr_to_paddr(n), radix, gsize, guard);
}

/* Every non-CNode slot holds an endpoint cap with a badge unique to it. */
static word_t next_badge = 1;
static struct cte *new_cnode(unsigned radix)
{
    struct cte *n = unit_alloc_object(radix + SLOT_SIZE_BITS);
    for (word_t i = 0; i < BIT(radix); i++) {
        n[i].cap = cap_endpoint(0x1000, next_badge++, 0xf);
    }
    return n;
}

static void assert_same_answer(cap_t root, cptr_t cptr)
{
    struct cte *slot;
    cap_t fast = fp_lookup(root, cptr);
    if (cspace_lookup_slot(root, cptr, &slot) == EXCEPTION_NONE) {
        assert_int_equal(fast.w0, slot->cap.w0);
        assert_int_equal(fast.w1, slot->cap.w1);
    } else {
        assert_true(cap_is_null(fast));
    }
}

static void single_level_root_cnode(void **state)
{
    (void)state;
    struct cte *n = new_cnode(12);
    cap_t root = cnode_cap(n, 12, 52, 0);
    assert_int_equal(cap_badge(fp_lookup(root, 5)), cap_badge(n[5].cap));
    assert_int_equal(cap_badge(fp_lookup(root, 4095)), cap_badge(n[4095].cap));
    assert_true(cap_is_null(fp_lookup(root, 4096)));   /* guard bit set */
    assert_true(cap_is_null(fp_lookup(root, BIT(63)))); /* top guard bit */
    root = cnode_cap(n, 12, 52, 0x5);
    assert_int_equal(cap_badge(fp_lookup(root, (0x5ULL << 12) | 7)), cap_badge(n[7].cap));
    assert_true(cap_is_null(fp_lookup(root, 7)));
    free(n);
}

static void two_levels_and_early_stop(void **state)
{
    (void)state;
    struct cte *top = new_cnode(4), *sub = new_cnode(6);
    cap_t root = cnode_cap(top, 4, 48, 0);   /* 52 bits, 12 left */
    top[3].cap = cnode_cap(sub, 6, 6, 0x21); /* the 12 left: guard 0x21, index */
    assert_int_equal(cap_badge(fp_lookup(root, (3 << 12) | (0x21 << 6) | 9)),
                     cap_badge(sub[9].cap));
    assert_true(cap_is_null(fp_lookup(root, (3 << 12) | (0x20 << 6) | 9)));
    /* an endpoint with bits left ends the walk there, as cspace_lookup_slot does */
    assert_int_equal(cap_badge(fp_lookup(root, (5 << 12) | 0xfff)), cap_badge(top[5].cap));
    assert_same_answer(root, (3 << 12) | (0x21 << 6) | 9);
    assert_same_answer(root, (5 << 12) | 1);
    free(top);
    free(sub);
}

static void not_a_cnode_root_or_bad_levels(void **state)
{
    (void)state;
    struct cte *n = new_cnode(4);
    assert_true(cap_is_null(fp_lookup(cap_endpoint(0x1000, 1, 0xf), 0)));
    assert_true(cap_is_null(fp_lookup(cap_null(), 0)));
    assert_same_answer(cnode_cap(n, 4, 0, 0), 3);  /* 4 bits, 60 left in slot 0's cap */
    assert_same_answer(cnode_cap(n, 4, 63, 0), 3); /* 67 bits: more than the cptr has */
    assert_same_answer(cnode_cap(n, 0, 0, 0), 3);  /* a 0-bit level never ends */
    free(n);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static word_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A cptr that mostly follows the guards of the tree below `node` (else random bits). */
static cptr_t walk_cptr(cap_t node)
{
    cptr_t c = 0;
    unsigned n = 64;
    while (cap_type(node) == CAP_CNODE && n > 0) {
        unsigned radix = cap_cnode_radix(node), g = cap_cnode_guard_size(node);
        if (radix + g > n || radix + g == 0)
            break;
        word_t guard = (rnd() % 8) ? cap_cnode_guard(node) : rnd();
        word_t index = rnd() & MASK(radix);
        n -= radix + g;
        word_t part = ((guard & MASK(g)) << radix) | index;
        c |= part << n;
        node = ((struct cte *)cap_kptr(node))[index].cap;
    }
    if (n > 0 && rnd() % 2)
        c |= rnd() & MASK(n);
    return c;
}

static void random_cspaces_agree_with_cspace_resolve(void **state)
{
    (void)state;
    for (int round = 0; round < 300; round++) {
        unsigned levels = 1 + (unsigned)(rnd() % 3);
        struct cte *nodes[3];
        unsigned radix[3], gbits[3];
        unsigned left = 64;
        for (unsigned l = 0; l < levels; l++) {
            radix[l] = 1 + (unsigned)(rnd() % 5);
            unsigned maxg = left > radix[l] ? left - radix[l] : 0;
            if (maxg > 63)
                maxg = 63;
            /* mostly exact fits, sometimes too short or too long */
            gbits[l] = (l == levels - 1 && rnd() % 4) ? maxg : (unsigned)(rnd() % (maxg + 1));
            if (rnd() % 16 == 0)
                gbits[l] = (unsigned)(rnd() % 64);
            nodes[l] = new_cnode(radix[l]);
            left = left > radix[l] + gbits[l] ? left - radix[l] - gbits[l] : 0;
        }
        cap_t caps[3];
        for (unsigned l = 0; l < levels; l++) {
            caps[l] = cnode_cap(nodes[l], radix[l], gbits[l], rnd() & MASK(gbits[l] % 8));
        }
        /* link each level into a few slots of the one above */
        for (unsigned l = 1; l < levels; l++) {
            for (int k = 0; k < 3; k++) {
                nodes[l - 1][rnd() & MASK(radix[l - 1])].cap = caps[l];
            }
        }
        for (int i = 0; i < 200; i++) {
            assert_same_answer(caps[0], walk_cptr(caps[0]));
            assert_same_answer(caps[0], rnd());
        }
        for (unsigned l = 0; l < levels; l++) {
            free(nodes[l]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_level_root_cnode),
        cmocka_unit_test(two_levels_and_early_stop),
        cmocka_unit_test(not_a_cnode_root_or_bad_levels),
        cmocka_unit_test(random_cspaces_agree_with_cspace_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
