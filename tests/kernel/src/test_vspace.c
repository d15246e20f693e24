/* Virtual memory as seL4 16.0.0 riscv64 (Sv39) answers it: frames of the three sizes (Map with
 * rights and attributes, Unmap, GetAddress, remapping rules, address checks), page tables (Map,
 * Unmap, what their removal takes along), ASID control and pools, device frames. Faults on
 * accesses are in test_fault.c; here accesses only go where a mapping must exist. */
#include "kt.h"

/* Free regions of the root VSpace (the image sits at 0x10000, kt_vaddr_pages at 1 GiB). */
#define V_MEGA 0x200000000ul  /* 8 GiB: 2 MiB-aligned tests */
#define V_GIGA 0x1000000000ul /* 64 GiB: 1 GiB-aligned tests */
#define V_FREE 0x2000000000ul /* 128 GiB: addresses in fresh VSpaces */

#define BITS_LEFT_L2 30 /* lookup stopped at the root table (no level-1 table) */
#define BITS_LEFT_L1 21 /* stopped at a level-1 table (no level-0 table) */

static seL4_CPtr vspace_new(void)
{
    seL4_CPtr vs = kt_alloc(seL4_RISCV_PageTableObject, 0);
    if (vs == 0) {
        return 0;
    }
    seL4_Error err = seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "ASIDPool_Assign: %s", kt_err_name(err));
        return 0;
    }
    return vs;
}

/* A page table mapped in vs at vaddr (at whatever level the walk stops). */
static seL4_CPtr pt_at(seL4_CPtr vs, seL4_Word vaddr)
{
    seL4_CPtr pt = kt_alloc(seL4_RISCV_PageTableObject, 0);
    if (pt == 0) {
        return 0;
    }
    seL4_Error err = seL4_RISCV_PageTable_Map(pt, vs, vaddr, seL4_RISCV_Default_VMAttributes);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "PageTable_Map at 0x%lx: %s", vaddr, kt_err_name(err));
        return 0;
    }
    return pt;
}

static seL4_Error map(seL4_CPtr frame, seL4_CPtr vs, seL4_Word vaddr, seL4_CapRights_t rights)
{
    return seL4_RISCV_Page_Map(frame, vs, vaddr, rights, seL4_RISCV_Default_VMAttributes);
}

static seL4_Word paddr_of(seL4_CPtr frame)
{
    seL4_RISCV_Page_GetAddress_t r = seL4_RISCV_Page_GetAddress(frame);
    return r.error == seL4_NoError ? r.paddr : ~0ul;
}

static volatile seL4_Word *word_at(seL4_Word vaddr)
{
    return (volatile seL4_Word *)vaddr;
}

/* ================================================================ 4 KiB frames */

KTEST(vspace_map_4k_read_write)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    *word_at(v + 0xff8) = 0x1122334455667788ul;
    KT_EQ(*word_at(v + 0xff8), 0x1122334455667788ul);
    KT_EQ(*word_at(v), 0); /* a fresh frame is zeroed */
}

KTEST(vspace_two_mappings_share_data)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(copy, kt_copy(f, seL4_AllRights));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_DO(kt_map(copy, seL4_CapInitThreadVSpace, b, seL4_CanRead, 0));
    *word_at(a + 16) = 0xabc;
    KT_EQ(*word_at(b + 16), 0xabc);
}

static void write_through(kt_thread_t *t)
{
    *word_at(t->arg[0]) = t->arg[1];
    t->result[0] = *word_at(t->arg[0] + 8);
}

KTEST(vspace_data_visible_in_second_vspace)
{
    kt_space_t s;
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_space_new(&s));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(copy, kt_copy(f, seL4_AllRights));
    seL4_Word mine = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, mine, seL4_ReadWrite, 0));
    /* the other VSpace sees the frame at a different address */
    seL4_Word theirs = V_FREE + 0x5000;
    KT_DO(kt_map(copy, s.vspace, theirs, seL4_ReadWrite, 0));
    *word_at(mine + 8) = 0x600d;
    KT_DO(kt_space_thread_new(&s, t, write_through, KT_PRIO));
    t->arg[0] = theirs;
    t->arg[1] = 0xbeef;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0x600d);
    KT_EQ(*word_at(mine), 0xbeef);
}

KTEST(vspace_get_address_is_physical)
{
    /* the pool is reset before each test, so its first object sits at its base */
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_RISCV_Page_GetAddress_t r = seL4_RISCV_Page_GetAddress(f);
    KT_OK(r.error);
    KT_EQ(r.paddr, kt_pool_paddr);
    KT_EQ(paddr_of(g), kt_pool_paddr + 4096);
    /* a copy names the same frame; mapping does not change it */
    KT_CAP(copy, kt_copy(g, seL4_CanRead));
    KT_DO(kt_map(g, seL4_CapInitThreadVSpace, kt_vaddr_pages(1), seL4_ReadWrite, 0));
    KT_EQ(paddr_of(copy), kt_pool_paddr + 4096);
    KT_EQ(paddr_of(g), kt_pool_paddr + 4096);
}

