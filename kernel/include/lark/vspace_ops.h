/* Helpers shared by the VSpace invocations (K1: src/arch/riscv/vspace_ops.c). */
#ifndef LARK_VSPACE_OPS_H
#define LARK_VSPACE_OPS_H
#include "vspace.h"

/* The root table and ASID of a VSpace cap given as extra cap `capno`: InvalidCapability
 * unless it is a root page table that still owns its ASID; FailedLookup if the ASID is gone. */
static inline exception_t vspace_root_for(cap_t root_cap, unsigned capno, pte_t **root,
                                          word_t *asid)
{
    if (cap_type(root_cap) != CAP_PAGE_TABLE || !cap_is_mapped(root_cap))
        return err_invalid_cap(capno);
    *asid = cap_mapped_asid(root_cap);
    pte_t *r = asid_lookup(*asid);
    if (!r) {
        cur_lookup_fault = (struct lookup_fault){LOOKUP_INVALID_ROOT, 0, 0, 0};
        return err_failed_lookup(false);
    }
    if (r != cap_kptr(root_cap))
        return err_invalid_cap(capno);
    *root = r;
    return EXCEPTION_NONE;
}
/* bytes mapped by one entry at that level, as bits */
static inline unsigned level_bits(unsigned level) { return PAGE_BITS + 9 * level; }
void page_table_unmap(cap_t c);
void vspace_clear_table(pte_t *pt);

#endif
