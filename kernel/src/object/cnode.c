/* CNode invocations: Revoke, Delete, CancelBadgedSends, Copy, Mint, Move, Mutate, Rotate. */
#include <lark/cnode.h>
#include <lark/cspace.h>
#include <lark/invocation.h>
#include <lark/objects.h>

static exception_t missing_source(word_t depth, bool source)
{
    cur_lookup_fault = (struct lookup_fault){LOOKUP_MISSING_CAPABILITY, depth, 0, 0};
    return err_failed_lookup(source);
}

static exception_t copy_family(struct invocation *inv, struct cte *dest)
{
    word_t label = inv->label;
    if (inv->length < 4 || !inv_extra_cap(inv, 0))
        return err_truncated_message();
    word_t src_index = inv_arg(inv, 2), src_depth = inv_arg(inv, 3);
    cap_t src_root = inv_extra_cap(inv, 0)->cap;
    if (!cap_is_null(dest->cap))
        return err_delete_first();
    struct cte *src;
    exception_t e = cspace_lookup_for_op(true, src_root, src_index, src_depth, &src);
    if (e != EXCEPTION_NONE)
        return e;
    if (cap_is_null(src->cap))
        return missing_source(src_depth, true);

    cap_t c = src->cap;
    bool move = label == CNODE_MOVE || label == CNODE_MUTATE;
    switch (label) {
    case CNODE_COPY:
        if (inv->length < 5)
            return err_truncated_message();
        c = cap_mask_rights(inv_arg(inv, 4), c);
        break;
    case CNODE_MINT:
        if (inv->length < 6)
            return err_truncated_message();
        c = cap_update_data(false, inv_arg(inv, 5), cap_mask_rights(inv_arg(inv, 4), c));
        break;
    case CNODE_MUTATE:
        if (inv->length < 5)
            return err_truncated_message();
        c = cap_update_data(true, inv_arg(inv, 4), c);
        break;
    default:
        break;
    }
    if (!move) {
        cap_t derived;
        if (cap_is_null(c))
            return err_illegal_operation();
        e = cap_derive(src, c, &derived);
        if (e != EXCEPTION_NONE)
            return e;
        c = derived;
    }
    if (cap_is_null(c))
        return err_illegal_operation();
    if (move && cap_type(c) == CAP_ZOMBIE)
        cte_zombie_moved();
    if (move)
        cte_move(c, src, dest);
    else
        cte_insert(c, src, dest);
    return EXCEPTION_NONE;
}

static exception_t rotate(struct invocation *inv, struct cte *dest)
{
    if (inv->length < 8 || !inv_extra_cap(inv, 0) || !inv_extra_cap(inv, 1))
        return err_truncated_message();
    word_t pivot_data = inv_arg(inv, 2), pivot_index = inv_arg(inv, 3);
    word_t pivot_depth = inv_arg(inv, 4), src_data = inv_arg(inv, 5);
    word_t src_index = inv_arg(inv, 6), src_depth = inv_arg(inv, 7);
    cap_t pivot_root = inv_extra_cap(inv, 0)->cap, src_root = inv_extra_cap(inv, 1)->cap;
    struct cte *src, *pivot;
    exception_t e = cspace_lookup_for_op(true, src_root, src_index, src_depth, &src);
    if (e != EXCEPTION_NONE)
        return e;
    e = cspace_lookup_for_op(true, pivot_root, pivot_index, pivot_depth, &pivot);
    if (e != EXCEPTION_NONE)
        return e;
    if (pivot == src || pivot == dest)
        return err_illegal_operation();
    if (src != dest && !cap_is_null(dest->cap))
        return err_delete_first();
    if (cap_is_null(src->cap))
        return missing_source(src_depth, true);
    if (cap_is_null(pivot->cap))
        return missing_source(pivot_depth, false);
    cap_t new_src = cap_update_data(true, src_data, src->cap);
    cap_t new_pivot = cap_update_data(true, pivot_data, pivot->cap);
    if (cap_is_null(new_src) || cap_is_null(new_pivot))
        return err_illegal_operation();
    if (cap_type(new_src) == CAP_ZOMBIE || cap_type(new_pivot) == CAP_ZOMBIE)
        cte_zombie_moved();
    if (src == dest) {
        cte_swap(new_src, src, new_pivot, pivot);
    } else {
        cte_move(new_pivot, pivot, dest);
        cte_move(new_src, src, pivot);
    }
    return EXCEPTION_NONE;
}

exception_t decode_cnode_invocation(struct invocation *inv)
{
    if (inv->label < CNODE_REVOKE || inv->label > CNODE_ROTATE)
        return err_illegal_operation();
    if (inv->length < 2)
        return err_truncated_message();
    struct cte *dest;
    exception_t e = cspace_lookup_for_op(false, inv->cap, inv_arg(inv, 0), inv_arg(inv, 1),
                                         &dest);
    if (e != EXCEPTION_NONE)
        return e;
    switch (inv->label) {
    case CNODE_REVOKE:
        return cte_revoke(dest);
    case CNODE_DELETE:
        return cte_delete(dest);
    case CNODE_CANCEL_BADGED_SENDS: {
        cap_t c = dest->cap;
        if (cap_type(c) != CAP_ENDPOINT || cap_rights(c) != RIGHTS_ALL)
            return err_illegal_operation();
        if (cap_badge(c) != 0)
            endpoint_cancel_badged_sends(cap_kptr(c), cap_badge(c));
        return EXCEPTION_NONE;
    }
    case CNODE_ROTATE:
        return rotate(inv, dest);
    default:
        return copy_family(inv, dest);
    }
}
