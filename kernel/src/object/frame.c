/* Frame invocations: Map (rights, execute-never), Unmap, GetAddress. */
#include <lark/arch/riscv.h>
#include <lark/invocation.h>
#include <lark/vspace_ops.h>

static word_t user_pte_flags(unsigned vm_rights, bool executable)
{
    word_t f = 0;
    if (vm_rights == VM_READ_ONLY || vm_rights == VM_READ_WRITE)
        f |= PTE_R;
    if (vm_rights == VM_READ_WRITE)
        f |= PTE_W;
    if (executable)
        f |= PTE_X;
    return f;
}

static unsigned mask_vm(unsigned vm, word_t rights)
{
    if (vm == VM_READ_ONLY && (rights & RIGHT_READ))
        return VM_READ_ONLY;
    if (vm == VM_READ_WRITE && (rights & RIGHT_READ))
        return (rights & RIGHT_WRITE) ? VM_READ_WRITE : VM_READ_ONLY;
    return VM_KERNEL_ONLY;
}

/* seL4 decodeRISCVFrameInvocation, Map: every check in seL4 order; no call on success */
__attribute__((noinline)) static exception_t frame_map(struct invocation *inv)
{
    if (inv->length < 3 || !inv_extra_cap(inv, 0))
        return err_truncated_message();
    vaddr_t va = inv_arg(inv, 0);
    word_t rights = inv_arg(inv, 1), attr = inv_arg(inv, 2);
    cap_t vspace = inv_extra_cap(inv, 0)->cap;
    pte_t *root = vspace_root_of(vspace);
    if (!root)
        return vspace_root_error(vspace, 1);
    word_t asid = cap_mapped_asid(vspace);
    cap_t c = inv->cap;
    unsigned bits = frame_size_bits(cap_frame_size(c));
    /* seL4's check, wrap-around included: the last byte must lie below seL4_UserTop */
    if (va + BIT(bits) - 1 >= USER_TOP)
        return err_invalid_argument(0);
    if (!IS_ALIGNED(va, bits))
        return err_alignment();
    unsigned level;
    pte_t *slot = vspace_lookup_slot(root, va, &level);
    if (level_bits(level) != bits) {
        cur_lookup_fault = (struct lookup_fault){LOOKUP_MISSING_CAPABILITY, level_bits(level),
                                                 0, 0};
        return err_failed_lookup(false);
    }
    if (cap_is_mapped(c)) {
        /* seL4 blames the frame (cap 0), not the VSpace, for a mapping elsewhere */
        if (cap_mapped_asid(c) != asid)
            return err_invalid_cap(0);
        if (cap_mapped_vaddr(c) != va)
            return err_invalid_argument(0);
    } else if (*slot & PTE_V) {
        return err_delete_first();
    }
    word_t flags = user_pte_flags(mask_vm(cap_frame_vm_rights(c), rights),
                                  !(attr & VM_ATTR_EXECUTE_NEVER));
    *slot = flags ? pte_make(cap_ptr(c), flags | PTE_V | PTE_U | PTE_A | PTE_D) : 0;
    inv->slot->cap = cap_with_mapping(c, asid, va);
    sfence_vma_all();
    return EXCEPTION_NONE;
}

__attribute__((noinline)) static exception_t frame_unmap_invocation(struct invocation *inv)
{
    if (cap_is_mapped(inv->cap)) {
        frame_unmap(inv->cap);
        inv->slot->cap = cap_with_mapping(inv->cap, 0, 0);
    }
    return EXCEPTION_NONE;
}

__attribute__((noinline)) static exception_t frame_get_address(struct invocation *inv)
{
    inv_set_result(inv, 0, cap_ptr(inv->cap));
    return EXCEPTION_NONE;
}

/* Only tail calls: the dispatch itself needs no stack frame. */
exception_t decode_frame_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case RISCV_PAGE_MAP: return frame_map(inv);
    case RISCV_PAGE_UNMAP: return frame_unmap_invocation(inv);
    case RISCV_PAGE_GET_ADDRESS: return frame_get_address(inv);
    default: return err_illegal_operation();
    }
}