KTEST(vspace_remap_elsewhere_invalid_argument)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_ERR(map(f, seL4_CapInitThreadVSpace, b, seL4_ReadWrite), seL4_InvalidArgument);
    KT_MR(0, 0);
}

KTEST(vspace_remap_into_other_vspace_invalid_capability)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_DO(pt_at(vs, a) == 0);
    KT_DO(pt_at(vs, a) == 0);
    KT_ERR(map(f, vs, a, seL4_ReadWrite), seL4_InvalidCapability);
    KT_MR(0, 0); /* the frame cap is the culprit */
}

KTEST(vspace_remap_same_address_changes_rights)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_CanRead, 0));
    KT_OK(map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite));
    *word_at(a) = 3;
    KT_EQ(*word_at(a), 3);
}

KTEST(vspace_unmap_then_map_elsewhere)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    *word_at(a) = 0x77;
    KT_OK(seL4_RISCV_Page_Unmap(f));
    KT_OK(map(f, seL4_CapInitThreadVSpace, b, seL4_ReadWrite));
    KT_EQ(*word_at(b), 0x77);
    /* the old slot is free again */
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_OK(map(g, seL4_CapInitThreadVSpace, a, seL4_ReadWrite));
    KT_EQ(*word_at(a), 0);
}

KTEST(vspace_unmap_of_unmapped_frame_is_ok)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_OK(seL4_RISCV_Page_Unmap(f));
    KT_OK(seL4_RISCV_Page_Unmap(f));
}

KTEST(vspace_unmap_of_copy_leaves_original_mapping)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(copy, kt_copy(f, seL4_AllRights));
    seL4_Word a = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_OK(seL4_RISCV_Page_Unmap(copy)); /* the copy is not mapped: nothing happens */
    *word_at(a) = 5;
    KT_EQ(*word_at(a), 5);
}

KTEST(vspace_delete_of_mapped_frame_cap_unmaps)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(keep, kt_copy(f, seL4_AllRights));
    seL4_Word a = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(g, seL4_CapInitThreadVSpace, a, seL4_ReadWrite), seL4_DeleteFirst);
    /* a mapping belongs to its cap: deleting it (not the last cap) removes the mapping */
    KT_OK(seL4_CNode_Delete(KT_ROOT, f, KT_DEPTH));
    KT_OK(map(g, seL4_CapInitThreadVSpace, a, seL4_ReadWrite));
    KT_EQ(seL4_DebugCapIdentify(keep), KT_CAP_FRAME);
}

KTEST(vspace_copy_of_mapped_frame_is_unmapped)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_CAP(copy, kt_copy(f, seL4_AllRights));
    KT_OK(map(copy, seL4_CapInitThreadVSpace, b, seL4_ReadWrite));
    *word_at(b + 24) = 42;
    KT_EQ(*word_at(a + 24), 42);
}

KTEST(vspace_map_occupied_slot_delete_first)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_ERR(map(g, seL4_CapInitThreadVSpace, a, seL4_ReadWrite), seL4_DeleteFirst);
}

KTEST(vspace_map_no_rights_leaves_slot_free)
{
    /* seL4 writes an invalid entry for a mapping without rights that cannot execute: the
     * frame counts as mapped, the slot stays free for another frame */
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_NoRights, seL4_RISCV_ExecuteNever));
    KT_ERR(map(f, seL4_CapInitThreadVSpace, b, seL4_ReadWrite), seL4_InvalidArgument);
    KT_OK(map(g, seL4_CapInitThreadVSpace, a, seL4_ReadWrite));
    *word_at(a) = 9;
    KT_EQ(*word_at(a), 9);
}

KTEST(vspace_map_above_user_top_invalid_argument)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, vs, seL4_UserTop, seL4_ReadWrite), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(map(f, vs, 0xffffffc000000000ul, seL4_ReadWrite), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(map(f, vs, 1ul << 39, seL4_ReadWrite), seL4_InvalidArgument);
    /* the last page below seL4_UserTop is a user page */
    KT_DO(kt_map(f, vs, seL4_UserTop - 4096, seL4_ReadWrite, 0));
}

KTEST(vspace_map_misaligned_alignment_error)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, vs, V_FREE + 0x800, seL4_ReadWrite), seL4_AlignmentError);
    KT_ERR(map(f, vs, V_FREE + 1, seL4_ReadWrite), seL4_AlignmentError);
    KT_CAP(m, kt_alloc(seL4_RISCV_Mega_Page, 0));
    KT_ERR(map(m, vs, V_FREE + 0x1000, seL4_ReadWrite), seL4_AlignmentError);
}

KTEST(vspace_map_address_checked_before_alignment)
{
    /* seL4 checks that the frame ends below seL4_UserTop before checking its alignment */
    KT_CAP(vs, vspace_new());
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, vs, seL4_UserTop + 0x800, seL4_ReadWrite), seL4_InvalidArgument);
    KT_CAP(m, kt_alloc(seL4_RISCV_Mega_Page, 0));
    KT_ERR(map(m, vs, seL4_UserTop - 0x1000, seL4_ReadWrite), seL4_InvalidArgument);
}

