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

/* ---- zero-on-reset: memory above an untyped's watermark is always zero (seL4's model).
 * Retype never zeroes a new object; the reset of a childless untyped zeroes what was used,
 * and boot hands out RAM untypeds marked full, so their first Retype resets them. Each test
 * first writes a pattern over the memory through frames, then checks what comes next. */

#define PAGE_BITS_ 12
#define MEGA_BITS 21
/* the low bit set: as a page-table entry it is valid, as a cap word it is a non-null type */
#define DIRT 0xa5a5a5a5a5a5a5a5ul

static bool frame_retype_type(seL4_Word bits, seL4_Word *type)
{
    if (bits == PAGE_BITS_) {
        *type = seL4_RISCV_4K_Page;
    } else if (bits == MEGA_BITS) {
        *type = seL4_RISCV_Mega_Page;
    } else {
        return false;
    }
    return true;
}

/* Maps a frame of 2^bits bytes read-write at a fresh address aligned to its size. */
static volatile seL4_Word *map_frame(seL4_CPtr frame, seL4_Word bits)
{
    seL4_Word size = 1ul << bits;
    seL4_Word v = kt_vaddr_pages(2 * (size >> PAGE_BITS_));
    v = (v + size - 1) & ~(size - 1);
    if (kt_map(frame, seL4_CapInitThreadVSpace, v, seL4_ReadWrite,
               seL4_RISCV_Default_VMAttributes) != 0) {
        return NULL;
    }
    return (volatile seL4_Word *)v;
}

/* The frame, mapped, reads zero in every word. */
static void check_frame_zero(seL4_CPtr frame, seL4_Word bits)
{
    volatile seL4_Word *w = map_frame(frame, bits);
    if (w == NULL) {
        KT_FAIL("cannot map the frame to read it");
    }
    for (seL4_Word i = 0; i < (1ul << bits) / sizeof(seL4_Word); i++) {
        if (w[i] != 0) {
            KT_FAIL("word %lu of a new 2^%lu frame is 0x%lx, not 0", i, bits, w[i]);
        }
    }
}

/* `n` new frames of 2^bits from ut, each reading zero. */
static void retype_frames_check_zero(seL4_CPtr ut, seL4_Word bits, seL4_Word n)
{
    seL4_Word type;
    KT_TRUE(frame_retype_type(bits, &type));
    seL4_CPtr first = kt_slot();
    for (seL4_Word i = 1; i < n; i++) {
        kt_slot();
    }
    KT_OK(retype(ut, type, 0, first, n));
    for (seL4_Word i = 0; i < n && !kt_failed(); i++) {
        check_frame_zero(first + i, bits);
    }
}

/* Covers the whole untyped with frames of 2^frame_bits, writes DIRT over every word through
 * them, then revokes them: the memory below the watermark is dirty. */
static void dirty_untyped(seL4_CPtr ut, seL4_Word ut_bits, seL4_Word frame_bits)
{
    seL4_Word type, n = 1ul << (ut_bits - frame_bits);
    KT_TRUE(frame_retype_type(frame_bits, &type));
    KT_LE(n, seL4_UntypedRetypeMaxObjects);
    seL4_CPtr first = kt_slot();
    for (seL4_Word i = 1; i < n; i++) {
        kt_slot();
    }
    KT_OK(retype(ut, type, 0, first, n));
    for (seL4_Word i = 0; i < n; i++) {
        volatile seL4_Word *w = map_frame(first + i, frame_bits);
        if (w == NULL) {
            KT_FAIL("cannot map frame %lu to dirty it", i);
        }
        for (seL4_Word k = 0; k < (1ul << frame_bits) / sizeof(seL4_Word); k++) {
            w[k] = DIRT;
        }
    }
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(first));
    KT_EQ(remaining(ut), 1ul << ut_bits);
}

KTEST(untyped_frames_read_zero_after_every_reuse)
{
    KT_CAP(ut, kt_alloc_untyped(16));
    for (int round = 0; round < 3 && !kt_failed(); round++) {
        dirty_untyped(ut, 16, PAGE_BITS_);
        retype_frames_check_zero(ut, PAGE_BITS_, 16);
        KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    }
}

KTEST(untyped_mega_pages_read_zero_after_reuse)
{
    KT_CAP(ut, kt_alloc_untyped(MEGA_BITS + 1));
    dirty_untyped(ut, MEGA_BITS + 1, MEGA_BITS);
    retype_frames_check_zero(ut, MEGA_BITS, 2);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    /* dirty again, then one 2 MiB frame at the start (the reset) */
    dirty_untyped(ut, MEGA_BITS + 1, MEGA_BITS);
    retype_frames_check_zero(ut, MEGA_BITS, 1);
    /* the untyped now has a child: the second 2 MiB comes from above the watermark */
    retype_frames_check_zero(ut, MEGA_BITS, 1);
    KT_EQ(remaining(ut), 0);
}

