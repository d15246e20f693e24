/* Helpers shared by the VSpace invocations (K1: src/arch/riscv/vspace_ops.c). */
#ifndef LARK_VSPACE_OPS_H
#define LARK_VSPACE_OPS_H
#include "vspace.h"

/* The root table and ASID of a VSpace cap given as extra cap `capno`: InvalidCapability
 * unless it is a root page table that still owns its ASID; FailedLookup if the ASID is gone. */
exception_t vspace_root_for(cap_t root_cap, unsigned capno, pte_t **root, word_t *asid);
unsigned level_bits(unsigned level); /* bytes mapped by one entry at that level, as bits */
void page_table_unmap(cap_t c);
void vspace_clear_table(pte_t *pt);

#endif