KTEST(vspace_map_missing_page_tables_failed_lookup)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word v = V_FREE + 0x3000;
    KT_ERR(map(f, vs, v, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, BITS_LEFT_L2);
    KT_DO(pt_at(vs, v) == 0);
    KT_ERR(map(f, vs, v, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, BITS_LEFT_L1);
    KT_DO(pt_at(vs, v) == 0);
    KT_OK(map(f, vs, v, seL4_ReadWrite));
}

KTEST(vspace_map_with_unassigned_vspace_invalid_capability)
{
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, pt, V_FREE, seL4_ReadWrite), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_CAP(pt2, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt2, pt, V_FREE, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_map_into_non_root_table_invalid_capability)
{
    /* a mapped level-1 table is a mapped page-table cap, but not the root of its ASID */
    KT_CAP(vs, vspace_new());
    KT_CAP(l1, pt_at(vs, V_FREE));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, l1, V_FREE, seL4_ReadWrite), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_map_into_non_page_table_invalid_capability)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, ep, V_FREE, seL4_ReadWrite), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, g, V_FREE, seL4_ReadWrite), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_frame_map_truncated)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_SetCap(0, vs);
    seL4_SetMR(0, V_FREE);
    seL4_SetMR(1, seL4_ReadWrite.words[0]);
    seL4_SetMR(2, 0);
    KT_ERR(lark_invoke_error(f, RISCVPageMap, 1, 2), seL4_TruncatedMessage);
    KT_ERR(lark_invoke_error(f, RISCVPageMap, 0, 3), seL4_TruncatedMessage);
    seL4_SetCap(0, vs);
    KT_ERR(lark_invoke_error(vs, RISCVPageTableMap, 1, 1), seL4_TruncatedMessage);
    KT_ERR(lark_invoke_error(seL4_CapInitThreadASIDPool, RISCVASIDPoolAssign, 0, 0),
           seL4_TruncatedMessage);
}

KTEST(vspace_wrong_labels_illegal_operation)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(lark_invoke_error(f, RISCVPageTableMap, 0, 0), seL4_IllegalOperation);
    KT_ERR(lark_invoke_error(f, CNodeCopy, 0, 0), seL4_IllegalOperation);
    KT_ERR(lark_invoke_error(pt, RISCVPageMap, 0, 0), seL4_IllegalOperation);
    KT_ERR(lark_invoke_error(seL4_CapASIDControl, RISCVASIDPoolAssign, 0, 0), seL4_IllegalOperation);
    KT_ERR(lark_invoke_error(seL4_CapInitThreadASIDPool, RISCVASIDControlMakePool, 0, 0),
           seL4_IllegalOperation);
}

KTEST(vspace_read_only_cap_maps_read_only)
{
    /* rights of a frame cap copy are masked: asking for ReadWrite through a read-only cap
     * gives a read-only mapping (the store is in test_fault.c); seen here as data only */
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(ro, kt_copy(f, seL4_CanRead));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    KT_DO(kt_map(ro, seL4_CapInitThreadVSpace, b, seL4_ReadWrite, 0));
    *word_at(a) = 11;
    KT_EQ(*word_at(b), 11);
}

/* ================================================================ 2 MiB and 1 GiB frames */

KTEST(vspace_map_2m_frame)
{
    KT_CAP(m, kt_alloc(seL4_RISCV_Mega_Page, 0));
    seL4_Word pa = paddr_of(m);
    KT_EQ(pa & ((1ul << 21) - 1), 0);
    KT_DO(kt_map(m, seL4_CapInitThreadVSpace, V_MEGA, seL4_ReadWrite, 0));
    *word_at(V_MEGA) = 1;
    *word_at(V_MEGA + (1ul << 21) - 8) = 2;
    KT_EQ(*word_at(V_MEGA), 1);
    KT_EQ(*word_at(V_MEGA + (1ul << 21) - 8), 2);
    KT_EQ(paddr_of(m), pa); /* mapping does not move the frame */
}

KTEST(vspace_2m_frame_needs_only_a_level1_table)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(m, kt_alloc(seL4_RISCV_Mega_Page, 0));
    seL4_Word v = V_FREE + (3ul << 21);
    KT_ERR(map(m, vs, v, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, BITS_LEFT_L2);
    KT_DO(pt_at(vs, v) == 0);
    KT_OK(map(m, vs, v, seL4_ReadWrite));
    /* the walk now ends at the 2 MiB leaf: a 4 KiB frame there is a failed lookup, a page
     * table there is DeleteFirst */
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, vs, v + 0x1000, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, BITS_LEFT_L1);
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt, vs, v, 0), seL4_DeleteFirst);
}

KTEST(vspace_2m_frame_over_level0_table_failed_lookup)
{
    /* a level-0 table occupies the 2 MiB slot: the walk goes past it to 4 KiB */
    KT_CAP(vs, vspace_new());
    seL4_Word v = V_FREE + (5ul << 21);
    KT_DO(pt_at(vs, v) == 0);
    KT_DO(pt_at(vs, v) == 0);
    KT_CAP(m, kt_alloc(seL4_RISCV_Mega_Page, 0));
    KT_ERR(map(m, vs, v, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, 12);
}

static seL4_CPtr untyped_of_at_least(seL4_Word bits)
{
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        if (kt_bi->untypedList[c - kt_bi->untyped.start].sizeBits >= bits) {
            return c;
        }
    }
    return 0;
}