/* Every slot of a CNode of `radix` bits holds no cap. */
static void check_cnode_empty(seL4_CPtr cnode, seL4_Word radix)
{
    KT_CAP(scratch, kt_slot());
    for (seL4_Word i = 0; i < (1ul << radix); i++) {
        seL4_Error err = seL4_CNode_Copy(KT_ROOT, scratch, KT_DEPTH, cnode, i, (seL4_Uint8)radix,
                                         seL4_AllRights);
        if (err != seL4_FailedLookup) {
            KT_FAIL("slot %lu of a new CNode: Copy gave %s, not FailedLookup", i,
                    kt_err_name(err));
        }
    }
}

KTEST(untyped_every_object_from_dirty_memory_starts_clean)
{
    KT_CAP(ut, kt_alloc_untyped(16));
    dirty_untyped(ut, 16, PAGE_BITS_);
    if (kt_failed()) {
        return;
    }
    /* the first Retype resets the untyped; the others carve above its watermark */
    seL4_CPtr cn = kt_slot();
    KT_OK(retype(ut, seL4_CapTableObject, 7, cn, 1));
    check_cnode_empty(cn, 7);

    seL4_CPtr tcb = kt_slot();
    KT_OK(retype(ut, seL4_TCBObject, 0, tcb, 1));
    seL4_UserContext regs;
    kt_memset(&regs, 0x5a, sizeof(regs));
    KT_OK(seL4_TCB_ReadRegisters(tcb, false, 0, sizeof(regs) / sizeof(seL4_Word), &regs));
    const seL4_Word *r = (const seL4_Word *)&regs;
    for (seL4_Word i = 0; i < sizeof(regs) / sizeof(seL4_Word); i++) {
        if (r[i] != 0) {
            KT_FAIL("register %lu of a new TCB is 0x%lx, not 0", i, r[i]);
        }
    }

    seL4_CPtr ntfn = kt_slot();
    KT_OK(retype(ut, seL4_NotificationObject, 0, ntfn, 1));
    seL4_Word badge = DIRT;
    seL4_Poll(ntfn, &badge);
    KT_EQ(badge, 0); /* nothing signalled */

    seL4_CPtr ep = kt_slot(), reply = kt_slot();
    KT_OK(retype(ut, seL4_EndpointObject, 0, ep, 1));
    KT_OK(retype(ut, seL4_ReplyObject, 0, reply, 1));
    badge = DIRT;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 0); /* no sender queued */
    KT_EQ(seL4_MessageInfo_get_length(info), 0);

    seL4_CPtr sc = kt_slot();
    KT_OK(retype(ut, seL4_SchedContextObject, 8, sc, 1));
    seL4_SchedContext_Consumed_t c = seL4_SchedContext_Consumed(sc);
    KT_OK(c.error);
    KT_EQ(c.consumed, 0);

    /* a page table whose every entry would be valid if dirty: mapping frames through it
     * works only if it is empty */
    seL4_CPtr pt = kt_slot(), f = kt_slot();
    KT_OK(retype(ut, seL4_RISCV_PageTableObject, 0, pt, 1));
    seL4_Word span = 1ul << MEGA_BITS;
    seL4_Word v = kt_vaddr_pages(3 * (span >> PAGE_BITS_));
    v = (v + 2 * span - 1) & ~(2 * span - 1); /* v and v + 2 MiB share their 1 GiB table */
    KT_CAP(neighbour, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(neighbour, seL4_CapInitThreadVSpace, v + span, seL4_ReadWrite,
                 seL4_RISCV_Default_VMAttributes));
    KT_OK(seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, v,
                                   seL4_RISCV_Default_VMAttributes));
    KT_OK(retype(ut, seL4_RISCV_4K_Page, 0, f, 1));
    static const seL4_Word entries[] = {0, 1, 255, 511};
    for (unsigned i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        seL4_Word va = v + (entries[i] << PAGE_BITS_);
        KT_OK(seL4_RISCV_Page_Map(f, seL4_CapInitThreadVSpace, va, seL4_ReadWrite,
                                  seL4_RISCV_Default_VMAttributes));
        KT_EQ(*(volatile seL4_Word *)va, 0);
        KT_OK(seL4_RISCV_Page_Unmap(f));
    }
    check_frame_zero(f, PAGE_BITS_);
}

