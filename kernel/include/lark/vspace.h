/* Sv39 address spaces (K1: src/arch/riscv/vspace.c, src/object/frame.c, pagetable.c,
 * asid.c). A VSpace is a root page table assigned an ASID; its upper half (entries
 * 256..511) is a copy of the kernel's physical-memory window. */
#ifndef LARK_VSPACE_H
#define LARK_VSPACE_H
#include "cte.h"
#include "errors.h"

typedef word_t pte_t;
#define PTES_PER_TABLE 512
#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_PPN_SHIFT 10
static inline paddr_t pte_paddr(pte_t p) { return (p >> PTE_PPN_SHIFT) << PAGE_BITS; }
static inline pte_t pte_make(paddr_t pa, word_t flags)
{
    return ((pa >> PAGE_BITS) << PTE_PPN_SHIFT) | flags;
}
static inline bool pte_is_leaf(pte_t p) { return (p & (PTE_R | PTE_W | PTE_X)) != 0; }
static inline unsigned pt_index(vaddr_t va, unsigned level) /* level 2 = root */
{
    return (va >> (PAGE_BITS + 9 * level)) & 0x1ff;
}

struct asid_pool { pte_t *vspace[1 << ASID_POOL_INDEX_BITS]; }; /* kernel ptrs to roots */
extern struct asid_pool *ks_asid_table[1 << ASID_HIGH_BITS];

/* Find the VSpace root for an ASID (NULL if none). Inline, as the next one: every Map,
 * Unmap and VSpace check does both, and the invocations they sit in then need no call. */
static inline pte_t *asid_lookup(word_t asid)
{
    if (asid == 0 || asid >= BIT(ASID_BITS))
        return NULL;
    struct asid_pool *pool = ks_asid_table[asid >> ASID_POOL_INDEX_BITS];
    return pool ? pool->vspace[asid & MASK(ASID_POOL_INDEX_BITS)] : NULL;
}
/* Walk to the slot for `va` at the deepest existing level; *level is 2, 1 or 0. */
static inline bool pte_is_table(pte_t p) { return (p & PTE_V) && !pte_is_leaf(p); }
static inline pte_t *pte_next_table(pte_t p) { return paddr_to_kptr(pte_paddr(p)); }
static inline pte_t *vspace_lookup_slot(pte_t *root, vaddr_t va, unsigned *level)
{
    /* the three Sv39 levels spelt out: constant shifts, no loop counter */
    pte_t *slot = &root[pt_index(va, 2)];
    if (!pte_is_table(*slot)) {
        *level = 2;
        return slot;
    }
    slot = &pte_next_table(*slot)[pt_index(va, 1)];
    if (!pte_is_table(*slot)) {
        *level = 1;
        return slot;
    }
    *level = 0;
    return &pte_next_table(*slot)[pt_index(va, 0)];
}
/* Switch satp to the thread's VSpace (or the kernel's if it has none). */
struct tcb;
void vspace_activate(struct tcb *t);
/* A mapping or VSpace assignment changed: reload satp and flush before the next return. */
void vspace_changed(void);
/* Finalisation when the last cap goes. */
void frame_unmap(cap_t c);
void page_table_finalise(cap_t c);
void asid_pool_finalise(cap_t c);
/* Copy the kernel window into a new root table. */
void vspace_copy_kernel_mappings(pte_t *root);

struct invocation;
exception_t decode_frame_invocation(struct invocation *inv);
exception_t decode_page_table_invocation(struct invocation *inv);
exception_t decode_asid_control_invocation(struct invocation *inv);
exception_t decode_asid_pool_invocation(struct invocation *inv);

#endif
