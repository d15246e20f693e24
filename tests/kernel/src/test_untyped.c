/* Untyped_Retype for every object type, its argument checks with their error MRs, the
 * watermark (seen through the LarkOS Untyped_Describe), reset and reuse only when every child
 * is gone, device untypeds, and fresh objects being zeroed. */
#include "kt.h"

static seL4_Word remaining(seL4_CPtr ut)
{
    lark_Untyped_Describe_t r = lark_Untyped_Describe(ut);
    return r.error == seL4_NoError ? r.remainingBytes : ~0ul;
}

static seL4_Error retype(seL4_CPtr ut, seL4_Word type, seL4_Word bits, seL4_CPtr slot, seL4_Word n)
{
    return seL4_Untyped_Retype(ut, type, bits, KT_ROOT, 0, 0, slot, n);
}

KTEST(untyped_retype_every_type)
{
    static const struct {
        seL4_Word type, bits, cap;
    } objs[] = {
        {seL4_UntypedObject, 12, KT_CAP_UNTYPED},
        {seL4_TCBObject, 0, KT_CAP_THREAD},
        {seL4_EndpointObject, 0, KT_CAP_ENDPOINT},
        {seL4_NotificationObject, 0, KT_CAP_NOTIFICATION},
        {seL4_CapTableObject, 3, KT_CAP_CNODE},
        {seL4_SchedContextObject, 7, KT_CAP_SCHED_CONTEXT},
        {seL4_ReplyObject, 0, KT_CAP_REPLY},
        {seL4_RISCV_4K_Page, 0, KT_CAP_FRAME},
        {seL4_RISCV_Mega_Page, 0, KT_CAP_FRAME},
        {seL4_RISCV_PageTableObject, 0, KT_CAP_PAGE_TABLE},
    };
    for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
        KT_CAP(c, kt_alloc(objs[i].type, objs[i].bits));
        if (seL4_DebugCapIdentify(c) != objs[i].cap) {
            KT_FAIL("object type %lu gave cap type %u, expected %lu", objs[i].type,
                    seL4_DebugCapIdentify(c), objs[i].cap);
        }
    }
}

KTEST(untyped_retype_several_objects)
{
    seL4_CPtr first = kt_slot();
    for (int i = 1; i < 10; i++) {
        kt_slot();
    }
    KT_OK(retype(kt_pool, seL4_EndpointObject, 0, first, 10));
    for (int i = 0; i < 10; i++) {
        KT_EQ(seL4_DebugCapIdentify(first + i), KT_CAP_ENDPOINT);
    }
}

KTEST(untyped_fan_out_limit_256)
{
    seL4_CPtr first = kt_slot();
    for (int i = 1; i < 257; i++) {
        kt_slot();
    }
    KT_ERR(retype(kt_pool, seL4_EndpointObject, 0, first, 257), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, seL4_UntypedRetypeMaxObjects);
    KT_OK(retype(kt_pool, seL4_EndpointObject, 0, first, 256));
    KT_EQ(seL4_DebugCapIdentify(first), KT_CAP_ENDPOINT);
    KT_EQ(seL4_DebugCapIdentify(first + 255), KT_CAP_ENDPOINT);
    KT_TRUE(kt_slot_empty(first + 256));
}

KTEST(untyped_zero_objects_range_error)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(retype(kt_pool, seL4_EndpointObject, 0, s, 0), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, seL4_UntypedRetypeMaxObjects);
}

KTEST(untyped_watermark_describe)
{
    KT_CAP(ut, kt_alloc_untyped(16));
    lark_Untyped_Describe_t d = lark_Untyped_Describe(ut);
    KT_OK(d.error);
    KT_EQ(d.sizeBits, 16);
    KT_EQ(d.remainingBytes, 1ul << 16);
    seL4_CPtr s = kt_slot();
    kt_slot();
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, s, 2));
    KT_EQ(remaining(ut), (1ul << 16) - 2 * 4096);
    KT_OK(retype(ut, seL4_EndpointObject, 0, kt_slot(), 1));
    KT_EQ(remaining(ut), (1ul << 16) - 2 * 4096 - 16);
}

KTEST(untyped_alignment_of_objects)
{
    KT_CAP(ut, kt_alloc_untyped(16));
    KT_OK(retype(ut, seL4_EndpointObject, 0, kt_slot(), 1));
    seL4_CPtr frame = kt_slot();
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, frame, 1));
    /* The frame is placed at the next 4 KiB boundary: 4096 - 16 bytes are skipped. */
    KT_EQ(remaining(ut), (1ul << 16) - 2 * 4096);
    seL4_RISCV_Page_GetAddress_t a = seL4_RISCV_Page_GetAddress(frame);
    KT_OK(a.error);
    KT_EQ(a.paddr & 0xfff, 0);
}