KTEST(untyped_child_untyped_memory_reads_zero)
{
    KT_CAP(parent, kt_alloc_untyped(16));
    dirty_untyped(parent, 16, PAGE_BITS_);
    seL4_CPtr child = kt_slot();
    KT_OK(retype(parent, seL4_UntypedObject, 14, child, 1));
    KT_EQ(remaining(child), 1ul << 14);
    retype_frames_check_zero(child, PAGE_BITS_, 4);
    /* the child's own reuse: dirtied, its frames revoked, retyped again */
    KT_OK(seL4_CNode_Revoke(KT_ROOT, child, KT_DEPTH));
    dirty_untyped(child, 14, PAGE_BITS_);
    retype_frames_check_zero(child, PAGE_BITS_, 4);
    /* a second child above the first comes from above the parent's watermark */
    seL4_CPtr second = kt_slot();
    KT_OK(retype(parent, seL4_UntypedObject, 14, second, 1));
    retype_frames_check_zero(second, PAGE_BITS_, 4);
    /* the children gone with their dirty memory, the parent resets all of it */
    KT_OK(seL4_CNode_Revoke(KT_ROOT, parent, KT_DEPTH));
    KT_TRUE(kt_slot_empty(child));
    retype_frames_check_zero(parent, PAGE_BITS_, 16);
}

KTEST(untyped_copy_memory_reads_zero)
{
    KT_CAP(ut, kt_alloc_untyped(14));
    dirty_untyped(ut, 14, PAGE_BITS_);
    /* the original is childless and dirty below its watermark: the copy takes that region
     * and resets it on its first Retype */
    KT_CAP(copy, kt_copy(ut, seL4_AllRights));
    KT_EQ(remaining(copy), 1ul << 14);
    retype_frames_check_zero(copy, PAGE_BITS_, 2);
    KT_EQ(remaining(copy), (1ul << 14) - 2 * 4096);
    retype_frames_check_zero(copy, PAGE_BITS_, 2);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, copy, KT_DEPTH));
    dirty_untyped(copy, 14, PAGE_BITS_);
    retype_frames_check_zero(copy, PAGE_BITS_, 4);
    /* the copy and its frames gone, the original (marked full) resets and reads zero */
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(copy));
    retype_frames_check_zero(ut, PAGE_BITS_, 4);
}

static bool is_tainted_untyped(seL4_CPtr cap)
{
    const lark_bootinfo_lark_t *lark = lark_bootinfo_find_lark(kt_bi);
    return lark != NULL && cap >= lark->tainted.start && cap < lark->tainted.end;
}

KTEST(untyped_boot_untypeds_reset_on_first_retype)
{
    /* Boot RAM untypeds hold whatever firmware and loader left there (one starts where the
     * root task's ELF was loaded): the first Retype resets each, so its first frame sits at
     * its base and reads zero; Describe answers the whole size before and after. */
    seL4_Word checked = 0;
    for (seL4_CPtr cap = kt_bi->untyped.start; cap < kt_bi->untyped.end && !kt_failed(); cap++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[cap - kt_bi->untyped.start];
        if (d->isDevice || cap == kt_pool || is_tainted_untyped(cap) || d->sizeBits < 12) {
            continue;
        }
        KT_EQ(remaining(cap), 1ul << d->sizeBits);
        seL4_CPtr f = kt_slot();
        KT_OK(retype(cap, seL4_RISCV_4K_Page, 0, f, 1));
        seL4_RISCV_Page_GetAddress_t a = seL4_RISCV_Page_GetAddress(f);
        KT_OK(a.error);
        KT_EQ(a.paddr, d->paddr);
        KT_EQ(remaining(cap), (1ul << d->sizeBits) - 4096);
        check_frame_zero(f, PAGE_BITS_);
        KT_OK(seL4_CNode_Revoke(KT_ROOT, cap, KT_DEPTH));
        KT_EQ(remaining(cap), 1ul << d->sizeBits);
        checked++;
    }
    KT_GE(checked, 1);
}

KTEST(untyped_tainted_block_free_rest_reads_zero)
{
    /* The kernel's boot objects sit below the tainted untyped's watermark; what it has left
     * above them must be zero like any other free untyped memory. */
    const lark_bootinfo_lark_t *lark = lark_bootinfo_find_lark(kt_bi);
    KT_TRUE(lark != NULL);
    seL4_CPtr tainted = lark->tainted.start;
    seL4_Word left = remaining(tainted);
    const seL4_UntypedDesc *d = &kt_bi->untypedList[tainted - kt_bi->untyped.start];
    KT_LE(left, (1ul << d->sizeBits) - 4096); /* it has children: the boot objects */
    seL4_Word frames = left >> PAGE_BITS_;
    if (frames > seL4_UntypedRetypeMaxObjects) {
        frames = seL4_UntypedRetypeMaxObjects;
    }
    if (frames == 0) {
        kt_printf("untyped: the tainted block has no free 4 KiB left to check\n");
        return;
    }
    seL4_CPtr first = kt_slot();
    for (seL4_Word i = 1; i < frames; i++) {
        kt_slot();
    }
    KT_OK(retype(tainted, seL4_RISCV_4K_Page, 0, first, frames));
    for (seL4_Word i = 0; i < frames && !kt_failed(); i++) {
        check_frame_zero(first + i, PAGE_BITS_);
    }
    for (seL4_Word i = 0; i < frames; i++) {
        KT_OK(seL4_CNode_Delete(KT_ROOT, first + i, KT_DEPTH));
    }
}
