/* BootInfo and the initial CSpace as abi.md 7 describes them, checked against the device tree
 * QEMU passes and against the kernel's own answers (DebugCapIdentify, Untyped_Describe). Runs
 * on a fresh boot: nothing has been retyped yet. */
#include "kt.h"

extern char __image_start[], __image_end[];

static const void *fdt(seL4_Word *size)
{
    return lark_bootinfo_find_fdt(kt_bi, size);
}

static bool ram_range(seL4_Word *base, seL4_Word *len)
{
    seL4_Word size;
    const void *f = fdt(&size);
    return f != NULL && kt_fdt_reg(f, size, "memory@", base, len) == 0;
}

static const seL4_UntypedDesc *desc(seL4_CPtr cap)
{
    return &kt_bi->untypedList[cap - kt_bi->untyped.start];
}

static bool in_tainted(seL4_Word paddr)
{
    const lark_bootinfo_lark_t *l = lark_bootinfo_find_lark(kt_bi);
    for (seL4_CPtr c = l->tainted.start; c < l->tainted.end; c++) {
        const seL4_UntypedDesc *d = desc(c);
        if (paddr >= d->paddr && paddr - d->paddr < (1ul << d->sizeBits)) {
            return true;
        }
    }
    return false;
}

KTEST(bootinfo_node_fields)
{
    KT_EQ(kt_bi->nodeID, 0);
    KT_EQ(kt_bi->numNodes, 1);
    KT_EQ(kt_bi->numIOPTLevels, 0);
    KT_EQ(kt_bi->initThreadDomain, 0);
    KT_EQ(kt_bi->initThreadCNodeSizeBits, seL4_RootCNodeSizeBits);
}

KTEST(bootinfo_empty_regions_for_absent_features)
{
    KT_EQ(kt_bi->sharedFrames.end - kt_bi->sharedFrames.start, 0);
    KT_EQ(kt_bi->ioSpaceCaps.end - kt_bi->ioSpaceCaps.start, 0);
}

KTEST(bootinfo_ipc_buffer_after_image)
{
    seL4_Word ipc = (seL4_Word)kt_bi->ipcBuffer;
    KT_EQ(ipc & ((1ul << seL4_PageBits) - 1), 0);
    KT_GE(ipc, (seL4_Word)__image_end);
    /* The BootInfo page follows the IPC buffer (abi.md 7). */
    KT_EQ((seL4_Word)kt_bi, ipc + (1ul << seL4_PageBits));
    kt_bi->ipcBuffer->msg[seL4_MsgMaxLength - 1] = 0x5a5a;
    KT_EQ(kt_bi->ipcBuffer->msg[seL4_MsgMaxLength - 1], 0x5a5a);
}

KTEST(bootinfo_initial_cap_types)
{
    static const seL4_Word want[16] = {
        KT_CAP_NULL, KT_CAP_THREAD, KT_CAP_CNODE, KT_CAP_PAGE_TABLE, KT_CAP_IRQ_CONTROL,
        KT_CAP_ASID_CONTROL, KT_CAP_ASID_POOL, KT_CAP_NULL, KT_CAP_NULL, KT_CAP_FRAME, KT_CAP_FRAME,
        KT_CAP_DOMAIN, KT_CAP_NULL, KT_CAP_NULL, KT_CAP_SCHED_CONTEXT, KT_CAP_NULL,
    };
    for (seL4_CPtr s = 0; s < 16; s++) {
        seL4_Word got = seL4_DebugCapIdentify(s);
        if (got != want[s]) {
            KT_FAIL("slot %lu holds cap type %lu, expected %lu", s, got, want[s]);
        }
    }
}

KTEST(bootinfo_first_free_slot)
{
    KT_GE(kt_bi->empty.start, 16);
    KT_EQ(kt_bi->empty.end, 1ul << seL4_RootCNodeSizeBits);
    KT_TRUE(kt_slot_empty(kt_bi->empty.start));
    KT_TRUE(kt_slot_empty(kt_bi->empty.end - 1));
    /* Every region the kernel filled lies below the empty region. */
    KT_LE(kt_bi->untyped.end, kt_bi->empty.start);
    KT_LE(kt_bi->userImageFrames.end, kt_bi->empty.start);
}