KTEST(untyped_first_object_at_start_after_reset)
{
    /* The pool has no children at the start of a test, so it is reset: its first object sits
     * at its base address. */
    KT_CAP(frame, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_RISCV_Page_GetAddress_t a = seL4_RISCV_Page_GetAddress(frame);
    KT_OK(a.error);
    KT_EQ(a.paddr, kt_pool_paddr);
}

KTEST(untyped_mega_page_alignment)
{
    KT_CAP(small, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(mega, kt_alloc(seL4_RISCV_Mega_Page, 0));
    seL4_RISCV_Page_GetAddress_t a = seL4_RISCV_Page_GetAddress(mega);
    KT_OK(a.error);
    KT_EQ(a.paddr & ((1ul << 21) - 1), 0);
    KT_EQ(a.paddr, kt_pool_paddr + (1ul << 21));
    (void)small;
}

KTEST(untyped_not_enough_memory)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr s = kt_slot();
    kt_slot();
    KT_ERR(retype(ut, seL4_RISCV_4K_Page, 0, s, 2), seL4_NotEnoughMemory);
    KT_MR(0, 4096);
    KT_TRUE(kt_slot_empty(s));
    KT_OK(retype(ut, seL4_EndpointObject, 0, s, 1));
    KT_ERR(retype(ut, seL4_RISCV_4K_Page, 0, s + 1, 1), seL4_NotEnoughMemory);
    KT_MR(0, 4096 - 16);
}

KTEST(untyped_invalid_type)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(retype(kt_pool, seL4_ObjectTypeCount, 0, s, 1), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(retype(kt_pool, 1000, 0, s, 1), seL4_InvalidArgument);
    KT_MR(0, 0);
}

KTEST(untyped_size_bits_too_big)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(retype(kt_pool, seL4_UntypedObject, 39, s, 1), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, seL4_MaxUntypedBits);
    KT_ERR(retype(kt_pool, seL4_CapTableObject, 60, s, 1), seL4_RangeError);
}

KTEST(untyped_size_bits_too_small)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(retype(kt_pool, seL4_UntypedObject, 3, s, 1), seL4_InvalidArgument);
    KT_MR(0, 1);
    KT_ERR(retype(kt_pool, seL4_CapTableObject, 0, s, 1), seL4_InvalidArgument);
    KT_MR(0, 1);
    KT_ERR(retype(kt_pool, seL4_SchedContextObject, 6, s, 1), seL4_InvalidArgument);
    KT_MR(0, 1);
    KT_TRUE(kt_slot_empty(s));
}

KTEST(untyped_dest_occupied_delete_first)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_ERR(retype(ut, seL4_EndpointObject, 0, n, 1), seL4_DeleteFirst);
    KT_EQ(remaining(ut), 4096);
}

KTEST(untyped_dest_offset_out_of_range)
{
    KT_ERR(retype(kt_pool, seL4_EndpointObject, 0, 1ul << 12, 1), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, (1ul << 12) - 1);
}

KTEST(untyped_dest_window_out_of_range)
{
    KT_ERR(retype(kt_pool, seL4_EndpointObject, 0, (1ul << 12) - 1, 2), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 1);
}

KTEST(untyped_dest_root_not_a_cnode)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_ERR(seL4_Untyped_Retype(kt_pool, seL4_EndpointObject, 0, n, 0, 0, 1, 1), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_MissingCapability);
}

KTEST(untyped_into_child_cnode)
{
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 2));
    KT_OK(seL4_Untyped_Retype(kt_pool, seL4_NotificationObject, 0, KT_ROOT, cn, KT_DEPTH, 2, 1));
    seL4_CPtr back = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, back, KT_DEPTH, cn, 2, 2));
    KT_EQ(seL4_DebugCapIdentify(back), KT_CAP_NOTIFICATION);
    /* Offset 4 is past the 4-slot node. */
    KT_ERR(seL4_Untyped_Retype(kt_pool, seL4_NotificationObject, 0, KT_ROOT, cn, KT_DEPTH, 4, 1),
           seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 3);
}

KTEST(untyped_retype_on_wrong_cap_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(retype(tcb, seL4_EndpointObject, 0, kt_slot(), 1), seL4_IllegalOperation);
}

KTEST(untyped_describe_on_wrong_cap_illegal)
{
    KT_CAP(n, kt_alloc(seL4_EndpointObject, 0));
    (void)n;
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(lark_Untyped_Describe(tcb).error, seL4_IllegalOperation);
}

KTEST(untyped_reuse_after_every_child_deleted)
{
    KT_CAP(ut, kt_alloc_untyped(14));
    seL4_CPtr s = kt_slot();
    for (int i = 1; i < 4; i++) {
        kt_slot();
    }
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, s, 4));
    KT_EQ(remaining(ut), 0);
    seL4_CPtr extra = kt_slot();
    KT_ERR(retype(ut, seL4_RISCV_4K_Page, 0, extra, 1), seL4_NotEnoughMemory);
    KT_MR(0, 0);
    for (int i = 0; i < 4; i++) {
        KT_OK(seL4_CNode_Delete(KT_ROOT, s + i, KT_DEPTH));
    }
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, s, 4));
    KT_EQ(remaining(ut), 0);
}

