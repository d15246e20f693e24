/* The derivation tree: insert order, parenthood (badges, revocable), removal and swaps
 * (src/kernel/derive.c). */
#include "unit_support.h"
#include <lark/cte.h>

static struct cte *slots;

static int setup(void **state)
{
    (void)state;
    slots = unit_alloc_object(5 + 5); /* 32 slots */
    return 0;
}
static int teardown(void **state)
{
    (void)state;
    free(slots);
    return 0;
}

/* The MDB list from `first`, as slot indices, into out; returns the count. */
static int walk(struct cte *first, int *out)
{
    int n = 0;
    for (struct cte *s = first; s; s = mdb_next(s))
        out[n++] = (int)(s - slots);
    return n;
}

static void copies_follow_their_parent(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 20, false, 0));
    cte_insert_new(&slots[0], &slots[1], cap_endpoint(0x80000000ULL, 0, RIGHTS_ALL));
    cte_insert(slots[1].cap, &slots[1], &slots[2]);          /* copy */
    cte_insert(slots[1].cap, &slots[1], &slots[3]);          /* another copy, goes first */
    int order[8];
    assert_int_equal(walk(&slots[0], order), 4);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 2);
    assert_true(cte_is_parent_of(&slots[0], &slots[1]));
    /* the object's original is revocable, plain copies are not */
    assert_true(mdb_revocable(&slots[1]));
    assert_false(mdb_revocable(&slots[2]));
    /* a copy of an unbadged endpoint is a child of the original (revoke reaches it) */
    assert_true(cte_is_parent_of(&slots[1], &slots[3]));
    assert_false(cte_is_parent_of(&slots[3], &slots[2]));
    assert_false(cte_is_final_cap(&slots[2]));
}

/* Retype's run insert links exactly as one cte_insert_new per object, in index order, would:
 * the same prev/next pointers and flags on every slot, the untyped's old child after them. */
static void insert_new_run_matches_one_by_one(void **state)
{
    (void)state;
    static struct cte a[8], b[8];
    cap_t ut = cap_untyped(0x80000000ULL, 20, false, 0);
    for (struct cte *t = a; t; t = t == a ? b : NULL) {
        cte_insert_new(NULL, &t[0], ut);
        cte_insert_new(&t[0], &t[1], cap_endpoint(0x80000000ULL, 0, RIGHTS_ALL)); /* older child */
    }
    for (int i = 0; i < 5; i++)
        cte_insert_new(&a[0], &a[2 + i], cap_endpoint(0x80001000ULL + 16 * (word_t)i, 0, RIGHTS_ALL));
    for (int i = 0; i < 5; i++)
        b[2 + i].cap = cap_endpoint(0x80001000ULL + 16 * (word_t)i, 0, RIGHTS_ALL);
    cte_insert_new_run(&b[0], &b[2], 5);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(a[i].cap.w0, b[i].cap.w0);
        assert_int_equal((uintptr_t)mdb_next(&a[i]) == 0 ? 0 : mdb_next(&a[i]) - a,
                         (uintptr_t)mdb_next(&b[i]) == 0 ? 0 : mdb_next(&b[i]) - b);
        assert_int_equal(a[i].mdb_prev == 0 ? 0 : (struct cte *)a[i].mdb_prev - a,
                         b[i].mdb_prev == 0 ? 0 : (struct cte *)b[i].mdb_prev - b);
        assert_int_equal(a[i].mdb_next & MDB_FLAGS, b[i].mdb_next & MDB_FLAGS);
    }
}

static void badged_copies_form_their_own_tree(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_endpoint(0x80001000ULL, 0, RIGHTS_ALL));
    /* mint badge 5 into slot 1, then copy the badged cap into slot 2 */
    cte_insert(cap_endpoint(0x80001000ULL, 5, RIGHTS_ALL), &slots[0], &slots[1]);
    assert_true(mdb_revocable(&slots[1]));
    assert_true(mdb_first_badged(&slots[1]));
    cte_insert(slots[1].cap, &slots[1], &slots[2]);
    assert_false(mdb_revocable(&slots[2]));
    assert_true(cte_is_parent_of(&slots[1], &slots[2]));
    /* a second minting of badge 5 from the unbadged original is a new first-badged tree:
     * not a child of slot 1 */
    cte_insert(cap_endpoint(0x80001000ULL, 5, RIGHTS_ALL), &slots[0], &slots[3]);
    int order[8];
    assert_int_equal(walk(&slots[0], order), 4); /* 0 3 1 2 */
    assert_int_equal(order[1], 3);
    assert_false(cte_is_parent_of(&slots[3], &slots[1]));
    /* removing the first badged cap passes first_badged on to its next sibling */
    cte_remove(&slots[1]);
    assert_true(mdb_first_badged(&slots[2]));
    assert_true(cap_is_null(slots[1].cap));
    assert_int_equal(walk(&slots[0], order), 3);
}

