/* The words user and kernel exchange (abi.md 2 and 5): seL4_MessageInfo, seL4_CapRights and
 * seL4_CNode_CapData as libsel4 packs them and as the kernel unpacks them, their field limits,
 * and the error and lookup-failure numbers both sides use. */
#include "unit_support.h"
#include <lark/abi.h>
#include <lark/cte.h>
#include <sel4/shared_types.h>
#include <sel4/constants.h>
#include <sel4/errors.h>

static void msginfo_layout_matches_abi(void **state)
{
    (void)state;
    /* label [63:12], capsUnwrapped [11:9], extraCaps [8:7], length [6:0] */
    assert_int_equal(seL4_MessageInfo_new(1, 0, 0, 0).words[0], 1ULL << 12);
    assert_int_equal(seL4_MessageInfo_new(0, 1, 0, 0).words[0], 1ULL << 9);
    assert_int_equal(seL4_MessageInfo_new(0, 0, 1, 0).words[0], 1ULL << 7);
    assert_int_equal(seL4_MessageInfo_new(0, 0, 0, 1).words[0], 1ULL);
    assert_int_equal(msginfo_new(1, 0, 0, 0), 1ULL << 12);
    assert_int_equal(msginfo_new(0, 1, 0, 0), 1ULL << 9);
    assert_int_equal(msginfo_new(0, 0, 1, 0), 1ULL << 7);
    assert_int_equal(msginfo_new(0, 0, 0, 1), 1ULL);
}

static void msginfo_user_and_kernel_agree(void **state)
{
    (void)state;
    static const word_t labels[] = {0, 1, 25, 0x4C00, (1ULL << 52) - 1};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        for (word_t len = 0; len <= MSG_MAX_LENGTH; len += 17) {
            for (word_t extra = 0; extra <= MSG_MAX_EXTRA_CAPS; extra++) {
                for (word_t unwrapped = 0; unwrapped < 8; unwrapped += 3) {
                    word_t w = seL4_MessageInfo_new(labels[i], unwrapped, extra, len).words[0];
                    assert_int_equal(w, msginfo_new(labels[i], unwrapped, extra, len));
                    assert_int_equal(msginfo_label(w), labels[i]);
                    assert_int_equal(msginfo_caps_unwrapped(w), unwrapped);
                    assert_int_equal(msginfo_extra_caps(w), extra);
                    assert_int_equal(msginfo_length(w), len);
                }
            }
        }
    }
}

static void msginfo_field_limits(void **state)
{
    (void)state;
    /* 120 words and 3 caps fit their fields; anything wider is cut to the field */
    assert_true(MSG_MAX_LENGTH <= 0x7f);
    assert_true(MSG_MAX_EXTRA_CAPS <= 3);
    assert_int_equal(seL4_MsgMaxLength, MSG_MAX_LENGTH);
    assert_int_equal(seL4_MsgMaxExtraCaps, MSG_MAX_EXTRA_CAPS);
    seL4_MessageInfo_t m = seL4_MessageInfo_new(~0ULL, ~0ULL, ~0ULL, ~0ULL);
    assert_int_equal(m.words[0], ~0ULL);
    assert_int_equal(seL4_MessageInfo_get_label(m), (1ULL << 52) - 1);
    assert_int_equal(seL4_MessageInfo_get_capsUnwrapped(m), 7);
    assert_int_equal(seL4_MessageInfo_get_extraCaps(m), 3);
    assert_int_equal(seL4_MessageInfo_get_length(m), 0x7f);
    assert_int_equal(msginfo_new(0, 0, 4, 128), 0);
    assert_int_equal(seL4_MessageInfo_new(0, 8, 4, 128).words[0], 0);
}

static void msginfo_setters_keep_other_fields(void **state)
{
    (void)state;
    seL4_MessageInfo_t m = seL4_MessageInfo_new(0x123, 5, 2, 77);
    m = seL4_MessageInfo_set_length(m, 3);
    assert_int_equal(m.words[0], seL4_MessageInfo_new(0x123, 5, 2, 3).words[0]);
    m = seL4_MessageInfo_set_label(m, 0xabc);
    assert_int_equal(m.words[0], seL4_MessageInfo_new(0xabc, 5, 2, 3).words[0]);
    m = seL4_MessageInfo_set_extraCaps(m, 1);
    m = seL4_MessageInfo_set_capsUnwrapped(m, 6);
    assert_int_equal(m.words[0], seL4_MessageInfo_new(0xabc, 6, 1, 3).words[0]);
    m = seL4_MessageInfo_set_length(m, 0x80); /* too wide: cut to 0, nothing else moves */
    assert_int_equal(m.words[0], seL4_MessageInfo_new(0xabc, 6, 1, 0).words[0]);
}

