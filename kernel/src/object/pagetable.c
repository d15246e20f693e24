/* Page-table invocations: Map (into a VSpace at the level the address needs), Unmap. */
#include <lark/arch/riscv.h>
#include <lark/invocation.h>
#include <lark/vspace_ops.h>

static exception_t pt_map(struct invocation *inv)
{
    if (inv->length < 2 || !inv_extra_cap(inv, 0))
        return err_truncated_message();
    cap_t c = inv->cap;
    if (cap_is_mapped(c))
        return err_invalid_cap(0);
    vaddr_t va = inv_arg(inv, 0);
    /* seL4's order: the VSpace cap's kind, then the address, then the ASID lookup */
    cap_t vs = inv_extra_cap(inv, 0)->cap;
    if (cap_type(vs) != CAP_PAGE_TABLE || !cap_is_mapped(vs))
        return err_invalid_cap(1);
    if (va >= USER_TOP)
        return err_invalid_argument(0);
    pte_t *root = NULL;
    word_t asid = 0;
    exception_t e = vspace_root_for(vs, 1, &root, &asid);
    if (e != EXCEPTION_NONE)
        return e;
    unsigned level;
    pte_t *slot = vspace_lookup_slot(root, va, &level);
    if (level == 0 || (*slot & PTE_V))
        return err_delete_first();
    *slot = pte_make(cap_ptr(c), PTE_V);
    inv->slot->cap = cap_with_mapping(c, asid, ROUND_DOWN(va, level_bits(level)));
    sfence_vma_all();
    return EXCEPTION_NONE;
}

static exception_t pt_unmap(struct invocation *inv)
{
    cap_t c = inv->cap;
    if (!cte_is_final_cap(inv->slot))
        return err_revoke_first();
    /* a VSpace root is not unmapped this way: seL4 answers RevokeFirst */
    if (cap_is_mapped(c) && asid_lookup(cap_mapped_asid(c)) == cap_kptr(c))
        return err_revoke_first();
    if (cap_is_mapped(c)) {
        page_table_unmap(c);
        /* the frames mapped through it stay mapped in their caps' view; clear the table so
         * a later Map of this table starts empty */
        vspace_clear_table(cap_kptr(c));
        inv->slot->cap = cap_with_mapping(c, 0, 0);
    }
    return EXCEPTION_NONE;
}

exception_t decode_page_table_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case RISCV_PAGE_TABLE_MAP: return pt_map(inv);
    case RISCV_PAGE_TABLE_UNMAP: return pt_unmap(inv);
    default: return err_illegal_operation();
    }
}
