/* The hand-off to the memory manager (KataOS's handoff_capabilities), then start and suspend.
 *
 * The memory manager's CNode gets, from its first free slot on: the holding CNode, then every
 * BootInfo untyped (moved, so it keeps its children). The holding CNode gets every cap the
 * root server made that must outlive it: object originals (the caps frames are mapped
 * through), the extra frame caps of multiple mappings, IRQ handlers and their badged
 * notifications, page tables it added, and the kernel caps (IRQControl, ASIDControl, ASID
 * pool, domain, SchedControl). When the memory manager revokes the tainted untypeds, the
 * root server's CNode dies with whatever is left in it: nothing a component needs. */
#include "lark_handoff.h"
#include "rootserver.h"
#include <lark/print.h>
#include <lark/string.h>

static unsigned bits_for(uint64_t n)
{
    unsigned bits = 1;
    while ((1ULL << bits) < n) {
        bits++;
    }
    return bits;
}

static const struct lark_spec_component *memory_manager(void)
{
    for (uint32_t c = 0; c < rs.spec.header->components.count; c++) {
        if (rs.spec.components[c].flags & LARK_COMPF_MEMORY_MANAGER) {
            return &rs.spec.components[c];
        }
    }
    return NULL;
}

static void move_cap(seL4_CPtr dest_cnode, seL4_Word slot, seL4_Word depth, seL4_CPtr src, const char *what)
{
    rs_check(seL4_CNode_Move(dest_cnode, slot, (seL4_Uint8)depth, seL4_CapInitThreadCNode, src, seL4_WordBits),
             "move cap", what);
}

static void write_handoff(seL4_CPtr frame, const struct lark_handoff *h)
{
    seL4_CPtr copy = slot_alloc();
    rs_check(seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode, frame,
                             seL4_WordBits, seL4_AllRights),
             "copy", "hand-off frame");
    memcpy(window_map(copy), h, sizeof(*h));
    window_unmap(copy);
}

static void start_threads(void)
{
    rs.threads_started = 1;
    for (uint32_t i = 0; i < rs.spec.header->threads.count; i++) {
        rs_check(seL4_TCB_Resume(rs.obj_cap[rs.spec.threads[i].tcb]), "resume",
                 lark_spec_string(&rs.spec, rs.spec.threads[i].name));
    }
}

void handoff_and_start(void)
{
    const seL4_BootInfo *bi = rs.bi;
    const struct lark_spec_component *mm = memory_manager();
    if (mm == NULL) {
        lark_printf("rootserver: no memory manager in the spec: untyped memory dies with the root server\n");
        start_threads();
        return;
    }
    seL4_CPtr mm_cnode = rs.obj_cap[mm->cnode];
    seL4_Word mm_bits = rs.spec.objects[mm->cnode].size_bits;
    seL4_Word n_untyped = bi->untyped.end - bi->untyped.start;
    if (n_untyped > LARK_HANDOFF_MAX_UNTYPEDS || mm->first_free_slot + 1 + n_untyped > (1ULL << mm_bits)) {
        rs_fail("memory manager", "its CNode has no room for the holding CNode and every untyped");
    }

    seL4_CPtr frame = pool_retype(seL4_RISCV_4K_Page, 0, 4096, "hand-off frame");
    rs.extra_bytes += 4096;
    keep_cap(frame);
    vmap_frame(frame, rs.obj_cap[mm->vspace], LARK_HANDOFF_VADDR, seL4_CanRead, seL4_RISCV_ExecuteNever, 0,
               "hand-off frame");

    /* Kernel caps the root server holds from boot go to the holding CNode too. */
    static const seL4_CPtr kernel_caps[] = {seL4_CapIRQControl, seL4_CapASIDControl, seL4_CapInitThreadASIDPool,
                                            seL4_CapDomain};
    uint64_t n_kernel = sizeof(kernel_caps) / sizeof(kernel_caps[0]) + (bi->schedcontrol.end - bi->schedcontrol.start);
    unsigned holding_bits = bits_for(rs.keep_count + 1 + n_kernel);
    seL4_CPtr holding = pool_retype(seL4_CapTableObject, holding_bits, 1ULL << (holding_bits + seL4_SlotBits),
                                    "holding CNode");
    rs.extra_bytes += 1ULL << (holding_bits + seL4_SlotBits);

    static struct lark_handoff h;
    h.magic = LARK_HANDOFF_MAGIC;
    h.version = LARK_HANDOFF_VERSION;
    h.untyped_count = (uint32_t)n_untyped;
    h.holding_slot = mm->first_free_slot;
    h.holding_size_bits = holding_bits;
    h.holding_used = rs.keep_count + n_kernel;
    h.untyped_first_slot = mm->first_free_slot + 1;
    h.first_free_slot = h.untyped_first_slot + n_untyped;
    h.kernel_reserved_bytes = rs.kernel_reserved_bytes;
    h.tainted_bytes = rs.tainted_bytes;
    h.component_bytes = rs.component_bytes;
    h.rootserver_extra_bytes = rs.extra_bytes;
    archive_spec(&h.spec_bytes);
    h.archive_bytes = archive_total_bytes();
    for (seL4_Word i = 0; i < n_untyped; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr slot = bi->untyped.start + i;
        h.untypeds[i] = (struct lark_handoff_untyped){
            d->paddr, d->sizeBits, d->isDevice, slot >= rs.tainted_start && slot < rs.tainted_end, {0}};
    }
    write_handoff(frame, &h);

    /* The root server's own CNode cap to the memory manager's CNode goes to the holding CNode,
     * so the moves into that CNode go through a copy that dies with the root server. */
    seL4_CPtr mm_copy = slot_alloc();
    rs_check(seL4_CNode_Copy(seL4_CapInitThreadCNode, mm_copy, seL4_WordBits, seL4_CapInitThreadCNode, mm_cnode,
                             seL4_WordBits, seL4_AllRights),
             "copy", "memory manager CNode");
    for (seL4_Word i = 0; i < n_untyped; i++) {
        move_cap(mm_copy, h.untyped_first_slot + i, mm_bits, bi->untyped.start + i, "untyped");
    }

    lark_printf("rootserver: hand-off: holding CNode 2^%u slots (%lu caps), %lu untypeds at memory manager "
                "slots %lu..%lu, page at %lx\n",
                holding_bits, (unsigned long)h.holding_used, (unsigned long)n_untyped,
                (unsigned long)h.untyped_first_slot, (unsigned long)(h.first_free_slot - 1),
                (unsigned long)LARK_HANDOFF_VADDR);

    /* Threads are resumed before their TCB caps move; they cannot run before the root server
     * (priority 255) suspends itself. */
    start_threads();
    seL4_Word k = 0;
    for (; k < rs.keep_count; k++) {
        move_cap(holding, k, holding_bits, rs.keep[k], "created cap");
    }
    for (unsigned i = 0; i < sizeof(kernel_caps) / sizeof(kernel_caps[0]); i++) {
        move_cap(holding, k++, holding_bits, kernel_caps[i], "kernel cap");
    }
    for (seL4_CPtr s = bi->schedcontrol.start; s < bi->schedcontrol.end; s++) {
        move_cap(holding, k++, holding_bits, s, "SchedControl");
    }
    move_cap(mm_copy, h.holding_slot, mm_bits, holding, "holding CNode");
}