static void remove_relinks_neighbours(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 16, false, 0));
    cte_insert_new(&slots[0], &slots[1], cap_notification(0x80000040ULL, 0, 3));
    cte_insert_new(&slots[0], &slots[2], cap_notification(0x80000000ULL, 0, 3));
    int order[8];
    assert_int_equal(walk(&slots[0], order), 3); /* 0 2 1 */
    cte_remove(&slots[2]);
    assert_int_equal(walk(&slots[0], order), 2);
    assert_int_equal(order[1], 1);
    assert_ptr_equal(mdb_prev(&slots[1]), &slots[0]);
    assert_true(cte_is_final_cap(&slots[1]));
    assert_true(cte_has_children(&slots[0]));
    cte_remove(&slots[1]);
    assert_false(cte_has_children(&slots[0]));
}

static void move_and_swap_keep_positions(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 16, false, 0));
    cte_insert_new(&slots[0], &slots[1], cap_endpoint(0x80000000ULL, 0, RIGHTS_ALL));
    cte_insert(slots[1].cap, &slots[1], &slots[2]);
    cte_move(slots[1].cap, &slots[1], &slots[7]);
    int order[8];
    assert_int_equal(walk(&slots[0], order), 3);
    assert_int_equal(order[1], 7);
    assert_int_equal(order[2], 2);
    assert_true(cap_is_null(slots[1].cap));
    assert_true(mdb_revocable(&slots[7]));
    /* swap MDB neighbours 7 and 2 */
    cap_t c7 = slots[7].cap, c2 = slots[2].cap;
    cte_swap(c7, &slots[7], c2, &slots[2]);
    assert_int_equal(walk(&slots[0], order), 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 7);
    assert_ptr_equal(mdb_prev(&slots[7]), &slots[2]);
    assert_true(mdb_revocable(&slots[2])); /* the flags travelled with the node */
}

static void derive_and_update_rules(void **state)
{
    (void)state;
    cap_t out;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 16, false, 0));
    cte_insert_new(&slots[0], &slots[1], cap_endpoint(0x80000000ULL, 0, RIGHTS_ALL));
    /* an untyped with children cannot be copied */
    assert_int_equal(cap_derive(&slots[0], slots[0].cap, &out), EXCEPTION_SYSCALL_ERROR);
    assert_int_equal(cur_syscall_error.type, ERR_REVOKE_FIRST);
    assert_int_equal(cap_derive(&slots[1], slots[1].cap, &out), EXCEPTION_NONE);
    assert_int_equal(cap_type(out), CAP_ENDPOINT);
    assert_int_equal(cap_derive(&slots[2], cap_simple(CAP_IRQ_CONTROL), &out), EXCEPTION_NONE);
    assert_true(cap_is_null(out));
    assert_int_equal(cap_derive(&slots[2], cap_page_table(0x80002000ULL), &out),
                     EXCEPTION_SYSCALL_ERROR);
    assert_int_equal(cur_syscall_error.type, ERR_ILLEGAL_OPERATION);
    cap_t fr = cap_with_mapping(cap_frame(0x80003000ULL, FRAME_4K, VM_READ_WRITE, false), 1,
                                0x10000);
    assert_int_equal(cap_derive(&slots[2], fr, &out), EXCEPTION_NONE);
    assert_false(cap_is_mapped(out));
    /* badges are set once */
    cap_t b = cap_update_data(false, 9, slots[1].cap);
    assert_int_equal(cap_badge(b), 9);
    assert_true(cap_is_null(cap_update_data(false, 10, b)));
    assert_true(cap_is_null(cap_update_data(true, 10, slots[1].cap)));
    /* CNode guard data: guard masked to its size; oversize guard refused */
    cap_t cn = cap_cnode(0x80004000ULL, 8, 0, 0);
    cap_t g = cap_update_data(false, (0x1ffULL << 6) | 4, cn);
    assert_int_equal(cap_cnode_guard_size(g), 4);
    assert_int_equal(cap_cnode_guard(g), 0xf);
    assert_true(cap_is_null(cap_update_data(false, 57, cn)));
    /* rights only shrink */
    cap_t r = cap_mask_rights(RIGHT_READ, slots[1].cap);
    assert_int_equal(cap_rights(r), RIGHT_READ);
    assert_int_equal(cap_frame_vm_rights(cap_mask_rights(RIGHT_READ, fr)), VM_READ_ONLY);
    assert_int_equal(cap_frame_vm_rights(cap_mask_rights(RIGHT_WRITE, fr)), VM_KERNEL_ONLY);
}