KTEST(vspace_map_1g_frame)
{
    /* with 128 MiB of RAM only device memory holds a 1 GiB frame: seL4 hands out every
     * non-RAM physical range below the device top as device untypeds */
    seL4_CPtr ut = untyped_of_at_least(30);
    if (ut == 0) {
        KT_FAIL("no untyped of 2^30 bytes or more in BootInfo");
    }
    seL4_CPtr g = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_RISCV_Giga_Page, 0, KT_ROOT, 0, 0, g, 1));
    KT_EQ(seL4_DebugCapIdentify(g), KT_CAP_FRAME);
    seL4_Word pa = paddr_of(g);
    KT_EQ(pa & ((1ul << 30) - 1), 0);
    KT_CAP(vs, vspace_new());
    KT_ERR(map(g, vs, V_GIGA + (1ul << 21), seL4_ReadWrite), seL4_AlignmentError);
    KT_OK(map(g, vs, V_GIGA, seL4_ReadWrite)); /* straight into the root table */
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt, vs, V_GIGA, 0), seL4_DeleteFirst);
    KT_OK(seL4_RISCV_Page_Unmap(g));
    KT_OK(seL4_RISCV_PageTable_Map(pt, vs, V_GIGA, 0));
    /* the walk now goes into the table: the 1 GiB slot is not where it stops */
    KT_ERR(map(g, vs, V_GIGA, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, BITS_LEFT_L1);
}

/* ================================================================ page tables */

KTEST(vspace_page_table_unmap_removes_its_mappings)
{
    KT_CAP(vs, vspace_new());
    seL4_Word v = V_FREE + 0x7000;
    KT_CAP(l1, pt_at(vs, v));
    KT_CAP(l0, pt_at(vs, v));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_OK(map(f, vs, v, seL4_ReadWrite));
    KT_OK(seL4_RISCV_PageTable_Unmap(l0));
    /* the level-1 slot is empty again and the walk stops there */
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(g, vs, v, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(2, BITS_LEFT_L1);
    /* mapped again, the table comes back empty: its old entry is gone */
    KT_OK(seL4_RISCV_PageTable_Map(l0, vs, v, 0));
    KT_OK(map(g, vs, v, seL4_ReadWrite));
    (void)l1;
}

KTEST(vspace_page_table_unmap_seen_by_root_task)
{
    /* the same in the root VSpace, observed through the data */
    seL4_Word v = V_MEGA + (7ul << 21);
    KT_CAP(l1, pt_at(seL4_CapInitThreadVSpace, v));
    KT_CAP(l0, pt_at(seL4_CapInitThreadVSpace, v));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_OK(map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite));
    *word_at(v) = 0xf;
    KT_OK(seL4_RISCV_PageTable_Unmap(l0));
    KT_OK(seL4_RISCV_PageTable_Map(l0, seL4_CapInitThreadVSpace, v, 0));
    KT_OK(map(g, seL4_CapInitThreadVSpace, v, seL4_ReadWrite));
    KT_EQ(*word_at(v), 0); /* g, not f */
    (void)l1;
}

KTEST(vspace_page_table_delete_removes_its_mappings)
{
    KT_CAP(vs, vspace_new());
    seL4_Word v = V_FREE + 0x9000;
    KT_CAP(l1, pt_at(vs, v));
    KT_CAP(l0, pt_at(vs, v));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_OK(map(f, vs, v, seL4_ReadWrite));
    KT_OK(seL4_CNode_Delete(KT_ROOT, l1, KT_DEPTH));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(g, vs, v, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(2, BITS_LEFT_L2);
    KT_OK(seL4_RISCV_Page_Unmap(f)); /* its stale mapping is harmless */
    (void)l0;
}

KTEST(vspace_page_table_map_twice_invalid_capability)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(pt, pt_at(vs, V_FREE));
    KT_ERR(seL4_RISCV_PageTable_Map(pt, vs, V_FREE + (1ul << 30), 0), seL4_InvalidCapability);
    KT_MR(0, 0);
}

KTEST(vspace_page_table_map_occupied_delete_first)
{
    KT_CAP(vs, vspace_new());
    KT_DO(pt_at(vs, V_FREE) == 0);
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    /* the 1 GiB slot is taken by the first table: the walk continues into it and maps a
     * level-0 table there instead */
    KT_OK(seL4_RISCV_PageTable_Map(pt, vs, V_FREE, 0));
    KT_CAP(pt3, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt3, vs, V_FREE, 0), seL4_DeleteFirst);
    KT_ERR(seL4_RISCV_PageTable_Map(pt3, vs, V_FREE + 0x1000, 0), seL4_DeleteFirst);
    KT_OK(seL4_RISCV_PageTable_Map(pt3, vs, V_FREE + (1ul << 21), 0));
}

