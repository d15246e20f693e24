/* Invocation wrappers for every label of abi.md 4, with seL4's names and argument orders.
 * Word arguments go to MR0.. in order, capability arguments to the IPC buffer's cap slots in
 * order. Like seL4's generated stubs, sub-word arguments share a word (seL4_Bool one bit,
 * seL4_Uint8 eight bits aligned to 8): e.g. TCB_WriteRegisters sends MR0 = resume_target |
 * arch_flags << 8, MR1 = count. Results come back in the reply's label (a seL4_Error); on an
 * error the error's message registers are left in the IPC buffer for seL4_GetMR. */
#pragma once

#include <sel4/shared_types.h>
#include <sel4/errors.h>
#include <sel4/invocation.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>

static inline seL4_MessageInfo_t lark_invoke(seL4_CPtr service, seL4_Word label, seL4_Word extraCaps,
                                             seL4_Word length)
{
    return seL4_Call(service, seL4_MessageInfo_new(label, 0, extraCaps, length));
}

static inline seL4_Error lark_invoke_error(seL4_CPtr service, seL4_Word label, seL4_Word extraCaps,
                                           seL4_Word length)
{
    return (seL4_Error)seL4_MessageInfo_get_label(lark_invoke(service, label, extraCaps, length));
}

/* ==== Untyped */
static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped _service, seL4_Word type, seL4_Word size_bits,
                                             seL4_CNode root, seL4_Word node_index, seL4_Word node_depth,
                                             seL4_Word node_offset, seL4_Word num_objects)
{
    seL4_SetMR(0, type);
    seL4_SetMR(1, size_bits);
    seL4_SetMR(2, node_index);
    seL4_SetMR(3, node_depth);
    seL4_SetMR(4, node_offset);
    seL4_SetMR(5, num_objects);
    seL4_SetCap(0, root);
    return lark_invoke_error(_service, UntypedRetype, 1, 6);
}

/* ==== TCB */
typedef struct seL4_TCB_SetFlags {
    int error;
    seL4_Word flags;
} seL4_TCB_SetFlags_t;

static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB _service, seL4_Bool suspend_source, seL4_Uint8 arch_flags,
                                                seL4_Word count, seL4_UserContext *regs)
{
    seL4_SetMR(0, ((seL4_Word)suspend_source & 1u) | ((seL4_Word)arch_flags << 8));
    seL4_SetMR(1, count);
    seL4_MessageInfo_t reply = lark_invoke(_service, TCBReadRegisters, 0, 2);
    seL4_Error err = (seL4_Error)seL4_MessageInfo_get_label(reply);
    if (err != seL4_NoError) {
        return err;
    }
    /* Only the words the kernel sent: the rest of *regs is left as the caller had it. */
    seL4_Word n = seL4_MessageInfo_get_length(reply);
    seL4_Word max = sizeof(seL4_UserContext) / sizeof(seL4_Word);
    seL4_Word *out = (seL4_Word *)regs;
    for (seL4_Word i = 0; i < n && i < max; i++) {
        out[i] = seL4_GetMR((int)i);
    }
    return seL4_NoError;
}

static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB _service, seL4_Bool resume_target, seL4_Uint8 arch_flags,
                                                 seL4_Word count, seL4_UserContext *regs)
{
    const seL4_Word nregs = sizeof(seL4_UserContext) / sizeof(seL4_Word);
    const seL4_Word *in = (const seL4_Word *)regs;
    seL4_SetMR(0, ((seL4_Word)resume_target & 1u) | ((seL4_Word)arch_flags << 8));
    seL4_SetMR(1, count);
    for (seL4_Word i = 0; i < nregs; i++) {
        seL4_SetMR((int)(2 + i), in[i]);
    }
    return lark_invoke_error(_service, TCBWriteRegisters, 0, 2 + nregs);
}

static inline seL4_Error seL4_TCB_CopyRegisters(seL4_TCB _service, seL4_TCB source, seL4_Bool suspend_source,
                                                seL4_Bool resume_target, seL4_Bool transfer_frame,
                                                seL4_Bool transfer_integer, seL4_Uint8 arch_flags)
{
    seL4_SetMR(0, ((seL4_Word)suspend_source & 1u) | (((seL4_Word)resume_target & 1u) << 1) |
                      (((seL4_Word)transfer_frame & 1u) << 2) | (((seL4_Word)transfer_integer & 1u) << 3) |
                      ((seL4_Word)arch_flags << 8));
    seL4_SetCap(0, source);
    return lark_invoke_error(_service, TCBCopyRegisters, 1, 1);
}

