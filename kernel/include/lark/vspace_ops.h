/* Helpers shared by the VSpace invocations (K1: src/arch/riscv/vspace_ops.c). */
#ifndef LARK_VSPACE_OPS_H
#define LARK_VSPACE_OPS_H
#include "vspace.h"

/* The root table of a VSpace cap if it is a root page table that still owns its ASID, else
 * NULL; vspace_root_error then gives seL4's error for it as extra cap `capno`
 * (InvalidCapability, or FailedLookup if the ASID is gone). Split so that the check is
 * inline and a caller returns the error by a tail call, with no stack frame of its own. */
static inline pte_t *vspace_root_of(cap_t root_cap)
{
    if (cap_type(root_cap) != CAP_PAGE_TABLE || !cap_is_mapped(root_cap))
        return NULL;
    pte_t *r = asid_lookup(cap_mapped_asid(root_cap));
    return r == cap_kptr(root_cap) ? r : NULL;
}
exception_t vspace_root_error(cap_t root_cap, unsigned capno);
/* Both in one: the root table and ASID, or the error. */
static inline exception_t vspace_root_for(cap_t root_cap, unsigned capno, pte_t **root,
                                          word_t *asid)
{
    pte_t *r = vspace_root_of(root_cap);
    if (!r)
        return vspace_root_error(root_cap, capno);
    *asid = cap_mapped_asid(root_cap);
    *root = r;
    return EXCEPTION_NONE;
}
/* bytes mapped by one entry at that level, as bits */
static inline unsigned level_bits(unsigned level) { return PAGE_BITS + 9 * level; }
void page_table_unmap(cap_t c);
void vspace_clear_table(pte_t *pt);

#endif