KTEST(bootinfo_sched_control)
{
    KT_EQ(kt_bi->schedcontrol.end - kt_bi->schedcontrol.start, 1);
    KT_EQ(seL4_DebugCapIdentify(kt_bi->schedcontrol.start), KT_CAP_SCHED_CONTROL);
}

KTEST(bootinfo_user_image_frames)
{
    seL4_Word pages = ((seL4_Word)__image_end - (seL4_Word)__image_start + (1ul << seL4_PageBits) - 1) >>
                      seL4_PageBits;
    KT_EQ(kt_bi->userImageFrames.end - kt_bi->userImageFrames.start, pages);
    for (seL4_CPtr c = kt_bi->userImageFrames.start; c < kt_bi->userImageFrames.end; c++) {
        KT_EQ(seL4_DebugCapIdentify(c), KT_CAP_FRAME);
    }
}

KTEST(bootinfo_user_image_paging)
{
    seL4_Word n = kt_bi->userImagePaging.end - kt_bi->userImagePaging.start;
    /* Sv39: the image below 1 GiB needs one level-1 and at least one level-2 table. */
    KT_GE(n, 2);
    for (seL4_CPtr c = kt_bi->userImagePaging.start; c < kt_bi->userImagePaging.end; c++) {
        KT_EQ(seL4_DebugCapIdentify(c), KT_CAP_PAGE_TABLE);
    }
}

KTEST(bootinfo_untyped_count_and_types)
{
    seL4_Word n = kt_bi->untyped.end - kt_bi->untyped.start;
    KT_GE(n, 1);
    KT_LE(n, seL4_MaxNumBootinfoUntypedCaps);
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        KT_EQ(seL4_DebugCapIdentify(c), KT_CAP_UNTYPED);
    }
}

KTEST(bootinfo_untyped_sizes_and_alignment)
{
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = desc(c);
        KT_GE(d->sizeBits, seL4_MinUntypedBits);
        KT_LE(d->sizeBits, seL4_MaxUntypedBits);
        KT_LE(d->isDevice, 1);
        if ((d->paddr & ((1ul << d->sizeBits) - 1)) != 0) {
            KT_FAIL("untyped %lu at 0x%lx is not aligned to its size 2^%u", c, d->paddr, d->sizeBits);
        }
    }
}

KTEST(bootinfo_untyped_describe_matches_list)
{
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        lark_Untyped_Describe_t r = lark_Untyped_Describe(c);
        KT_OK(r.error);
        KT_EQ(r.sizeBits, desc(c)->sizeBits);
        KT_LE(r.remainingBytes, 1ul << r.sizeBits);
    }
}

KTEST(bootinfo_untyped_no_overlap)
{
    for (seL4_CPtr a = kt_bi->untyped.start; a < kt_bi->untyped.end; a++) {
        for (seL4_CPtr b = a + 1; b < kt_bi->untyped.end; b++) {
            seL4_Word a0 = desc(a)->paddr, a1 = a0 + (1ul << desc(a)->sizeBits);
            seL4_Word b0 = desc(b)->paddr, b1 = b0 + (1ul << desc(b)->sizeBits);
            if (a0 < b1 && b0 < a1) {
                KT_FAIL("untypeds %lu [0x%lx,0x%lx) and %lu [0x%lx,0x%lx) overlap", a, a0, a1, b, b0, b1);
            }
        }
    }
}

KTEST(bootinfo_ram_untypeds_inside_ram)
{
    seL4_Word base, len;
    KT_TRUE(ram_range(&base, &len));
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = desc(c);
        seL4_Word end = d->paddr + (1ul << d->sizeBits);
        bool inside = d->paddr >= base && end <= base + len;
        if (!d->isDevice && !inside) {
            KT_FAIL("RAM untyped %lu [0x%lx,0x%lx) outside RAM", c, d->paddr, end);
        }
        if (d->isDevice && d->paddr < base + len && end > base) {
            KT_FAIL("device untyped %lu [0x%lx,0x%lx) overlaps RAM", c, d->paddr, end);
        }
    }
}