static inline seL4_Error seL4_TCB_Configure(seL4_TCB _service, seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                            seL4_CPtr vspace_root, seL4_Word vspace_root_data, seL4_Word buffer,
                                            seL4_CPtr bufferFrame)
{
    seL4_SetMR(0, cspace_root_data);
    seL4_SetMR(1, vspace_root_data);
    seL4_SetMR(2, buffer);
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    seL4_SetCap(2, bufferFrame);
    return lark_invoke_error(_service, TCBConfigure, 3, 3);
}

static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB _service, seL4_TCB authority, seL4_Word priority)
{
    seL4_SetMR(0, priority);
    seL4_SetCap(0, authority);
    return lark_invoke_error(_service, TCBSetPriority, 1, 1);
}

static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB _service, seL4_TCB authority, seL4_Word mcp)
{
    seL4_SetMR(0, mcp);
    seL4_SetCap(0, authority);
    return lark_invoke_error(_service, TCBSetMCPriority, 1, 1);
}

static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB _service, seL4_TCB authority, seL4_Word mcp,
                                                 seL4_Word priority, seL4_CPtr sched_context, seL4_CPtr fault_ep)
{
    seL4_SetMR(0, mcp);
    seL4_SetMR(1, priority);
    seL4_SetCap(0, authority);
    seL4_SetCap(1, sched_context);
    seL4_SetCap(2, fault_ep);
    return lark_invoke_error(_service, TCBSetSchedParams, 3, 2);
}

static inline seL4_Error seL4_TCB_SetTimeoutEndpoint(seL4_TCB _service, seL4_CPtr timeout_fault_ep)
{
    seL4_SetCap(0, timeout_fault_ep);
    return lark_invoke_error(_service, TCBSetTimeoutEndpoint, 1, 0);
}

static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB _service, seL4_Word buffer, seL4_CPtr bufferFrame)
{
    seL4_SetMR(0, buffer);
    seL4_SetCap(0, bufferFrame);
    return lark_invoke_error(_service, TCBSetIPCBuffer, 1, 1);
}

static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB _service, seL4_CPtr fault_ep, seL4_CNode cspace_root,
                                           seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                                           seL4_Word vspace_root_data)
{
    seL4_SetMR(0, cspace_root_data);
    seL4_SetMR(1, vspace_root_data);
    seL4_SetCap(0, fault_ep);
    seL4_SetCap(1, cspace_root);
    seL4_SetCap(2, vspace_root);
    return lark_invoke_error(_service, TCBSetSpace, 3, 2);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB _service)
{
    return lark_invoke_error(_service, TCBSuspend, 0, 0);
}

static inline seL4_Error seL4_TCB_Resume(seL4_TCB _service)
{
    return lark_invoke_error(_service, TCBResume, 0, 0);
}

static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB _service, seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return lark_invoke_error(_service, TCBBindNotification, 1, 0);
}

static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB _service)
{
    return lark_invoke_error(_service, TCBUnbindNotification, 0, 0);
}

static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB _service, seL4_Word tls_base)
{
    seL4_SetMR(0, tls_base);
    return lark_invoke_error(_service, TCBSetTLSBase, 0, 1);
}

static inline seL4_TCB_SetFlags_t seL4_TCB_SetFlags(seL4_TCB _service, seL4_Word clear, seL4_Word set)
{
    seL4_TCB_SetFlags_t result = {0, 0};
    seL4_SetMR(0, clear);
    seL4_SetMR(1, set);
    result.error = (int)lark_invoke_error(_service, TCBSetFlags, 0, 2);
    if (result.error == seL4_NoError) {
        result.flags = seL4_GetMR(0);
    }
    return result;
}

/* ==== CNode */
static inline seL4_Error lark_cnode_index_op(seL4_CNode _service, seL4_Word label, seL4_Word index,
                                             seL4_Uint8 depth)
{
    seL4_SetMR(0, index);
    seL4_SetMR(1, depth);
    return lark_invoke_error(_service, label, 0, 2);
}

static inline seL4_Error seL4_CNode_Revoke(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return lark_cnode_index_op(_service, CNodeRevoke, index, depth);
}

static inline seL4_Error seL4_CNode_Delete(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return lark_cnode_index_op(_service, CNodeDelete, index, depth);
}

static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return lark_cnode_index_op(_service, CNodeCancelBadgedSends, index, depth);
}

static inline seL4_Error seL4_CNode_Copy(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                         seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights)
{
    seL4_SetMR(0, dest_index);
    seL4_SetMR(1, dest_depth);
    seL4_SetMR(2, src_index);
    seL4_SetMR(3, src_depth);
    seL4_SetMR(4, rights.words[0]);
    seL4_SetCap(0, src_root);
    return lark_invoke_error(_service, CNodeCopy, 1, 5);
}

static inline seL4_Error seL4_CNode_Mint(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                         seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_SetMR(0, dest_index);
    seL4_SetMR(1, dest_depth);
    seL4_SetMR(2, src_index);
    seL4_SetMR(3, src_depth);
    seL4_SetMR(4, rights.words[0]);
    seL4_SetMR(5, badge);
    seL4_SetCap(0, src_root);
    return lark_invoke_error(_service, CNodeMint, 1, 6);
}

