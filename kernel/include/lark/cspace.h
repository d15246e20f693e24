/* CSpace lookup (K1: src/kernel/cspace.c). Pure: unit-tested on the host.
 * A cptr resolves from its most significant used bit: at each CNode level the guard
 * (guard_size bits) must match, then radix bits index the slot; a CNode cap found with
 * bits left continues the walk. Depth is the number of bits to resolve (1..64). */
#ifndef LARK_CSPACE_H
#define LARK_CSPACE_H
#include "cte.h"
#include "errors.h"

/* Resolve `depth` bits of `cptr` starting at the CNode cap `root`. On success *slot is the
 * slot reached (its cap may be null) and *bits_left is 0, or, when the walk stopped early at
 * a non-CNode cap, the bits not yet consumed. Failure: EXCEPTION_LOOKUP_FAULT with
 * cur_lookup_fault filled. */
exception_t cspace_resolve(cap_t root, cptr_t cptr, unsigned depth, struct cte **slot,
                           unsigned *bits_left);
/* Lookup of a slot to operate on (CNode invocations): all `depth` bits must resolve. */
exception_t cspace_lookup_slot_exact(cap_t root, cptr_t cptr, unsigned depth,
                                     struct cte **slot);
/* Lookup a cap by cptr in a thread's CSpace with depth 64 (syscall cptrs, extra caps):
 * stops at the first non-CNode cap (seL4 lookupCap semantics). */
exception_t cspace_lookup_slot_walk(cap_t root, cptr_t cptr, struct cte **slot);
static inline exception_t cspace_lookup_slot(cap_t root, cptr_t cptr, struct cte **slot)
{
    /* Every syscall looks up at least one cap, nearly always in a flat CSpace: that case
     * inline. The walk answers everything else, mismatches included (it records the lookup
     * fault). */
    if (cnode_is_flat(root) && cnode_flat_guard_matches(root, cptr)) {
        *slot = cnode_flat_slot(root, cptr);
        return EXCEPTION_NONE;
    }
    return cspace_lookup_slot_walk(root, cptr, slot);
}

/* seL4 lookupSlotForCNodeOp: the checks every CNode/Retype/IRQ destination goes through.
 * root not a CNode or bits left over: FailedLookup(is_source) with the lookup fault;
 * depth outside 1..64: RangeError(1, 64). Returns a syscall error, never a lookup fault. */
exception_t cspace_lookup_for_op(bool is_source, cap_t root, cptr_t cptr, word_t depth,
                                 struct cte **slot);

#endif