/* RAM = OpenSBI (below the kernel) + kernel reserved + untypeds + the FDT; allow 1 MiB for the
 * FDT and alignment losses. */
KTEST(bootinfo_untypeds_cover_ram)
{
    seL4_Word base, len;
    KT_TRUE(ram_range(&base, &len));
    const lark_bootinfo_lark_t *l = lark_bootinfo_find_lark(kt_bi);
    KT_TRUE(l != NULL);
    seL4_Word total = 0, lowest = ~0ul;
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        if (!desc(c)->isDevice) {
            total += 1ul << desc(c)->sizeBits;
            lowest = desc(c)->paddr < lowest ? desc(c)->paddr : lowest;
        }
    }
    seL4_Word opensbi = 0x200000; /* the kernel loads at RAM + 2 MiB, above OpenSBI */
    KT_GE(total + l->kernelReservedBytes + opensbi + (1ul << 20), len);
    KT_LE(total + l->kernelReservedBytes, len);
    KT_GE(lowest, base + opensbi);
}

KTEST(bootinfo_device_untypeds_cover_devices)
{
    seL4_Word size;
    const void *f = fdt(&size);
    KT_TRUE(f != NULL);
    static const char *const nodes[] = {"serial@", "rtc@", "plic@"};
    for (unsigned i = 0; i < 3; i++) {
        seL4_Word addr, len;
        if (kt_fdt_reg(f, size, nodes[i], &addr, &len) != 0) {
            KT_FAIL("device tree has no %s node", nodes[i]);
        }
        bool covered = false;
        for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
            const seL4_UntypedDesc *d = desc(c);
            if (d->isDevice && addr >= d->paddr && addr + len <= d->paddr + (1ul << d->sizeBits)) {
                covered = true;
            }
        }
        if (!covered && i < 2) {
            KT_FAIL("no device untyped covers %s at 0x%lx", nodes[i], addr);
        }
    }
}

KTEST(bootinfo_fdt_chunk)
{
    KT_GE(kt_bi->extraLen, sizeof(seL4_BootInfoHeader));
    seL4_Word size = 0;
    const void *f = fdt(&size);
    KT_TRUE(f != NULL);
    KT_EQ(kt_be32(f), 0xd00dfeedu);
    KT_LE(kt_be32((const char *)f + 4), size);
    seL4_Word base, len;
    KT_TRUE(ram_range(&base, &len));
    KT_EQ(base, 0x80000000ul);
}

KTEST(bootinfo_extra_pages)
{
    seL4_Word n = kt_bi->extraBIPages.end - kt_bi->extraBIPages.start;
    KT_EQ(n, (kt_bi->extraLen + (1ul << seL4_PageBits) - 1) >> seL4_PageBits);
    for (seL4_CPtr c = kt_bi->extraBIPages.start; c < kt_bi->extraBIPages.end; c++) {
        KT_EQ(seL4_DebugCapIdentify(c), KT_CAP_FRAME);
    }
}

KTEST(bootinfo_lark_chunk)
{
    const lark_bootinfo_lark_t *l = lark_bootinfo_find_lark(kt_bi);
    KT_TRUE(l != NULL);
    KT_EQ(l->header.id, 0x4C4B);
    KT_EQ(l->version, 1);
    KT_GE(l->kernelReservedBytes, 1ul << seL4_PageBits);
    seL4_Word base, len;
    KT_TRUE(ram_range(&base, &len));
    KT_LE(l->kernelReservedBytes, len / 2);
    KT_LE(kt_bi->untyped.start, l->tainted.start);
    KT_LE(l->tainted.end, kt_bi->untyped.end);
    KT_LE(l->tainted.start + 1, l->tainted.end);
}

