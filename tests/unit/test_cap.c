/* The two-word capability encoding: every field round-trips and fields do not overlap. */
#include "unit_support.h"
#include <lark/cap.h>
#include <lark/abi.h>

static void untyped_fields_round_trip(void **state)
{
    (void)state;
    cap_t c = cap_untyped(0x80400000ULL, 22, true, 0x1230);
    assert_int_equal(cap_type(c), CAP_UNTYPED);
    assert_int_equal(cap_ptr(c), 0x80400000ULL);
    assert_int_equal(cap_untyped_size_bits(c), 22);
    assert_true(cap_untyped_is_device(c));
    assert_int_equal(cap_untyped_free_index(c), 0x1230);
}

static void endpoint_badge_is_full_word(void **state)
{
    (void)state;
    cap_t c = cap_endpoint(0xfffffffffff0ULL, ~0ULL, RIGHTS_ALL);
    assert_int_equal(cap_type(c), CAP_ENDPOINT);
    assert_int_equal(cap_ptr(c), 0xfffffffffff0ULL);
    assert_int_equal(cap_badge(c), ~0ULL);
    assert_int_equal(cap_rights(c), RIGHTS_ALL);
    c = cap_endpoint(0x1000, 0, RIGHT_READ | RIGHT_GRANT);
    assert_int_equal(cap_rights(c), RIGHT_READ | RIGHT_GRANT);
}

static void notification_drops_grant_rights(void **state)
{
    (void)state;
    cap_t c = cap_notification(0x2000, 7, RIGHTS_ALL);
    assert_int_equal(cap_rights(c), RIGHT_READ | RIGHT_WRITE);
    assert_int_equal(cap_badge(c), 7);
}

static void cnode_guard_and_radix(void **state)
{
    (void)state;
    cap_t c = cap_cnode(0x81000000ULL, 12, 52, 0xabcULL);
    assert_int_equal(cap_type(c), CAP_CNODE);
    assert_int_equal(cap_cnode_radix(c), 12);
    assert_int_equal(cap_cnode_guard_size(c), 52);
    assert_int_equal(cap_cnode_guard(c), 0xabc);
    assert_int_equal(cap_ptr(c), 0x81000000ULL);
}

static void frame_mapping_fields(void **state)
{
    (void)state;
    cap_t c = cap_frame(0x80600000ULL, FRAME_2M, VM_READ_ONLY, false);
    assert_false(cap_is_mapped(c));
    c = cap_with_mapping(c, 0xffff, 0x3fffe00000ULL);
    assert_true(cap_is_mapped(c));
    assert_int_equal(cap_mapped_asid(c), 0xffff);
    assert_int_equal(cap_mapped_vaddr(c), 0x3fffe00000ULL);
    assert_int_equal(cap_frame_size(c), FRAME_2M);
    assert_int_equal(cap_frame_vm_rights(c), VM_READ_ONLY);
    assert_false(cap_frame_is_device(c));
    assert_int_equal(frame_size_bits(cap_frame_size(c)), 21);
}

static void msginfo_packing(void **state)
{
    (void)state;
    word_t mi = msginfo_new(0x4C00, 5, 3, 120);
    assert_int_equal(msginfo_label(mi), 0x4C00);
    assert_int_equal(msginfo_caps_unwrapped(mi), 5);
    assert_int_equal(msginfo_extra_caps(mi), 3);
    assert_int_equal(msginfo_length(mi), 120);
    assert_int_equal(mi, (0x4C00ULL << 12) | (5 << 9) | (3 << 7) | 120);
}

/* Zombies, replies, SCs, IRQ handlers and the control caps keep their fields, and every
 * tag is seL4's riscv64 cap_tag (what DebugCapIdentify answers). */
static void other_caps_and_tags(void **state)
{
    (void)state;
    cap_t z = cap_zombie(0x80010000ULL, false, 9, 512);
    assert_int_equal(cap_type(z), 18);
    assert_int_equal(cap_ptr(z), 0x80010000ULL);
    assert_false(cap_zombie_is_tcb(z));
    assert_int_equal(cap_zombie_radix(z), 9);
    assert_int_equal(cap_zombie_remaining(z), 512);
    assert_int_equal(cap_object_size_bits(z), 9 + SLOT_SIZE_BITS);
    cap_t zt = cap_zombie(0x80020000ULL, true, 0, 5);
    assert_true(cap_zombie_is_tcb(zt));
    assert_int_equal(cap_object_size_bits(zt), TCB_SIZE_BITS);
    cap_t r = cap_reply(0x80030020ULL, true);
    assert_int_equal(cap_type(r), 8);
    assert_true(cap_reply_can_grant(r));
    assert_false(cap_reply_can_grant(cap_reply(0x80030020ULL, false)));
    cap_t sc = cap_sched_context(0x80040000ULL, 9);
    assert_int_equal(cap_type(sc), 22);
    assert_int_equal(cap_sched_context_size_bits(sc), 9);
    assert_int_equal(cap_irq(cap_irq_handler(95)), 95);
    assert_int_equal(cap_type(cap_irq_handler(95)), 16);
    assert_int_equal(cap_type(cap_simple(CAP_IRQ_CONTROL)), 14);
    assert_int_equal(cap_type(cap_simple(CAP_DOMAIN)), 20);
    assert_int_equal(cap_type(cap_simple(CAP_SCHED_CONTROL)), 24);
    assert_int_equal(cap_type(cap_simple(CAP_ASID_CONTROL)), 11);
    assert_int_equal(cap_type(cap_asid_pool(0x80050000ULL, 512)), 13);
    assert_int_equal(cap_asid_base(cap_asid_pool(0x80050000ULL, 512)), 512);
    assert_int_equal(cap_type(cap_thread(0x80060000ULL)), 12);
    assert_int_equal(cap_type(cap_page_table(0x80070000ULL)), 3);
    assert_int_equal(cap_type(cap_frame(0x80080000ULL, FRAME_4K, VM_READ_WRITE, false)), 1);
    assert_int_equal(cap_type(cap_null()), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(untyped_fields_round_trip),
        cmocka_unit_test(endpoint_badge_is_full_word),
        cmocka_unit_test(notification_drops_grant_rights),
        cmocka_unit_test(cnode_guard_and_radix),
        cmocka_unit_test(frame_mapping_fields),
        cmocka_unit_test(msginfo_packing),
        cmocka_unit_test(other_caps_and_tags),
    };
    return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