/* An error reply: the seL4_Error is the label, the error's MRs the length. */
static void error_numbers_match(void **state)
{
    (void)state;
    assert_int_equal(ERR_INVALID_ARGUMENT, seL4_InvalidArgument);
    assert_int_equal(ERR_INVALID_CAPABILITY, seL4_InvalidCapability);
    assert_int_equal(ERR_ILLEGAL_OPERATION, seL4_IllegalOperation);
    assert_int_equal(ERR_RANGE, seL4_RangeError);
    assert_int_equal(ERR_ALIGNMENT, seL4_AlignmentError);
    assert_int_equal(ERR_FAILED_LOOKUP, seL4_FailedLookup);
    assert_int_equal(ERR_TRUNCATED_MESSAGE, seL4_TruncatedMessage);
    assert_int_equal(ERR_DELETE_FIRST, seL4_DeleteFirst);
    assert_int_equal(ERR_REVOKE_FIRST, seL4_RevokeFirst);
    assert_int_equal(ERR_NOT_ENOUGH_MEMORY, seL4_NotEnoughMemory);
    assert_int_equal(ERR_NOT_ENOUGH_MEMORY + 1, seL4_NumErrors);
    assert_int_equal(LOOKUP_INVALID_ROOT, seL4_InvalidRoot);
    assert_int_equal(LOOKUP_MISSING_CAPABILITY, seL4_MissingCapability);
    assert_int_equal(LOOKUP_DEPTH_MISMATCH, seL4_DepthMismatch);
    assert_int_equal(LOOKUP_GUARD_MISMATCH, seL4_GuardMismatch);
    seL4_MessageInfo_t r = {{msginfo_new(ERR_RANGE, 0, 0, 2)}};
    assert_int_equal(seL4_MessageInfo_get_label(r), seL4_RangeError);
    assert_int_equal(seL4_MessageInfo_get_length(r), 2);
}

static void cap_rights_bits(void **state)
{
    (void)state;
    assert_int_equal(seL4_CanWrite.words[0], RIGHT_WRITE);
    assert_int_equal(seL4_CanRead.words[0], RIGHT_READ);
    assert_int_equal(seL4_CanGrant.words[0], RIGHT_GRANT);
    assert_int_equal(seL4_CanGrantReply.words[0], RIGHT_GRANT_REPLY);
    assert_int_equal(seL4_AllRights.words[0], RIGHTS_ALL);
    assert_int_equal(seL4_NoRights.words[0], 0);
    assert_int_equal(seL4_ReadWrite.words[0], RIGHT_READ | RIGHT_WRITE);
    assert_int_equal(seL4_NoWrite.words[0], RIGHTS_ALL & ~RIGHT_WRITE);
    assert_int_equal(seL4_NoRead.words[0], RIGHTS_ALL & ~RIGHT_READ);
    seL4_CapRights_t r = seL4_CapRights_new(1, 0, 1, 0);
    assert_int_equal(seL4_CapRights_get_capAllowGrantReply(r), 1);
    assert_int_equal(seL4_CapRights_get_capAllowGrant(r), 0);
    assert_int_equal(seL4_CapRights_get_capAllowRead(r), 1);
    assert_int_equal(seL4_CapRights_get_capAllowWrite(r), 0);
    /* each flag is one bit: 2 is "true" only through its low bit */
    assert_int_equal(seL4_CapRights_new(2, 2, 2, 2).words[0], 0);
}

/* The kernel masks with the user's rights word: rights only ever shrink. */
static void cap_rights_word_masks_caps(void **state)
{
    (void)state;
    cap_t ep = cap_endpoint(0x1000, 0, RIGHTS_ALL);
    assert_int_equal(cap_rights(cap_mask_rights(seL4_CanRead.words[0], ep)), RIGHT_READ);
    assert_int_equal(cap_rights(cap_mask_rights(seL4_NoWrite.words[0], ep)),
                     RIGHT_READ | RIGHT_GRANT | RIGHT_GRANT_REPLY);
    cap_t ro = cap_endpoint(0x1000, 0, RIGHT_READ);
    assert_int_equal(cap_rights(cap_mask_rights(seL4_AllRights.words[0], ro)), RIGHT_READ);
    /* bits above GrantReply mean nothing */
    assert_int_equal(cap_rights(cap_mask_rights(~0ULL & ~0xfULL, ep)), 0);
    cap_t n = cap_notification(0x2000, 0, RIGHTS_ALL);
    assert_int_equal(cap_rights(cap_mask_rights(seL4_CanGrant.words[0] | seL4_CanWrite.words[0], n)),
                     RIGHT_WRITE);
    cap_t f = cap_frame(0x3000, FRAME_4K, VM_READ_WRITE, false);
    assert_int_equal(cap_frame_vm_rights(cap_mask_rights(seL4_CanRead.words[0], f)), VM_READ_ONLY);
    assert_int_equal(cap_frame_vm_rights(cap_mask_rights(seL4_CanWrite.words[0], f)), VM_KERNEL_ONLY);
    assert_int_equal(cap_frame_vm_rights(cap_mask_rights(seL4_ReadWrite.words[0], f)), VM_READ_WRITE);
}

