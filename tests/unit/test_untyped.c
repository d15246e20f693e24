/* Untyped watermark arithmetic and object sizes (src/object/untyped.c). */
#include "unit_support.h"
#include <lark/untyped.h>

static void object_sizes_follow_the_abi(void **state)
{
    (void)state;
    assert_int_equal(object_size_bits(OBJ_TCB, 0), 11);
    assert_int_equal(object_size_bits(OBJ_ENDPOINT, 0), 4);
    assert_int_equal(object_size_bits(OBJ_NOTIFICATION, 0), 6);
    assert_int_equal(object_size_bits(OBJ_REPLY, 0), 5);
    assert_int_equal(object_size_bits(OBJ_CNODE, 12), 17);
    assert_int_equal(object_size_bits(OBJ_SCHED_CONTEXT, 9), 9);
    assert_int_equal(object_size_bits(OBJ_UNTYPED, 20), 20);
    assert_int_equal(object_size_bits(OBJ_4K_PAGE, 0), 12);
    assert_int_equal(object_size_bits(OBJ_MEGA_PAGE, 0), 21);
    assert_int_equal(object_size_bits(OBJ_GIGA_PAGE, 0), 30);
    assert_int_equal(object_size_bits(OBJ_PAGE_TABLE, 0), 12);
    assert_int_equal(object_size_bits(OBJ_TYPE_COUNT, 0), -1);
}

static void fit_aligns_the_watermark_up(void **state)
{
    (void)state;
    word_t start, nf, avail;
    /* 4 KiB untyped, 16 bytes used: a 2 KiB TCB starts at 2048 */
    assert_true(untyped_fit(12, 16, 11, 1, &start, &nf, &avail));
    assert_int_equal(start, 2048);
    assert_int_equal(nf, 4096);
    assert_int_equal(avail, 4080);
    /* a second TCB no longer fits; available reports bytes before alignment */
    assert_false(untyped_fit(12, 16, 11, 2, &start, &nf, &avail));
    assert_int_equal(avail, 4080);
}

static void fit_counts_many_objects(void **state)
{
    (void)state;
    word_t start, nf, avail;
    assert_true(untyped_fit(12, 0, 4, 256, &start, &nf, &avail));
    assert_int_equal(start, 0);
    assert_int_equal(nf, 4096);
    assert_false(untyped_fit(12, 0, 4, 257, &start, &nf, &avail));
    assert_int_equal(avail, 4096);
    /* object larger than the untyped */
    assert_false(untyped_fit(12, 0, 13, 1, &start, &nf, &avail));
    /* full untyped */
    assert_false(untyped_fit(12, 4096, 4, 1, &start, &nf, &avail));
    assert_int_equal(avail, 0);
    /* large untyped, no overflow */
    assert_true(untyped_fit(38, BIT(37), 30, 128, &start, &nf, &avail));
    assert_int_equal(start, BIT(37));
    assert_int_equal(nf, BIT(38));
    assert_false(untyped_fit(38, BIT(37) + 1, 30, 128, &start, &nf, &avail));
}

static void remaining_depends_on_children(void **state)
{
    (void)state;
    cap_t ut = cap_untyped(0x80000000ULL, 16, false, 0x3000);
    assert_int_equal(untyped_remaining(ut, true), 0x10000 - 0x3000);
    /* without children the next Retype resets it: all of it is free */
    assert_int_equal(untyped_remaining(ut, false), 0x10000);
}

static void boot_untyped_marked_full(void **state)
{
    (void)state;
    /* boot hands untypeds out with free index = size (seL4's MAX_FREE_INDEX) */
    cap_t ut = cap_untyped(0x80400000ULL, 22, false, BIT(22));
    assert_int_equal(cap_untyped_free_index(ut), BIT(22));
    /* childless: Describe answers all of it, and Retype resets it first */
    assert_int_equal(untyped_remaining(ut, false), BIT(22));
    /* with children (the source of a copy is marked so too) nothing fits */
    word_t start, nf, avail;
    assert_false(untyped_fit(22, BIT(22), 4, 1, &start, &nf, &avail));
    assert_int_equal(avail, 0);
    assert_int_equal(untyped_remaining(ut, true), 0);
    /* the largest untyped */
    ut = cap_untyped(0, 38, true, BIT(38));
    assert_int_equal(cap_untyped_free_index(ut), BIT(38));
    assert_int_equal(untyped_remaining(ut, false), BIT(38));
}

static void reset_chunks_run_top_down(void **state)
{
    (void)state;
    assert_int_equal(untyped_reset_chunk_start(0x3000, 12), 0x2000);
    assert_int_equal(untyped_reset_chunk_start(0x2001, 12), 0x2000); /* the partial top chunk */
    assert_int_equal(untyped_reset_chunk_start(0x2fff, 12), 0x2000);
    assert_int_equal(untyped_reset_chunk_start(0x1001, 12), 0x1000);
    assert_int_equal(untyped_reset_chunk_start(0x1000, 12), 0);
    assert_int_equal(untyped_reset_chunk_start(0x10, 12), 0);
    assert_int_equal(untyped_reset_chunk_start(1, 12), 0);
    assert_int_equal(untyped_reset_chunk_start(BIT(38), 12), BIT(38) - 0x1000);
    /* every step lowers the watermark by at most one chunk and reaches 0 */
    word_t fi = 0x5123, steps = 0;
    while (fi > 0) {
        word_t next = untyped_reset_chunk_start(fi, 12);
        assert_true(next < fi && fi - next <= 0x1000);
        assert_true((next & 0xfff) == 0);
        fi = next;
        steps++;
    }
    assert_int_equal(steps, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(object_sizes_follow_the_abi),
        cmocka_unit_test(fit_aligns_the_watermark_up),
        cmocka_unit_test(fit_counts_many_objects),
        cmocka_unit_test(remaining_depends_on_children),
        cmocka_unit_test(boot_untyped_marked_full),
        cmocka_unit_test(reset_chunks_run_top_down),
    };
    return cmocka_run_group_tests_name("untyped", tests, NULL, NULL);
}