KTEST(bootinfo_tainted_are_ram_and_used)
{
    const lark_bootinfo_lark_t *l = lark_bootinfo_find_lark(kt_bi);
    KT_TRUE(l != NULL);
    for (seL4_CPtr c = l->tainted.start; c < l->tainted.end; c++) {
        KT_EQ(desc(c)->isDevice, 0);
        lark_Untyped_Describe_t r = lark_Untyped_Describe(c);
        KT_OK(r.error);
        KT_LE(r.remainingBytes + 1, 1ul << r.sizeBits);
    }
}

/* The root task's own frames (image, IPC buffer, BootInfo) live in tainted untypeds. */
KTEST(bootinfo_tainted_hold_root_frames)
{
    KT_TRUE(lark_bootinfo_find_lark(kt_bi) != NULL);
    seL4_CPtr frames[] = {seL4_CapInitThreadIPCBuffer, seL4_CapBootInfoFrame, kt_bi->userImageFrames.start,
                          kt_bi->userImageFrames.end - 1};
    for (unsigned i = 0; i < 4; i++) {
        seL4_RISCV_Page_GetAddress_t a = seL4_RISCV_Page_GetAddress(frames[i]);
        KT_OK(a.error);
        if (!in_tainted(a.paddr)) {
            KT_FAIL("frame cap %lu at 0x%lx is in no tainted untyped", frames[i], a.paddr);
        }
    }
}

KTEST(bootinfo_untainted_untypeds_are_free)
{
    const lark_bootinfo_lark_t *l = lark_bootinfo_find_lark(kt_bi);
    KT_TRUE(l != NULL);
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        if (c >= l->tainted.start && c < l->tainted.end) {
            continue;
        }
        lark_Untyped_Describe_t r = lark_Untyped_Describe(c);
        KT_OK(r.error);
        KT_EQ(r.remainingBytes, 1ul << r.sizeBits);
    }
}

KTEST(bootinfo_frame_of_bootinfo_maps_this_page)
{
    /* Map the BootInfo frame a second time and read the same words through it. */
    KT_CAP(copy, kt_copy(seL4_CapBootInfoFrame, seL4_CanRead));
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(copy, seL4_CapInitThreadVSpace, v, seL4_CanRead, seL4_RISCV_ExecuteNever));
    const seL4_BootInfo *again = (const seL4_BootInfo *)v;
    KT_EQ(again->untyped.start, kt_bi->untyped.start);
    KT_EQ(again->empty.start, kt_bi->empty.start);
    KT_EQ(again->untypedList[0].paddr, kt_bi->untypedList[0].paddr);
}

KTEST(bootinfo_root_priority_and_mcp)
{
    /* The root task started at priority and MCP 255: it may raise a new thread to 255. */
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_OK(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 255));
    KT_OK(seL4_TCB_SetMCPriority(tcb, seL4_CapInitThreadTCB, 255));
}

/* As seL4's create_untypeds: device untypeds cover the physical address space up to
 * KernelPaddrUserTop (2^39 - 1 with Sv39) except RAM and the kernel's own PLIC, in whole pages. */
KTEST(bootinfo_device_untypeds_cover_all_but_ram_and_plic)
{
    seL4_Word size, base, len, plic, plic_len;
    const void *f = fdt(&size);
    KT_TRUE(f != NULL);
    KT_TRUE(ram_range(&base, &len));
    KT_EQ(kt_fdt_reg(f, size, "plic@", &plic, &plic_len), 0);
    seL4_Word total = 0;
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = desc(c);
        if (!d->isDevice) {
            continue;
        }
        seL4_Word end = d->paddr + (1ul << d->sizeBits);
        if (d->paddr < plic + plic_len && end > plic) {
            KT_FAIL("device untyped %lu [0x%lx,0x%lx) overlaps the PLIC", c, d->paddr, end);
        }
        KT_LE(end, (1ul << 39) - 1);
        total += 1ul << d->sizeBits;
    }
    seL4_Word plic_pages = ((plic + plic_len + 0xfff) & ~0xffful) - (plic & ~0xffful);
    KT_EQ(total + len + plic_pages, (1ul << 39) - (1ul << seL4_PageBits));
    /* paddr 0 and the PCIe MMIO window (not a reg of any device node) are device memory */
    bool zero = false, pcie = false;
    for (seL4_CPtr c = kt_bi->untyped.start; c < kt_bi->untyped.end; c++) {
        const seL4_UntypedDesc *d = desc(c);
        zero = zero || (d->isDevice && d->paddr == 0);
        pcie = pcie || (d->isDevice && d->paddr <= 0x40000000ul && 0x40000000ul - d->paddr < (1ul << d->sizeBits));
    }
    KT_TRUE(zero);
    KT_TRUE(pcie);
}