static void cnode_capdata_layout(void **state)
{
    (void)state;
    /* guardSize [5:0], guard [63:6] */
    assert_int_equal(seL4_CNode_CapData_new(0, 1).words[0], 1);
    assert_int_equal(seL4_CNode_CapData_new(1, 0).words[0], 1ULL << 6);
    assert_int_equal(seL4_GuardSizeBits, 6);
    assert_int_equal(seL4_GuardBits, 58);
    word_t w = seL4_CNode_CapData_new(0x2a5, 52).words[0];
    assert_int_equal(capdata_guard_size(w), 52);
    assert_int_equal(capdata_guard(w), 0x2a5);
    w = seL4_CNode_CapData_new(~0ULL, ~0ULL).words[0];
    assert_int_equal(w, ~0ULL);
    assert_int_equal(capdata_guard_size(w), 63);
    assert_int_equal(capdata_guard(w), (1ULL << 58) - 1);
    seL4_CNode_CapData_t d = seL4_CNode_CapData_new(5, 3);
    assert_int_equal(seL4_CNode_CapData_get_guard(d), 5);
    assert_int_equal(seL4_CNode_CapData_get_guardSize(d), 3);
}

/* Mint/Mutate of a CNode cap: the guard is cut to guardSize bits; guardSize + radix > 64 is
 * refused (the null cap, IllegalOperation to the user). */
static void cnode_capdata_applied_to_caps(void **state)
{
    (void)state;
    cap_t cn = cap_cnode(0x80000000ULL, 4, 0, 0);
    cap_t g = cap_update_data(false, seL4_CNode_CapData_new(0xff, 3).words[0], cn);
    assert_int_equal(cap_type(g), CAP_CNODE);
    assert_int_equal(cap_cnode_guard_size(g), 3);
    assert_int_equal(cap_cnode_guard(g), 7);
    assert_int_equal(cap_cnode_radix(g), 4);
    g = cap_update_data(true, seL4_CNode_CapData_new(1, 60).words[0], cn);
    assert_int_equal(cap_cnode_guard_size(g), 60);
    assert_int_equal(cap_cnode_guard(g), 1);
    assert_true(cap_is_null(cap_update_data(false, seL4_CNode_CapData_new(0, 61).words[0], cn)));
    assert_true(cap_is_null(cap_update_data(true, seL4_CNode_CapData_new(0, 63).words[0], cn)));
    /* guard size 0 clears a guard */
    g = cap_update_data(false, 0, cap_cnode(0x80000000ULL, 4, 52, 9));
    assert_int_equal(cap_cnode_guard_size(g), 0);
    assert_int_equal(cap_cnode_guard(g), 0);
}

/* A badge is a full word (seL4_BadgeBits 64) set once by Mint, never by Mutate/Rotate. */
static void badge_words(void **state)
{
    (void)state;
    assert_int_equal(seL4_BadgeBits, 64);
    cap_t ep = cap_endpoint(0x1000, 0, RIGHTS_ALL);
    assert_int_equal(cap_badge(cap_update_data(false, ~0ULL, ep)), ~0ULL);
    assert_true(cap_is_null(cap_update_data(true, 5, ep)));
    assert_true(cap_is_null(cap_update_data(false, 5, cap_endpoint(0x1000, 1, RIGHTS_ALL))));
    cap_t n = cap_notification(0x2000, 0, RIGHTS_ALL);
    assert_int_equal(cap_badge(cap_update_data(false, 0x8000000000000001ULL, n)), 0x8000000000000001ULL);
    assert_true(cap_is_null(cap_update_data(true, 0, n)));
    /* caps without data pass through */
    cap_t t = cap_thread(0x4000);
    assert_int_equal(cap_update_data(true, 123, t).w0, t.w0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(msginfo_layout_matches_abi),
        cmocka_unit_test(msginfo_user_and_kernel_agree),
        cmocka_unit_test(msginfo_field_limits),
        cmocka_unit_test(msginfo_setters_keep_other_fields),
        cmocka_unit_test(error_numbers_match),
        cmocka_unit_test(cap_rights_bits),
        cmocka_unit_test(cap_rights_word_masks_caps),
        cmocka_unit_test(cnode_capdata_layout),
        cmocka_unit_test(cnode_capdata_applied_to_caps),
        cmocka_unit_test(badge_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
