/* Sv39 address spaces: lookup, activation, the kernel window in every root table. */
#include <lark/arch/riscv.h>
#include <lark/sched.h>
#include <lark/vspace.h>

extern pte_t kernel_root_pt[PTES_PER_TABLE];
struct asid_pool *ks_asid_table[1 << ASID_HIGH_BITS];

void vspace_copy_kernel_mappings(pte_t *root)
{
    for (unsigned i = PTES_PER_TABLE / 2; i < PTES_PER_TABLE; i++)
        root[i] = kernel_root_pt[i];
}

/* The VSpace root of a thread if its VSpace cap is a root page table that still owns its
 * ASID, else NULL (then the thread runs on the kernel's table and faults on any access). */
static pte_t *thread_vspace(struct tcb *t, word_t *asid)
{
    cap_t c = t->slots[TCB_VSPACE_SLOT].cap;
    if (cap_type(c) != CAP_PAGE_TABLE || !cap_is_mapped(c))
        return NULL;
    pte_t *root = asid_lookup(cap_mapped_asid(c));
    if (root != cap_kptr(c))
        return NULL;
    *asid = cap_mapped_asid(c);
    return root;
}

void vspace_activate(struct tcb *t)
{
    word_t asid = 0;
    pte_t *root = t ? thread_vspace(t, &asid) : NULL;
    paddr_t pa = root ? kptr_to_paddr(root) : kptr_to_paddr(kernel_root_pt);
    /* one hart and no ASID-tagged TLB tricks: flush on every switch */
    csr_write(satp, SATP_MODE_SV39 | (asid << 44) | (pa >> PAGE_BITS));
    sfence_vma_all();
}

word_t *tcb_ipc_buffer_kptr(struct tcb *t)
{
    cap_t c = t->slots[TCB_IPC_BUFFER_SLOT].cap;
    /* seL4 lookupIPCBuffer: a kernel-only frame cap gives no buffer at all */
    if (cap_type(c) != CAP_FRAME || cap_frame_is_device(c) ||
        cap_frame_vm_rights(c) == VM_KERNEL_ONLY)
        return NULL;
    word_t off = t->ipc_buffer & MASK(frame_size_bits(cap_frame_size(c)));
    return (word_t *)((char *)cap_kptr(c) + off);
}