KTEST(vspace_page_table_map_above_user_top)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt, vs, seL4_UserTop, 0), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(seL4_RISCV_PageTable_Map(pt, vs, 0xffffffc000000000ul, 0), seL4_InvalidArgument);
    KT_MR(0, 0);
    /* the VSpace cap is checked first */
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt, ep, seL4_UserTop, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_page_table_unmap_of_root_revoke_first)
{
    KT_CAP(vs, vspace_new());
    KT_ERR(seL4_RISCV_PageTable_Unmap(vs), seL4_RevokeFirst);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, vs, V_FREE, seL4_ReadWrite, 0)); /* still a working VSpace */
}

KTEST(vspace_page_table_unmap_not_final_revoke_first)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(pt, pt_at(vs, V_FREE));
    KT_CAP(copy, kt_copy(pt, seL4_AllRights));
    KT_ERR(seL4_RISCV_PageTable_Unmap(pt), seL4_RevokeFirst);
    KT_OK(seL4_CNode_Delete(KT_ROOT, copy, KT_DEPTH));
    KT_OK(seL4_RISCV_PageTable_Unmap(pt));
}

KTEST(vspace_page_table_unmap_of_unmapped_is_ok)
{
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_OK(seL4_RISCV_PageTable_Unmap(pt));
}

KTEST(vspace_copy_of_unmapped_page_table_illegal)
{
    /* seL4 riscv derives page-table caps only while they are mapped */
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, pt, KT_DEPTH, seL4_AllRights),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
    KT_CAP(vs, vspace_new());
    KT_OK(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, vs, KT_DEPTH, seL4_AllRights));
}

/* ================================================================ ASIDs */

KTEST(vspace_asid_make_pool_and_use_it)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr pool = kt_slot();
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(pool), KT_CAP_ASID_POOL);
    KT_CAP(vs, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_OK(seL4_RISCV_ASIDPool_Assign(pool, vs));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, vs, V_FREE, seL4_ReadWrite, 0));
    /* the pool used the whole untyped */
    seL4_CPtr s = kt_slot();
    KT_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, KT_ROOT, 0, 0, s, 1), seL4_NotEnoughMemory);
    KT_MR(0, 0);
}

KTEST(vspace_asid_make_pool_wrong_size)
{
    KT_CAP(big, kt_alloc_untyped(13));
    KT_CAP(small, kt_alloc_untyped(11));
    seL4_CPtr pool = kt_slot();
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, big, KT_ROOT, pool, KT_DEPTH),
           seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, small, KT_ROOT, pool, KT_DEPTH),
           seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_TRUE(kt_slot_empty(pool));
}

KTEST(vspace_asid_make_pool_not_an_untyped)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_CPtr pool = kt_slot();
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, f, KT_ROOT, pool, KT_DEPTH),
           seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_asid_make_pool_untyped_with_children)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr child = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, KT_ROOT, 0, 0, child, 1));
    seL4_CPtr pool = kt_slot();
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH),
           seL4_RevokeFirst);
    KT_TRUE(kt_slot_empty(pool));
    KT_OK(seL4_CNode_Delete(KT_ROOT, child, KT_DEPTH));
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
}

KTEST(vspace_asid_make_pool_device_untyped)
{
    seL4_CPtr dev = 0;
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end && dev == 0; c++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[c - kt_bi->untyped.start];
        if (d->isDevice && d->sizeBits >= 12) {
            dev = c;
        }
    }
    if (dev == 0) {
        KT_FAIL("no device untyped of at least 4 KiB");
    }
    seL4_CPtr ut = kt_slot();
    KT_OK(seL4_Untyped_Retype(dev, seL4_UntypedObject, 12, KT_ROOT, 0, 0, ut, 1));
    seL4_CPtr pool = kt_slot();
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH),
           seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_asid_make_pool_destination_errors)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(taken, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, taken, KT_DEPTH),
           seL4_DeleteFirst);
    seL4_CPtr pool = kt_slot();
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, 0), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, taken, pool, KT_DEPTH),
           seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_InvalidRoot);
    /* nothing was used up by the failures */
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
}

KTEST(vspace_asid_make_pool_truncated)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_SetCap(0, ut);
    seL4_SetMR(0, kt_slot());
    seL4_SetMR(1, KT_DEPTH);
    KT_ERR(lark_invoke_error(seL4_CapASIDControl, RISCVASIDControlMakePool, 1, 2), seL4_TruncatedMessage);
    seL4_SetCap(0, ut);
    seL4_SetCap(1, KT_ROOT);
    KT_ERR(lark_invoke_error(seL4_CapASIDControl, RISCVASIDControlMakePool, 2, 1), seL4_TruncatedMessage);
}

KTEST(vspace_asid_assign_already_assigned)
{
    KT_CAP(vs, vspace_new());
    KT_ERR(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_ERR(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, seL4_CapInitThreadVSpace),
           seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_asid_assign_not_a_page_table)
{
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, f), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_asid_assign_mapped_table_invalid_capability)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(l1, pt_at(vs, V_FREE));
    KT_ERR(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, l1), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(vspace_asid_pool_delete_invalidates_its_vspaces)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr pool = kt_slot();
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
    KT_CAP(vs, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_OK(seL4_RISCV_ASIDPool_Assign(pool, vs));
    KT_OK(seL4_CNode_Delete(KT_ROOT, pool, KT_DEPTH));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(f, vs, V_FREE, seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_InvalidRoot);
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_RISCV_PageTable_Map(pt, vs, V_FREE, 0), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_InvalidRoot);
}