static void untyped_is_parent_of_objects_inside(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 12, false, 0));
    cte_insert_new(&slots[0], &slots[1], cap_frame(0x80000000ULL, FRAME_4K, VM_READ_WRITE, 0));
    assert_true(cte_is_parent_of(&slots[0], &slots[1]));
    slots[2].cap = cap_endpoint(0x80001000ULL, 0, RIGHTS_ALL); /* outside the 4 KiB */
    mdb_set_flags(&slots[0], true, true);
    assert_false(cap_same_region(slots[0].cap, slots[2].cap));
    /* an untyped region ending at the top of the address space does not overflow */
    cap_t top = cap_untyped(0xfffffffff000ULL, 12, true, 0);
    assert_true(cap_same_region(top, cap_frame(0xfffffffff000ULL, FRAME_4K, 3, 1)));
}

/* Revoke removes first children until none is left (delete.c's loop over cte_first_child):
 * a deep tree loses exactly the descendants of the revoked slot, nearest first. */
/* A CNode or TCB caught half-deleted (a zombie) still holds its memory: it stays a child of
 * its untyped, so Revoke reaches it and Retype does not reset the untyped under it. */
static void zombie_stays_child_of_its_untyped(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 16, false, 0x1000));
    cte_insert_new(&slots[0], &slots[1], cap_zombie(0x80000000ULL, false, 4, 16));
    cte_insert_new(&slots[0], &slots[2], cap_zombie(0x80000800ULL, true, 0, 5));
    assert_true(cte_is_parent_of(&slots[0], &slots[2]));
    assert_ptr_equal(cte_first_child(&slots[0]), &slots[2]);
    cte_remove(&slots[2]);
    assert_ptr_equal(cte_first_child(&slots[0]), &slots[1]);
    assert_true(cte_has_children(&slots[0]));
    /* one outside the untyped is not */
    cte_insert_new(NULL, &slots[3], cap_untyped(0x80010000ULL, 12, false, 0));
    cte_insert_new(&slots[3], &slots[4], cap_zombie(0x80000000ULL, false, 4, 16));
    assert_false(cte_is_parent_of(&slots[3], &slots[4]));
}

/* seL4 setUntypedCapAsFull: inserting a whole copy of an untyped fills the original; a
 * smaller child untyped (Retype) does not go through cte_insert and leaves it alone. */
static void untyped_copy_fills_the_original(void **state)
{
    (void)state;
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 16, false, 0x100));
    cte_insert(slots[0].cap, &slots[0], &slots[1]);
    assert_int_equal(cap_untyped_free_index(slots[0].cap), 1ULL << 16);
    assert_int_equal(cap_untyped_free_index(slots[1].cap), 0x100);
    assert_true(mdb_revocable(&slots[1]));
    assert_true(cte_is_parent_of(&slots[0], &slots[1]));
    /* a copy of something else from the same slot does not touch the watermark */
    cte_insert_new(NULL, &slots[2], cap_untyped(0x80100000ULL, 12, false, 0x40));
    cte_insert(cap_untyped(0x80100000ULL, 11, false, 0), &slots[2], &slots[3]);
    assert_int_equal(cap_untyped_free_index(slots[2].cap), 0x40);
}

/* seL4 isCapRevocable: badging, IRQ handlers from IRQControl and untyped copies make
 * revocable caps; plain copies do not. */
