/* Boot region lists: subtraction and power-of-two splitting (src/kernel/boot_regions.c). */
#include "unit_support.h"
#include <lark/boot_regions.h>

static void subtract_splits_and_trims(void **state)
{
    (void)state;
    struct region_list l = {.n = 0};
    assert_true(regions_add(&l, 0x1000, 0x9000));
    assert_true(regions_subtract(&l, 0x3000, 0x4000)); /* hole in the middle */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.r[0].base, 0x1000);
    assert_int_equal(l.r[0].end, 0x3000);
    assert_int_equal(l.r[1].base, 0x4000);
    assert_int_equal(l.r[1].end, 0x9000);
    assert_true(regions_subtract(&l, 0, 0x2000));      /* trims the front */
    assert_int_equal(l.r[0].base, 0x2000);
    assert_true(regions_subtract(&l, 0x8000, ~0ULL));  /* trims the back */
    assert_int_equal(l.r[1].end, 0x8000);
    assert_true(regions_subtract(&l, 0x2000, 0x3000)); /* removes a whole region */
    assert_int_equal(l.n, 1);
    assert_true(regions_add(&l, 5, 5));                /* empty: ignored */
    assert_int_equal(l.n, 1);
}

static void blocks_are_aligned_and_fit(void **state)
{
    (void)state;
    assert_int_equal(block_bits(0x80080000ULL, 0x80200000ULL, 38), 19);
    assert_int_equal(block_bits(0x80100000ULL, 0x80200000ULL, 38), 20);
    assert_int_equal(block_bits(0x80000000ULL, 0x88000000ULL, 38), 27);
    assert_int_equal(block_bits(0x80000000ULL, 0x88000000ULL, 20), 20);
    assert_int_equal(block_bits(0x87e02000ULL, 0x88000000ULL, 38), 13);
    assert_int_equal(block_bits(0, BIT(40), 38), 38);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subtract_splits_and_trims),
        cmocka_unit_test(blocks_are_aligned_and_fit),
    };
    return cmocka_run_group_tests_name("regions", tests, NULL, NULL);
}