KTEST(vspace_asid_revoked_untyped_frees_the_pool_slot)
{
    /* pools come back: a pool made, revoked away and made again many times never runs out */
    KT_CAP(ut, kt_alloc_untyped(12));
    for (int i = 0; i < 200; i++) {
        seL4_CPtr pool = kt_slot();
        KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
        KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
        KT_TRUE(kt_slot_empty(pool));
    }
}

KTEST(vspace_asid_pools_run_out_delete_first)
{
    /* 2^7 pools, one of them the root task's */
    seL4_CPtr ut = kt_alloc_untyped(19);
    KT_NE(ut, 0);
    seL4_CPtr first = kt_slot();
    for (int i = 1; i < 128; i++) {
        kt_slot();
    }
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, KT_ROOT, 0, 0, first, 128));
    seL4_CPtr pools = kt_slot();
    for (int i = 1; i < 128; i++) {
        kt_slot();
    }
    for (int i = 0; i < 127; i++) {
        KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, first + i, KT_ROOT, pools + i, KT_DEPTH));
    }
    KT_ERR(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, first + 127, KT_ROOT, pools + 127, KT_DEPTH),
           seL4_DeleteFirst);
    KT_OK(seL4_CNode_Delete(KT_ROOT, pools + 50, KT_DEPTH));
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, first + 127, KT_ROOT, pools + 127, KT_DEPTH));
}

KTEST(vspace_asid_pool_full_delete_first)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr pool = kt_slot();
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
    seL4_CPtr first = kt_slot();
    for (int i = 1; i < 513; i++) {
        kt_slot();
    }
    KT_OK(seL4_Untyped_Retype(kt_pool, seL4_RISCV_PageTableObject, 0, KT_ROOT, 0, 0, first, 256));
    KT_OK(seL4_Untyped_Retype(kt_pool, seL4_RISCV_PageTableObject, 0, KT_ROOT, 0, 0, first + 256, 256));
    KT_OK(seL4_Untyped_Retype(kt_pool, seL4_RISCV_PageTableObject, 0, KT_ROOT, 0, 0, first + 512, 1));
    /* a fresh pool has no ASID 0 in it: all 512 entries are usable */
    for (int i = 0; i < 512; i++) {
        KT_OK(seL4_RISCV_ASIDPool_Assign(pool, first + i));
    }
    KT_ERR(seL4_RISCV_ASIDPool_Assign(pool, first + 512), seL4_DeleteFirst);
    /* deleting one VSpace frees its ASID */
    KT_OK(seL4_CNode_Delete(KT_ROOT, first + 100, KT_DEPTH));
    KT_OK(seL4_RISCV_ASIDPool_Assign(pool, first + 512));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, first + 512, V_FREE, seL4_ReadWrite, 0));
}

KTEST(vspace_copy_keeps_vspace_usable_after_delete)
{
    KT_CAP(vs, vspace_new());
    KT_CAP(keep, kt_copy(vs, seL4_AllRights));
    KT_OK(seL4_CNode_Delete(KT_ROOT, vs, KT_DEPTH));
    /* the copy keeps the VSpace alive */
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, keep, V_FREE, seL4_ReadWrite, 0));
}

/* ================================================================ device frames */

static seL4_CPtr device_untyped_at(seL4_Word paddr, seL4_Word *bits)
{
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[c - kt_bi->untyped.start];
        if (d->isDevice && d->paddr <= paddr && paddr - d->paddr < (1ul << d->sizeBits)) {
            *bits = d->sizeBits;
            return c;
        }
    }
    return 0;
}

KTEST(vspace_device_frame_maps_the_uart)
{
    seL4_Word size = 0, uart = 0, len = 0;
    const void *fdt = lark_bootinfo_find_fdt(kt_bi, &size);
    KT_TRUE(fdt != NULL);
    KT_EQ(kt_fdt_reg(fdt, size, "serial@", &uart, &len), 0);
    seL4_Word bits = 0;
    seL4_CPtr dev = device_untyped_at(uart, &bits);
    if (dev == 0) {
        KT_FAIL("no device untyped covers the UART at 0x%lx", uart);
    }
    const seL4_UntypedDesc *d = &kt_bi->untypedList[dev - kt_bi->untyped.start];
    /* objects come out of the untyped in order: skip to the UART's page with untypeds of
     * the offset's bits, largest first (each then sits at its own alignment) */
    seL4_Word skip = (uart & ~0xffful) - d->paddr;
    for (int b = (int)bits - 1; b >= 12; b--) {
        if (skip & (1ul << b)) {
            KT_OK(seL4_Untyped_Retype(dev, seL4_UntypedObject, (seL4_Word)b, KT_ROOT, 0, 0, kt_slot(), 1));
        }
    }
    seL4_CPtr frame = kt_slot();
    KT_OK(seL4_Untyped_Retype(dev, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, frame, 1));
    KT_EQ(paddr_of(frame), uart & ~0xffful);
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(frame, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_ExecuteNever));
    /* the 16550 line status register: transmitter empty bits set while idle */
    volatile uint8_t *lsr = (volatile uint8_t *)(v + (uart & 0xfff) + 5);
    KT_EQ(*lsr & 0x60, 0x60);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, dev, KT_DEPTH));
    KT_TRUE(kt_slot_empty(frame));
}

