/* Frame mappings: into the components' VSpaces and through the root server's own window
 * (to fill frames). A missing page-table level shows up as FailedLookup from Page_Map; the
 * table is then created, mapped and the frame mapped again. */
#include "rootserver.h"

/* Far from the root server's image (linked at 0x10000), its IPC buffer and BootInfo pages. */
#define WINDOW_VADDR 0x3000000000ULL

void vmap_frame(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
                seL4_Word attrs, int scratch_tables, const char *name)
{
    for (int level = 0; level < 3; level++) {
        seL4_Error err = seL4_RISCV_Page_Map(frame, vspace, vaddr, rights, (seL4_RISCV_VMAttributes)attrs);
        if (err != seL4_FailedLookup) {
            rs_check(err, "map frame", name);
            return;
        }
        seL4_CPtr pt;
        if (scratch_tables) {
            int from_tainted;
            pt = pool_retype_scratch(seL4_RISCV_PageTableObject, 1u << seL4_PageTableBits, &from_tainted);
            if (!from_tainted) {
                rs.extra_bytes += 1u << seL4_PageTableBits;
            }
        } else {
            pt = pool_retype(seL4_RISCV_PageTableObject, 0, 1u << seL4_PageTableBits, "page table");
            rs.extra_bytes += 1u << seL4_PageTableBits;
            keep_cap(pt);
        }
        rs_check(seL4_RISCV_PageTable_Map(pt, vspace, vaddr, seL4_RISCV_Default_VMAttributes),
                 "map page table for", name);
    }
    rs_fail(name, "page tables added but the frame still does not map");
}

void *window_map(seL4_CPtr frame)
{
    vmap_frame(frame, seL4_CapInitThreadVSpace, WINDOW_VADDR, seL4_ReadWrite,
               seL4_RISCV_ExecuteNever, 1, "fill window");
    return (void *)WINDOW_VADDR;
}

void window_unmap(seL4_CPtr frame)
{
    /* Instructions written through the window are fetched through another mapping later. */
#if defined(__riscv)
    __asm__ volatile("fence.i" ::: "memory");
#endif
    rs_check(seL4_RISCV_Page_Unmap(frame), "unmap fill window", "frame");
}