static void revocable_derivations(void **state)
{
    (void)state;
    cap_t ep = cap_endpoint(0x1000, 0, RIGHTS_ALL), bep = cap_endpoint(0x1000, 5, RIGHTS_ALL);
    assert_true(cap_derivation_revocable(bep, ep));
    assert_false(cap_derivation_revocable(ep, ep));
    assert_false(cap_derivation_revocable(bep, bep));
    cap_t n = cap_notification(0x2000, 0, RIGHTS_ALL), bn = cap_notification(0x2000, 1, RIGHTS_ALL);
    assert_true(cap_derivation_revocable(bn, n));
    assert_false(cap_derivation_revocable(n, n));
    assert_true(cap_derivation_revocable(cap_irq_handler(5), cap_simple(CAP_IRQ_CONTROL)));
    assert_false(cap_derivation_revocable(cap_irq_handler(5), cap_irq_handler(5)));
    assert_true(cap_derivation_revocable(cap_untyped(0x80000000ULL, 12, false, 0),
                                         cap_untyped(0x80000000ULL, 12, false, 0)));
    cap_t cn = cap_cnode(0x3000, 4, 0, 0);
    assert_false(cap_derivation_revocable(cap_cnode(0x3000, 4, 3, 1), cn));
    assert_false(cap_derivation_revocable(cap_thread(0x4000), cap_thread(0x4000)));
    assert_false(cap_derivation_revocable(cap_reply(0x5000, true), cap_reply(0x5000, true)));
}

static void revoke_order_on_a_deep_tree(void **state)
{
    (void)state;
    /* untyped 0 -> endpoint 1 -> badge 7 in 2 -> copies 3, 4 of 2; badge 9 in 5 -> copy 6 */
    cte_insert_new(NULL, &slots[0], cap_untyped(0x80000000ULL, 16, false, 0));
    cte_insert_new(&slots[0], &slots[1], cap_endpoint(0x80000000ULL, 0, RIGHTS_ALL));
    cte_insert(cap_endpoint(0x80000000ULL, 7, RIGHTS_ALL), &slots[1], &slots[2]);
    cte_insert(slots[2].cap, &slots[2], &slots[3]);
    cte_insert(slots[3].cap, &slots[3], &slots[4]);
    cte_insert(cap_endpoint(0x80000000ULL, 9, RIGHTS_ALL), &slots[1], &slots[5]);
    cte_insert(slots[5].cap, &slots[5], &slots[6]);
    /* a second object from the same untyped, after the first one's tree */
    cte_insert_new(&slots[0], &slots[8], cap_notification(0x80000040ULL, 0, 3));
    int order[16];
    assert_int_equal(walk(&slots[0], order), 8);

    /* revoking badge 7's first cap removes its copies 3 and 4 only */
    int removed[8], n = 0;
    for (struct cte *c; (c = cte_first_child(&slots[2])); cte_remove(c))
        removed[n++] = (int)(c - slots);
    assert_int_equal(n, 2);
    assert_true(cap_is_null(slots[3].cap) && cap_is_null(slots[4].cap));
    assert_false(cap_is_null(slots[6].cap));

    /* revoking the unbadged original removes every badged tree, not the notification */
    n = 0;
    for (struct cte *c; (c = cte_first_child(&slots[1])); cte_remove(c))
        removed[n++] = (int)(c - slots);
    assert_int_equal(n, 3); /* 5, 6, 2 in MDB order */
    assert_int_equal(removed[0], 5);
    assert_int_equal(removed[1], 6);
    assert_int_equal(removed[2], 2);
    assert_int_equal(walk(&slots[0], order), 3); /* 0 8 1 */
    assert_int_equal(order[1], 8);
    assert_int_equal(order[2], 1);

    /* revoking the untyped removes both objects: afterwards it has no children */
    n = 0;
    for (struct cte *c; (c = cte_first_child(&slots[0])); cte_remove(c))
        n++;
    assert_int_equal(n, 2);
    assert_false(cte_has_children(&slots[0]));
    assert_null(mdb_next(&slots[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(copies_follow_their_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(badged_copies_form_their_own_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(insert_new_run_matches_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(remove_relinks_neighbours, setup, teardown),
        cmocka_unit_test_setup_teardown(move_and_swap_keep_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(derive_and_update_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(untyped_is_parent_of_objects_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(revoke_order_on_a_deep_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(zombie_stays_child_of_its_untyped, setup, teardown),
        cmocka_unit_test_setup_teardown(untyped_copy_fills_the_original, setup, teardown),
        cmocka_unit_test_setup_teardown(revocable_derivations, setup, teardown),
    };
    return cmocka_run_group_tests_name("mdb", tests, NULL, NULL);
}