KTEST(vspace_device_frame_get_address)
{
    seL4_CPtr dev = 0;
    const seL4_UntypedDesc *d = NULL;
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end && dev == 0; c++) {
        d = &kt_bi->untypedList[c - kt_bi->untyped.start];
        if (d->isDevice && d->sizeBits >= 21) {
            dev = c;
        }
    }
    if (dev == 0) {
        KT_FAIL("no device untyped of at least 2 MiB");
    }
    seL4_CPtr m = kt_slot();
    KT_OK(seL4_Untyped_Retype(dev, seL4_RISCV_Mega_Page, 0, KT_ROOT, 0, 0, m, 1));
    KT_EQ(paddr_of(m), d->paddr);
    KT_CAP(vs, vspace_new());
    KT_DO(kt_map(m, vs, V_FREE, seL4_ReadWrite, 0));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, dev, KT_DEPTH));
}

KTEST(vspace_asid_pool_copy_survives_delete_of_original)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr pool = kt_slot();
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
    KT_CAP(copy, kt_copy(pool, seL4_AllRights));
    KT_OK(seL4_CNode_Delete(KT_ROOT, pool, KT_DEPTH));
    KT_CAP(vs, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_OK(seL4_RISCV_ASIDPool_Assign(copy, vs));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, vs, V_FREE, seL4_ReadWrite, 0));
}

KTEST(vspace_moved_frame_cap_keeps_its_mapping)
{
    /* Move is not a derivation: the mapping travels with the cap */
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word a = kt_vaddr_pages(1), b = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, a, seL4_ReadWrite, 0));
    *word_at(a) = 0x3e;
    seL4_CPtr moved = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, moved, KT_DEPTH, KT_ROOT, f, KT_DEPTH));
    KT_EQ(*word_at(a), 0x3e);
    KT_ERR(map(moved, seL4_CapInitThreadVSpace, b, seL4_ReadWrite), seL4_InvalidArgument);
    KT_OK(seL4_RISCV_Page_Unmap(moved));
    KT_CAP(g, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_OK(map(g, seL4_CapInitThreadVSpace, a, seL4_ReadWrite));
}

KTEST(vspace_fill_one_page_table)
{
    /* all 512 entries of one level-0 table, then all of them unmapped again */
    KT_CAP(vs, vspace_new());
    seL4_Word base = V_FREE + (9ul << 21);
    KT_DO(pt_at(vs, base) == 0);
    KT_DO(pt_at(vs, base) == 0);
    seL4_CPtr first = kt_slot();
    for (int i = 1; i < 512; i++) {
        kt_slot();
    }
    KT_OK(seL4_Untyped_Retype(kt_pool, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, first, 256));
    KT_OK(seL4_Untyped_Retype(kt_pool, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, first + 256, 256));
    for (seL4_Word i = 0; i < 512; i++) {
        KT_OK(map(first + i, vs, base + (i << 12), seL4_ReadWrite));
    }
    KT_CAP(extra, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_ERR(map(extra, vs, base + (511ul << 12), seL4_ReadWrite), seL4_DeleteFirst);
    /* the next 2 MiB has no level-0 table */
    KT_ERR(map(extra, vs, base + (512ul << 12), seL4_ReadWrite), seL4_FailedLookup);
    KT_MR(2, BITS_LEFT_L1);
    for (seL4_Word i = 0; i < 512; i++) {
        KT_OK(seL4_RISCV_Page_Unmap(first + i));
    }
    KT_OK(map(extra, vs, base + (511ul << 12), seL4_ReadWrite));
}

/* ================================================================ robustness */

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static seL4_Word pick_vaddr(void)
{
    static const seL4_Word interesting[] = {
        0, 0x1000, 0x200000, 0x40000000, V_FREE, V_FREE + 0x1000, V_FREE + 0x200000,
        V_FREE + 0x800, seL4_UserTop - 0x1000, seL4_UserTop - 0x200000, seL4_UserTop - 0x40000000,
        seL4_UserTop, 1ul << 38, 1ul << 39, 0xffffffc000000000ul, ~0ul, ~0xffful,
    };
    uint64_t r = rng();
    if (r & 1) {
        return interesting[(r >> 1) % (sizeof(interesting) / sizeof(interesting[0]))];
    }
    /* random, mostly inside a few GiB of V_FREE and page aligned */
    seL4_Word v = V_FREE + ((r >> 8) & 0xffffffffful);
    return (r & 2) ? v : v & ~0xffful;
}

KTEST(vspace_random_invocations_leave_the_kernel_sound)
{
    /* thousands of VSpace invocations with arbitrary caps and arguments: whatever each one
     * answers, the kernel keeps working and every mapping can be undone */
    enum { NCAPS = 12 };
    seL4_CPtr caps[NCAPS];
    KT_CAP(vs1, vspace_new());
    KT_CAP(vs2, vspace_new());
    KT_CAP(loose, kt_alloc(seL4_RISCV_PageTableObject, 0));
    /* a notification, not an endpoint: a Call on an endpoint would be IPC and block */
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr pool = kt_slot();
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
    caps[0] = vs1;
    caps[1] = vs2;
    caps[2] = loose;
    caps[3] = ntfn;
    caps[4] = pool;
    for (int i = 5; i < 9; i++) {
        KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
        caps[i] = f;
    }
    KT_CAP(mega, kt_alloc(seL4_RISCV_Mega_Page, 0));
    caps[9] = mega;
    KT_CAP(pt1, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_CAP(pt2, kt_alloc(seL4_RISCV_PageTableObject, 0));
    caps[10] = pt1;
    caps[11] = pt2;
    rng_state = 0x9e3779b97f4a7c15ul;
    int ok = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t r = rng();
        seL4_CPtr target = caps[r % NCAPS], other = caps[(r >> 8) % NCAPS];
        /* the root task's own VSpace is never among the caps */
        seL4_Word vaddr = pick_vaddr();
        seL4_Error err;
        switch ((r >> 16) % 7) {
        case 0:
        case 1:
            err = seL4_RISCV_Page_Map(target, other, vaddr, seL4_CapRights_new(0, 0, (r >> 20) & 1, (r >> 21) & 1),
                                      (seL4_RISCV_VMAttributes)((r >> 22) & 3));
            break;
        case 2:
            err = seL4_RISCV_Page_Unmap(target);
            break;
        case 3:
        case 4:
            err = seL4_RISCV_PageTable_Map(target, other, vaddr, 0);
            break;
        case 5:
            err = seL4_RISCV_PageTable_Unmap(target);
            break;
        default:
            err = seL4_RISCV_ASIDPool_Assign(target, other);
            break;
        }
        if (err == seL4_NoError) {
            ok++;
        }
        KT_LE(err, seL4_NotEnoughMemory);
    }
    KT_GE(ok, 10);
    /* everything can be taken down again, and memory still works */
    for (int i = 0; i < NCAPS; i++) {
        seL4_RISCV_Page_Unmap(caps[i]);
        seL4_RISCV_PageTable_Unmap(caps[i]);
    }
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, 0));
    *word_at(v) = 0x50d;
    KT_EQ(*word_at(v), 0x50d);
}