/* The BootInfo slot regions do not overlap, lie between the fixed initial caps and the empty
 * region, and together with them account for every used slot. */
KTEST(bootinfo_slot_regions_disjoint)
{
    const seL4_SlotRegion regs[] = {kt_bi->userImagePaging, kt_bi->userImageFrames, kt_bi->extraBIPages,
                                    kt_bi->schedcontrol, kt_bi->untyped, kt_bi->sharedFrames, kt_bi->ioSpaceCaps};
    seL4_Word used = 0;
    for (unsigned i = 0; i < 7; i++) {
        KT_LE(regs[i].start, regs[i].end);
        if (regs[i].start == regs[i].end) {
            continue;
        }
        KT_GE(regs[i].start, seL4_NumInitialCaps);
        KT_LE(regs[i].end, kt_bi->empty.start);
        used += regs[i].end - regs[i].start;
        for (unsigned j = i + 1; j < 7; j++) {
            if (regs[j].start < regs[i].end && regs[i].start < regs[j].end) {
                KT_FAIL("slot regions %u [%lu,%lu) and %u [%lu,%lu) overlap", i, regs[i].start, regs[i].end, j,
                        regs[j].start, regs[j].end);
            }
        }
    }
    KT_EQ(used, kt_bi->empty.start - seL4_NumInitialCaps);
    /* nothing the kernel made is in the empty region */
    for (seL4_CPtr c = kt_bi->empty.start; c < kt_bi->empty.start + 64; c++) {
        KT_TRUE(kt_slot_empty(c));
    }
}

/* The extra boot info is a chain of {id, len} chunks that ends exactly at extraLen. */
KTEST(bootinfo_extra_chunks_chain_to_extra_len)
{
    const char *base = (const char *)kt_bi + (1ul << seL4_PageBits);
    seL4_Word off = 0, fdt_chunks = 0, lark_chunks = 0;
    while (off < kt_bi->extraLen) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)(base + off);
        KT_GE(h->len, sizeof(*h));
        KT_LE(off + h->len, kt_bi->extraLen);
        fdt_chunks += h->id == SEL4_BOOTINFO_HEADER_FDT;
        lark_chunks += h->id == 0x4C4B;
        if (h->id != SEL4_BOOTINFO_HEADER_FDT && h->id != 0x4C4B && h->id != SEL4_BOOTINFO_HEADER_PADDING) {
            KT_FAIL("chunk at %lu has id %lu", off, h->id);
        }
        off += h->len;
    }
    KT_EQ(off, kt_bi->extraLen);
    KT_EQ(fdt_chunks, 1);
    KT_EQ(lark_chunks, 1);
}

/* The initial caps are derivation-tree roots: copies of them are their children. */
KTEST(bootinfo_initial_caps_are_revocable)
{
    KT_CAP(tcb, kt_copy(seL4_CapInitThreadTCB, seL4_AllRights));
    KT_CAP(dom, kt_copy(seL4_CapDomain, seL4_AllRights));
    KT_CAP(frame, kt_copy(seL4_CapBootInfoFrame, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, seL4_CapDomain, KT_DEPTH));
    KT_TRUE(kt_slot_empty(dom));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, seL4_CapBootInfoFrame, KT_DEPTH));
    KT_TRUE(kt_slot_empty(frame));
    KT_EQ(seL4_DebugCapIdentify(tcb), KT_CAP_THREAD);
    KT_OK(seL4_CNode_Delete(KT_ROOT, tcb, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), KT_CAP_THREAD);
}