KTEST(untyped_no_reuse_while_a_child_lives)
{
    KT_CAP(ut, kt_alloc_untyped(14));
    seL4_CPtr s = kt_slot();
    for (int i = 1; i < 4; i++) {
        kt_slot();
    }
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, s, 4));
    for (int i = 0; i < 3; i++) {
        KT_OK(seL4_CNode_Delete(KT_ROOT, s + i, KT_DEPTH));
    }
    KT_ERR(retype(ut, seL4_RISCV_4K_Page, 0, s, 1), seL4_NotEnoughMemory);
    KT_MR(0, 0);
}

KTEST(untyped_revoke_allows_reuse)
{
    KT_CAP(ut, kt_alloc_untyped(13));
    seL4_CPtr s = kt_slot();
    kt_slot();
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, s, 2));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(s));
    KT_TRUE(kt_slot_empty(s + 1));
    KT_OK(retype(ut, seL4_TCBObject, 0, s, 1));
    KT_EQ(remaining(ut), (1ul << 13) - (1ul << seL4_TCBBits));
}

KTEST(untyped_new_frame_is_zeroed)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr f = kt_slot();
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, f, 1));
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, 0));
    volatile seL4_Word *w = (volatile seL4_Word *)v;
    for (int i = 0; i < 512; i++) {
        w[i] = 0xdeadbeef00000000ul | (seL4_Word)i;
    }
    KT_OK(seL4_CNode_Delete(KT_ROOT, f, KT_DEPTH));
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, f, 1));
    seL4_Word v2 = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v2, seL4_ReadWrite, 0));
    w = (volatile seL4_Word *)v2;
    for (int i = 0; i < 512; i++) {
        if (w[i] != 0) {
            KT_FAIL("word %d of the reused frame is 0x%lx, not 0", i, w[i]);
        }
    }
}

KTEST(untyped_nested_children)
{
    KT_CAP(a, kt_alloc_untyped(16));
    seL4_CPtr b = kt_slot();
    KT_OK(retype(a, seL4_UntypedObject, 14, b, 1));
    seL4_CPtr c = kt_slot();
    KT_OK(retype(b, seL4_UntypedObject, 12, c, 1));
    seL4_CPtr e = kt_slot();
    KT_OK(retype(c, seL4_EndpointObject, 0, e, 1));
    KT_EQ(remaining(a), (1ul << 16) - (1ul << 14));
    KT_EQ(remaining(c), 4096 - 16);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, a, KT_DEPTH));
    KT_TRUE(kt_slot_empty(b));
    KT_TRUE(kt_slot_empty(c));
    KT_TRUE(kt_slot_empty(e));
}

static seL4_CPtr device_untyped(void)
{
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[c - kt_bi->untyped.start];
        if (d->isDevice && d->sizeBits >= 12) {
            return c;
        }
    }
    return 0;
}

KTEST(untyped_device_gives_only_frames)
{
    seL4_CPtr dev = device_untyped();
    if (dev == 0) {
        KT_FAIL("no device untyped of at least 4 KiB");
    }
    seL4_CPtr s = kt_slot();
    KT_ERR(retype(dev, seL4_EndpointObject, 0, s, 1), seL4_InvalidArgument);
    KT_MR(0, 1);
    KT_ERR(retype(dev, seL4_TCBObject, 0, s, 1), seL4_InvalidArgument);
    KT_OK(retype(dev, seL4_RISCV_4K_Page, 0, s, 1));
    KT_EQ(seL4_DebugCapIdentify(s), KT_CAP_FRAME);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, dev, KT_DEPTH));
    KT_TRUE(kt_slot_empty(s));
}

KTEST(untyped_copy_is_child_of_untyped)
{
    /* A copy of an untyped cap is its child: the untyped cannot be reused through it while
     * the copy's children live, and revoking the original removes the copy. */
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(copy, kt_copy(ut, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(copy));
    KT_EQ(seL4_DebugCapIdentify(ut), KT_CAP_UNTYPED);
}

KTEST(untyped_copy_takes_the_free_region)
{
    /* Two caps to one untyped must never hand out the same memory: the copy gets the free
     * region and the original is marked full until its children are gone and a Retype
     * resets it (seL4's setUntypedCapAsFull). */
    KT_CAP(ut, kt_alloc_untyped(14));
    KT_CAP(copy, kt_copy(ut, seL4_AllRights));
    KT_EQ(remaining(ut), 0);
    KT_EQ(remaining(copy), 1ul << 14);
    seL4_CPtr a = kt_slot(), b = kt_slot();
    KT_OK(retype(copy, seL4_RISCV_4K_Page, 0, a, 1));
    KT_ERR(retype(ut, seL4_RISCV_4K_Page, 0, b, 1), seL4_NotEnoughMemory);
    KT_MR(0, 0);
    KT_TRUE(kt_slot_empty(b));
    /* Once the copy and its frame are gone the original resets and is whole again. */
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(copy));
    KT_TRUE(kt_slot_empty(a));
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, b, 1));
    KT_EQ(remaining(ut), (1ul << 14) - 4096);
}