static inline seL4_Error seL4_CNode_Move(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                         seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth)
{
    seL4_SetMR(0, dest_index);
    seL4_SetMR(1, dest_depth);
    seL4_SetMR(2, src_index);
    seL4_SetMR(3, src_depth);
    seL4_SetCap(0, src_root);
    return lark_invoke_error(_service, CNodeMove, 1, 4);
}

static inline seL4_Error seL4_CNode_Mutate(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                           seL4_CNode src_root, seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word badge)
{
    seL4_SetMR(0, dest_index);
    seL4_SetMR(1, dest_depth);
    seL4_SetMR(2, src_index);
    seL4_SetMR(3, src_depth);
    seL4_SetMR(4, badge);
    seL4_SetCap(0, src_root);
    return lark_invoke_error(_service, CNodeMutate, 1, 5);
}

static inline seL4_Error seL4_CNode_Rotate(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth,
                                           seL4_Word dest_badge, seL4_CNode pivot_root, seL4_Word pivot_index,
                                           seL4_Uint8 pivot_depth, seL4_Word pivot_badge, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth)
{
    seL4_SetMR(0, dest_index);
    seL4_SetMR(1, dest_depth);
    seL4_SetMR(2, dest_badge);
    seL4_SetMR(3, pivot_index);
    seL4_SetMR(4, pivot_depth);
    seL4_SetMR(5, pivot_badge);
    seL4_SetMR(6, src_index);
    seL4_SetMR(7, src_depth);
    seL4_SetCap(0, pivot_root);
    seL4_SetCap(1, src_root);
    return lark_invoke_error(_service, CNodeRotate, 2, 8);
}

/* ==== IRQ */
static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl _service, seL4_Word irq, seL4_CNode root,
                                             seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetMR(0, irq);
    seL4_SetMR(1, index);
    seL4_SetMR(2, depth);
    seL4_SetCap(0, root);
    return lark_invoke_error(_service, IRQIssueIRQHandler, 1, 3);
}

static inline seL4_Error seL4_IRQControl_GetTrigger(seL4_IRQControl _service, seL4_Word irq, seL4_Word trigger,
                                                    seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetMR(0, irq);
    seL4_SetMR(1, trigger);
    seL4_SetMR(2, index);
    seL4_SetMR(3, depth);
    seL4_SetCap(0, root);
    return lark_invoke_error(_service, RISCVIRQIssueIRQHandlerTrigger, 1, 4);
}

static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler _service)
{
    return lark_invoke_error(_service, IRQAckIRQ, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler _service, seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return lark_invoke_error(_service, IRQSetIRQHandler, 1, 0);
}

static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler _service)
{
    return lark_invoke_error(_service, IRQClearIRQHandler, 0, 0);
}

/* ==== Domains */
static inline seL4_Error seL4_DomainSet_Set(seL4_DomainSet _service, seL4_Uint8 domain, seL4_TCB thread)
{
    seL4_SetMR(0, domain);
    seL4_SetCap(0, thread);
    return lark_invoke_error(_service, DomainSetSet, 1, 1);
}

static inline seL4_Error seL4_DomainSet_ScheduleConfigure(seL4_DomainSet _service, seL4_Word index,
                                                          seL4_Uint8 domain, seL4_Uint64 duration)
{
    seL4_SetMR(0, index);
    seL4_SetMR(1, domain);
    seL4_SetMR(2, duration);
    return lark_invoke_error(_service, DomainScheduleConfigure, 0, 3);
}

static inline seL4_Error seL4_DomainSet_ScheduleSetStart(seL4_DomainSet _service, seL4_Word index)
{
    seL4_SetMR(0, index);
    return lark_invoke_error(_service, DomainScheduleSetStart, 0, 1);
}

/* ==== MCS scheduling */
typedef struct seL4_SchedContext_Consumed {
    int error;
    seL4_Time consumed;
} seL4_SchedContext_Consumed_t;

typedef struct seL4_SchedContext_YieldTo {
    int error;
    seL4_Time consumed;
} seL4_SchedContext_YieldTo_t;

static inline seL4_Error seL4_SchedControl_ConfigureFlags(seL4_SchedControl _service,
                                                          seL4_SchedContext schedcontext, seL4_Time budget,
                                                          seL4_Time period, seL4_Word extra_refills,
                                                          seL4_Word badge, seL4_Word flags)
{
    seL4_SetMR(0, budget);
    seL4_SetMR(1, period);
    seL4_SetMR(2, extra_refills);
    seL4_SetMR(3, badge);
    seL4_SetMR(4, flags);
    seL4_SetCap(0, schedcontext);
    return lark_invoke_error(_service, SchedControlConfigureFlags, 1, 5);
}

