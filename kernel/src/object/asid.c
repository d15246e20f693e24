/* ASID control (MakePool from a 4 KiB untyped) and ASID pools (Assign a VSpace root). */
#include <lark/cspace.h>
#include <lark/invocation.h>
#include <lark/vspace_ops.h>

void *memset(void *d, int c, size_t n);

exception_t decode_asid_control_invocation(struct invocation *inv)
{
    if (inv->label != RISCV_ASID_CONTROL_MAKE_POOL)
        return err_illegal_operation();
    if (inv->length < 2 || !inv_extra_cap(inv, 0) || !inv_extra_cap(inv, 1))
        return err_truncated_message();
    word_t index = inv_arg(inv, 0), depth = inv_arg(inv, 1);
    struct cte *ut_slot = inv_extra_cap(inv, 0);
    cap_t ut = ut_slot->cap;
    word_t i = 0;
    while (i < ARRAY_SIZE(ks_asid_table) && ks_asid_table[i])
        i++;
    if (i == ARRAY_SIZE(ks_asid_table))
        return err_delete_first();
    if (cap_type(ut) != CAP_UNTYPED || cap_untyped_is_device(ut) ||
        cap_untyped_size_bits(ut) != ASID_POOL_BITS)
        return err_invalid_cap(1);
    if (cte_has_children(ut_slot))
        return err_revoke_first();
    struct cte *dest;
    exception_t e = cspace_lookup_for_op(false, inv_extra_cap(inv, 1)->cap, index, depth, &dest);
    if (e != EXCEPTION_NONE)
        return e;
    if (!cap_is_null(dest->cap))
        return err_delete_first();
    void *pool = cap_kptr(ut);
    memset(pool, 0, BIT(ASID_POOL_BITS));
    ut_slot->cap.w1 = BIT(ASID_POOL_BITS); /* the untyped is used up */
    cte_insert(cap_asid_pool(cap_ptr(ut), i << ASID_POOL_INDEX_BITS), ut_slot, dest);
    ks_asid_table[i] = pool;
    return EXCEPTION_NONE;
}

exception_t decode_asid_pool_invocation(struct invocation *inv)
{
    if (inv->label != RISCV_ASID_POOL_ASSIGN)
        return err_illegal_operation();
    if (!inv_extra_cap(inv, 0))
        return err_truncated_message();
    struct cte *vs_slot = inv_extra_cap(inv, 0);
    cap_t vs = vs_slot->cap;
    if (cap_type(vs) != CAP_PAGE_TABLE || cap_is_mapped(vs))
        return err_invalid_cap(1);
    word_t base = cap_asid_base(inv->cap);
    struct asid_pool *pool = ks_asid_table[base >> ASID_POOL_INDEX_BITS];
    if (!pool) {
        cur_lookup_fault = (struct lookup_fault){LOOKUP_INVALID_ROOT, 0, 0, 0};
        return err_failed_lookup(false);
    }
    if (pool != cap_kptr(inv->cap))
        return err_invalid_cap(0);
    word_t i = 0;
    while (i < BIT(ASID_POOL_INDEX_BITS) && (base + i == 0 || pool->vspace[i]))
        i++;
    if (i == BIT(ASID_POOL_INDEX_BITS))
        return err_delete_first();
    pte_t *root = cap_kptr(vs);
    vspace_copy_kernel_mappings(root);
    pool->vspace[i] = root;
    vs_slot->cap = cap_with_mapping(vs, base + i, 0);
    return EXCEPTION_NONE;
}