/* ================================================================ IPC buffer rights */

/* Receives once on arg[0] (reply object arg[1]); records the length, MR0..MR3 as registers
 * and what its own buffer then holds at MR4..MR9. */
static void receive_long(kt_thread_t *t)
{
    seL4_Word badge = 0, m[4] = {0, 0, 0, 0};
    seL4_MessageInfo_t info = seL4_RecvWithMRs(t->arg[0], &badge, &m[0], &m[1], &m[2], &m[3], t->arg[1]);
    t->result[0] = seL4_MessageInfo_get_length(info);
    t->result[1] = m[0];
    t->result[2] = m[3];
    t->result[3] = seL4_GetMR(4);
    t->result[4] = seL4_GetMR(9);
}

static void send_long(kt_thread_t *t)
{
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 100 + (seL4_Word)i);
    }
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 10));
}

static int helper_with_buffer_rights(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_CapRights_t rights)
{
    if (kt_thread_new(t, fn, KT_PRIO) != 0) {
        return -1;
    }
    seL4_CPtr limited = kt_copy(t->ipc_frame, rights);
    if (limited == 0) {
        return -1;
    }
    seL4_Error err = seL4_TCB_SetIPCBuffer(t->tcb, t->ipc_vaddr, limited);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "SetIPCBuffer: %s", kt_err_name(err));
        return -1;
    }
    return 0;
}

KTEST(vspace_read_only_ipc_buffer_is_not_written_by_a_receive)
{
    /* seL4 writes a received message into an IPC buffer only through a read-write frame
     * cap: with a read-only one the message stops at the registers */
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(helper_with_buffer_rights(t, receive_long, seL4_CanRead));
    t->arg[0] = ep;
    t->arg[1] = reply;
    seL4_Word *buf = (seL4_Word *)t->ipc_vaddr;
    buf[1 + 4] = 0x5e5e;
    buf[1 + 9] = 0x5e5e;
    KT_DO(kt_thread_start(t));
    kt_wait_done(t, 3); /* it waits in Recv */
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 100 + (seL4_Word)i);
    }
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 10));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 4);
    KT_EQ(t->result[1], 100);
    KT_EQ(t->result[2], 103);
    KT_EQ(t->result[3], 0x5e5e);
    KT_EQ(t->result[4], 0x5e5e);
}

KTEST(vspace_read_only_ipc_buffer_still_sends)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(helper_with_buffer_rights(t, send_long, seL4_CanRead));
    t->arg[0] = ep;
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_length(info), 10);
    KT_MR(4, 104);
    KT_MR(9, 109);
}

KTEST(vspace_kernel_only_ipc_buffer_sends_only_registers)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(helper_with_buffer_rights(t, send_long, seL4_NoRights));
    t->arg[0] = ep;
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_length(info), 4);
    KT_MR(3, 103);
}