static inline seL4_Error seL4_SchedControl_Configure(seL4_SchedControl _service, seL4_SchedContext schedcontext,
                                                     seL4_Time budget, seL4_Time period, seL4_Word extra_refills,
                                                     seL4_Word badge)
{
    return seL4_SchedControl_ConfigureFlags(_service, schedcontext, budget, period, extra_refills, badge,
                                            seL4_SchedContext_NoFlag);
}

static inline seL4_Error seL4_SchedContext_Bind(seL4_SchedContext _service, seL4_CPtr cap)
{
    seL4_SetCap(0, cap);
    return lark_invoke_error(_service, SchedContextBind, 1, 0);
}

static inline seL4_Error seL4_SchedContext_Unbind(seL4_SchedContext _service)
{
    return lark_invoke_error(_service, SchedContextUnbind, 0, 0);
}

static inline seL4_Error seL4_SchedContext_UnbindObject(seL4_SchedContext _service, seL4_CPtr cap)
{
    seL4_SetCap(0, cap);
    return lark_invoke_error(_service, SchedContextUnbindObject, 1, 0);
}

static inline seL4_SchedContext_Consumed_t seL4_SchedContext_Consumed(seL4_SchedContext _service)
{
    seL4_SchedContext_Consumed_t result = {0, 0};
    result.error = (int)lark_invoke_error(_service, SchedContextConsumed, 0, 0);
    if (result.error == seL4_NoError) {
        result.consumed = seL4_GetMR(0);
    }
    return result;
}

static inline seL4_SchedContext_YieldTo_t seL4_SchedContext_YieldTo(seL4_SchedContext _service)
{
    seL4_SchedContext_YieldTo_t result = {0, 0};
    result.error = (int)lark_invoke_error(_service, SchedContextYieldTo, 0, 0);
    if (result.error == seL4_NoError) {
        result.consumed = seL4_GetMR(0);
    }
    return result;
}

/* ==== RISC-V virtual memory */
typedef struct seL4_RISCV_Page_GetAddress {
    int error;
    seL4_Word paddr;
} seL4_RISCV_Page_GetAddress_t;

static inline seL4_Error seL4_RISCV_PageTable_Map(seL4_RISCV_PageTable _service, seL4_RISCV_PageTable vspace,
                                                  seL4_Word vaddr, seL4_RISCV_VMAttributes attr)
{
    seL4_SetMR(0, vaddr);
    seL4_SetMR(1, (seL4_Word)attr);
    seL4_SetCap(0, vspace);
    return lark_invoke_error(_service, RISCVPageTableMap, 1, 2);
}

static inline seL4_Error seL4_RISCV_PageTable_Unmap(seL4_RISCV_PageTable _service)
{
    return lark_invoke_error(_service, RISCVPageTableUnmap, 0, 0);
}

static inline seL4_Error seL4_RISCV_Page_Map(seL4_RISCV_Page _service, seL4_RISCV_PageTable vspace, seL4_Word vaddr,
                                             seL4_CapRights_t rights, seL4_RISCV_VMAttributes attr)
{
    seL4_SetMR(0, vaddr);
    seL4_SetMR(1, rights.words[0]);
    seL4_SetMR(2, (seL4_Word)attr);
    seL4_SetCap(0, vspace);
    return lark_invoke_error(_service, RISCVPageMap, 1, 3);
}

static inline seL4_Error seL4_RISCV_Page_Unmap(seL4_RISCV_Page _service)
{
    return lark_invoke_error(_service, RISCVPageUnmap, 0, 0);
}

static inline seL4_RISCV_Page_GetAddress_t seL4_RISCV_Page_GetAddress(seL4_RISCV_Page _service)
{
    seL4_RISCV_Page_GetAddress_t result = {0, 0};
    result.error = (int)lark_invoke_error(_service, RISCVPageGetAddress, 0, 0);
    if (result.error == seL4_NoError) {
        result.paddr = seL4_GetMR(0);
    }
    return result;
}

static inline seL4_Error seL4_RISCV_ASIDControl_MakePool(seL4_RISCV_ASIDControl _service, seL4_Untyped untyped,
                                                         seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetMR(0, index);
    seL4_SetMR(1, depth);
    seL4_SetCap(0, untyped);
    seL4_SetCap(1, root);
    return lark_invoke_error(_service, RISCVASIDControlMakePool, 2, 2);
}

static inline seL4_Error seL4_RISCV_ASIDPool_Assign(seL4_RISCV_ASIDPool _service, seL4_RISCV_PageTable vspace)
{
    seL4_SetCap(0, vspace);
    return lark_invoke_error(_service, RISCVASIDPoolAssign, 1, 0);
}
