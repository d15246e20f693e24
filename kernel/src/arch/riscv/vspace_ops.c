/* VSpace operations shared by the frame, page-table and ASID invocations. */
#include <lark/arch/riscv.h>
#include <lark/vspace_ops.h>

void *memset(void *d, int c, size_t n);

exception_t vspace_root_error(cap_t root_cap, unsigned capno)
{
    if (cap_type(root_cap) == CAP_PAGE_TABLE && cap_is_mapped(root_cap) &&
        !asid_lookup(cap_mapped_asid(root_cap))) {
        cur_lookup_fault = (struct lookup_fault){LOOKUP_INVALID_ROOT, 0, 0, 0};
        return err_failed_lookup(false);
    }
    return err_invalid_cap(capno);
}

void frame_unmap(cap_t c)
{
    pte_t *root = asid_lookup(cap_mapped_asid(c));
    if (!root)
        return;
    unsigned level;
    vaddr_t va = cap_mapped_vaddr(c);
    pte_t *slot = vspace_lookup_slot(root, va, &level);
    if (level_bits(level) != frame_size_bits(cap_frame_size(c)))
        return;
    if (!(*slot & PTE_V) || !pte_is_leaf(*slot) || pte_paddr(*slot) != cap_ptr(c))
        return;
    *slot = 0;
    sfence_vma_all();
}

/* Remove the non-leaf entry pointing at `pt` on the path to va, if it is still there. */
static void unmap_page_table(word_t asid, vaddr_t va, paddr_t pt)
{
    pte_t *table = asid_lookup(asid);
    if (!table)
        return;
    for (unsigned lvl = 2; lvl > 0; lvl--) {
        pte_t *slot = &table[pt_index(va, lvl)];
        if (!(*slot & PTE_V) || pte_is_leaf(*slot))
            return;
        if (pte_paddr(*slot) == pt) {
            *slot = 0;
            sfence_vma_all();
            return;
        }
        table = paddr_to_kptr(pte_paddr(*slot));
    }
}

void page_table_unmap(cap_t c)
{
    if (!cap_is_mapped(c))
        return;
    pte_t *root = asid_lookup(cap_mapped_asid(c));
    if (root == cap_kptr(c)) {
        /* a VSpace root: forget its ASID, so no thread runs on it any more */
        word_t asid = cap_mapped_asid(c);
        ks_asid_table[asid >> ASID_POOL_INDEX_BITS]->vspace[asid & MASK(ASID_POOL_INDEX_BITS)] =
            NULL;
        vspace_changed();
        return;
    }
    unmap_page_table(cap_mapped_asid(c), cap_mapped_vaddr(c), cap_ptr(c));
}

void page_table_finalise(cap_t c) { page_table_unmap(c); }

void asid_pool_finalise(cap_t c)
{
    word_t idx = cap_asid_base(c) >> ASID_POOL_INDEX_BITS;
    if (idx < ARRAY_SIZE(ks_asid_table) && ks_asid_table[idx] == cap_kptr(c)) {
        ks_asid_table[idx] = NULL;
        vspace_changed();
    }
}

void vspace_clear_table(pte_t *pt) { memset(pt, 0, BIT(PAGE_TABLE_BITS)); }
