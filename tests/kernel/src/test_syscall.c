/* The syscall path of invocations: how cptrs of syscalls resolve (depth 64, stopping at the
 * first non-CNode cap), lookup failures as cap faults with the lookup-failure MRs (abi.md 6),
 * kernel replies (error label and MRs, badge 0, empty success replies), invocations without
 * an IPC buffer, every seL4 error code reached through real lookups, the Domain cap and
 * NBSendWait's destination register. */
#include "cspace_helpers.h"

static void signal_long_cptr(kt_thread_t *t)
{
    lark_syscall_regs_t r = {.a0 = (1ul << 60) | 0xabcdef, .info = 0};
    lark_syscall(seL4_SysSend, &r);
    t->result[0] = 1;
}

KTEST(cnode_syscall_cptr_stops_at_first_non_cnode)
{
    KT_CAP(n, ntfn());
    KT_CAP(t4, kt_alloc(seL4_CapTableObject, 4));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, signal_long_cptr, KT_PRIO));
    KT_OK(seL4_CNode_Mint(t4, 1, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights, 0x42));
    /* its own TCB in slot 0, where its self cptr (a small number) lands */
    KT_OK(seL4_CNode_Copy(t4, 0, 4, KT_ROOT, t->tcb, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_TCB_SetSpace(t->tcb, 0, t4, 0, seL4_CapInitThreadVSpace, 0));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x42);
}

/* ---- lookup failures of the syscall path become cap faults (abi.md 6) */
static void copy_with_bad_extra_cap(kt_thread_t *t)
{
    seL4_CNode_Copy(KT_ROOT, t->arg[0], KT_DEPTH, t->arg[1], 0, KT_DEPTH, seL4_AllRights);
    t->result[0] = 1;
}

static void call_bad_cptr(kt_thread_t *t)
{
    seL4_Call(t->arg[1], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[0] = 1;
}

static void recv_on(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[1], &badge, t->arg[2]);
    t->result[0] = badge;
}

/* Starts `fn` with a fault endpoint and returns the fault message's info (0 label on failure). */
static seL4_MessageInfo_t fault_of(void (*fn)(kt_thread_t *), seL4_Word arg1, seL4_Word arg2, seL4_Word *addr)
{
    seL4_MessageInfo_t none = seL4_MessageInfo_new(0, 0, 0, 0);
    seL4_CPtr ep = kt_alloc(seL4_EndpointObject, 0), reply = kt_alloc(seL4_ReplyObject, 0);
    if (ep == 0 || reply == 0) {
        return none;
    }
    kt_thread_t *t = &kt_threads[0];
    if (kt_thread_new(t, fn, KT_PRIO) != 0 || kt_thread_set_fault_ep(t, ep, KT_PRIO) != 0) {
        return none;
    }
    t->arg[0] = kt_slot();
    t->arg[1] = arg1;
    t->arg[2] = arg2;
    if (kt_thread_start(t) != 0) {
        return none;
    }
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    *addr = seL4_GetMR(seL4_CapFault_Addr);
    if (t->result[0] != 0) {
        kt_fail(__FILE__, __LINE__, "the faulting thread went on running");
    }
    return info;
}


KTEST(cnode_extra_cap_lookup_failure_is_cap_fault)
{
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(copy_with_bad_extra_cap, BAD_CPTR, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_MessageInfo_get_length(info), 7);
    KT_EQ(addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
    KT_MR(seL4_CapFault_GuardMismatch_GuardFound, 0);
    KT_MR(seL4_CapFault_GuardMismatch_BitsFound, 52);
    KT_NE(seL4_GetMR(seL4_CapFault_IP), 0);
}

KTEST(cnode_invoked_cptr_lookup_failure_is_cap_fault)
{
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(call_bad_cptr, BAD_CPTR, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
}

KTEST(cnode_recv_on_empty_slot_is_cap_fault)
{
    seL4_CPtr empty = kt_slot();
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, empty, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_MessageInfo_get_length(info), 5);
    KT_EQ(addr, empty);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

KTEST(cnode_recv_without_read_right_is_cap_fault)
{
    KT_CAP(n, ntfn());
    KT_CAP(wo, kt_mint(n, seL4_CanWrite, 0));
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, wo, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, wo);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

/* MCS (seL4 16 lookupReply): a reply cptr that fails to resolve is a cap fault on the
 * reply cptr, in the receive phase. */
KTEST(cnode_recv_with_bad_reply_cptr_is_cap_fault)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, ep, BAD_CPTR, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
}

/* A cap in the reply register that is not a reply cap is a cap fault on that cptr too. */
KTEST(cnode_recv_with_non_reply_cap_is_cap_fault)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(n, ntfn());
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, ep, n, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, n);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
}

/* Without a fault handler the non-blocking send to a bad cptr is silently dropped. */
KTEST(cnode_nbsend_to_bad_cptr_is_ignored)
{
    seL4_NBSend(BAD_CPTR, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_NBSend(kt_slot(), seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_DebugCapIdentify(KT_ROOT), KT_CAP_CNODE);
}

/* ---- every seL4 error code, reached through real lookups */
KTEST(cnode_error_invalid_capability_on_empty_slot)
{
    seL4_Word mrs[4] = {0};
    raw_reply_t r = raw_call(kt_slot(), CNodeDelete, 2, 0, mrs);
    KT_RAW_ERR(r, seL4_InvalidCapability);
    KT_EQ(seL4_MessageInfo_get_length(r.info), 1);
    KT_MR(0, 0);
    KT_EQ(r.badge, 0); /* kernel replies carry badge 0 */
}

KTEST(cnode_error_invalid_argument)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_ERR(seL4_Untyped_Retype(ut, seL4_ObjectTypeCount, 0, KT_ROOT, 0, 0, kt_slot(), 1), seL4_InvalidArgument);
    KT_MR(0, 0);
}

KTEST(cnode_error_alignment)
{
    KT_CAP(frame, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word v = kt_vaddr_pages(2) + 0x800;
    KT_ERR(seL4_RISCV_Page_Map(frame, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes),
           seL4_AlignmentError);
}

KTEST(cnode_error_not_enough_memory)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr a = kt_slot();
    kt_slot();
    KT_ERR(seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, a, 2), seL4_NotEnoughMemory);
    KT_MR(0, 4096);
    KT_TRUE(kt_slot_empty(a));
}

KTEST(cnode_error_revoke_first)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(child, kt_copy(ut, seL4_AllRights));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ut, KT_DEPTH, seL4_AllRights), seL4_RevokeFirst);
    KT_EQ(seL4_DebugCapIdentify(child), KT_CAP_UNTYPED);
}

KTEST(cnode_error_truncated_message_reply_has_no_mrs)
{
    seL4_Word mrs[4] = {kt_slot(), KT_DEPTH};
    raw_reply_t r = raw_call(KT_ROOT, CNodeCopy, 2, 0, mrs);
    KT_RAW_ERR(r, seL4_TruncatedMessage);
    KT_EQ(seL4_MessageInfo_get_length(r.info), 0);
    KT_EQ(r.badge, 0);
}

/* A Call on a notification signals it and gets an empty kernel reply. */
KTEST(cnode_call_on_notification_reply_is_empty)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x8));
    seL4_Word mrs[4] = {1, 2, 3, 4};
    raw_reply_t r = raw_call(b, 77, 3, 0, mrs);
    KT_EQ(seL4_MessageInfo_get_label(r.info), 0);
    KT_EQ(seL4_MessageInfo_get_length(r.info), 0);
    KT_EQ(r.badge, 0);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x8);
}

/* An endpoint cap without Write, invoked with Send: the error has nowhere to go, and the
 * thread carries on (no fault). */
static void send_on(kt_thread_t *t)
{
    seL4_Send(t->arg[1], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[0] = 1;
}

KTEST(cnode_send_without_write_right_is_silent)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(ro, kt_copy(ep, seL4_CanRead));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, send_on, KT_PRIO));
    t->arg[1] = ro;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 1);
    seL4_Word mrs[4] = {0};
    raw_reply_t r = raw_call(ro, 0, 0, 0, mrs);
    KT_RAW_ERR(r, seL4_InvalidCapability);
    KT_MR(0, 0);
}

/* ---- the Domain cap (one domain): DomainSet_Set's checks, in seL4's order */
KTEST(domain_set_set_arguments)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, ntfn());
    KT_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, tcb));
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 1, tcb), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 0, n), seL4_InvalidArgument);
    KT_MR(0, 1);
    seL4_Word mrs[4] = {5};
    /* the domain is checked before the missing thread cap */
    KT_RAW_ERR(raw_call(seL4_CapDomain, DomainSetSet, 1, 0, mrs), seL4_InvalidArgument);
    KT_MR(0, 0);
    mrs[0] = 0;
    KT_RAW_ERR(raw_call(seL4_CapDomain, DomainSetSet, 1, 0, mrs), seL4_TruncatedMessage);
    KT_RAW_ERR(raw_call(seL4_CapDomain, DomainSetSet, 0, 0, mrs), seL4_TruncatedMessage);
    KT_RAW_ERR(raw_call(seL4_CapDomain, CNodeDelete, 2, 0, mrs), seL4_IllegalOperation);
}

/* Rotate with src == dest swaps two MDB neighbours (a cap and its copy): the derivation
 * links and the revocable flag travel with the caps. */
static void two_level_signaller(kt_thread_t *t)
{
    seL4_Signal((1ul << 62) | 3);      /* R[1] -> L[3] */
    seL4_Signal((1ul << 62) | (1ul << 10) | 3); /* a guard bit set: faults */
    t->result[0] = 1;
}

KTEST(cnode_two_level_cspace_for_syscalls)
{
    KT_CAP(n, ntfn());
    KT_CAP(r, kt_alloc(seL4_CapTableObject, 2));
    KT_CAP(l, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_OK(seL4_CNode_Mint(r, 1, 2, KT_ROOT, l, KT_DEPTH, seL4_AllRights, seL4_CNode_CapData_new(0, 58).words[0]));
    KT_OK(seL4_CNode_Mint(l, 3, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights, 0x66));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, two_level_signaller, KT_PRIO));
    KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
    KT_OK(seL4_CNode_Copy(r, 0, 2, KT_ROOT, t->tcb, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_TCB_SetSpace(t->tcb, ep, r, 0, seL4_CapInitThreadVSpace, 0));
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_MR(seL4_CapFault_Addr, (1ul << 62) | (1ul << 10) | 3);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 62);
    KT_MR(seL4_CapFault_GuardMismatch_GuardFound, 0);
    KT_MR(seL4_CapFault_GuardMismatch_BitsFound, 58);
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x66);
    KT_EQ(t->result[0], 0);
}

/* Every CNode label looks its destination up first, with the same checks and error MRs. */
static void ops_without_ipc_buffer(kt_thread_t *t)
{
    t->result[0] = seL4_CNode_Copy(KT_ROOT, t->arg[1], KT_DEPTH, KT_ROOT, t->arg[2], KT_DEPTH, seL4_AllRights);
    t->result[1] = seL4_CNode_Delete(KT_ROOT, t->arg[2], KT_DEPTH);
    t->result[2] = seL4_CNode_Rotate(KT_ROOT, t->arg[1], KT_DEPTH, 0, KT_ROOT, t->arg[3], KT_DEPTH, 0, KT_ROOT,
                                     t->arg[4], KT_DEPTH);
}

KTEST(cnode_invocation_without_ipc_buffer)
{
    KT_CAP(n, ntfn());
    KT_CAP(a, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(b, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, ops_without_ipc_buffer, KT_PRIO));
    KT_OK(seL4_TCB_SetIPCBuffer(t->tcb, 0, 0));
    t->arg[1] = kt_slot();
    t->arg[2] = n;
    t->arg[3] = a;
    t->arg[4] = b;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], seL4_TruncatedMessage); /* the source root cap never arrives */
    KT_EQ(t->result[1], seL4_NoError);          /* two words fit in registers */
    KT_EQ(t->result[2], seL4_TruncatedMessage); /* eight words do not */
    KT_TRUE(kt_slot_empty(n));
    KT_TRUE(kt_slot_empty(t->arg[1]));
    KT_EQ(seL4_DebugCapIdentify(a), KT_CAP_THREAD);
}

/* NBSendWait as seL4's own libsel4 issues it: destination in a6 (the reply register, unused
 * by Wait), t0 = 0; then the wait on a0. */
KTEST(syscall_nbsendwait_destination_in_a6)
{
    KT_CAP(dest, ntfn());
    KT_CAP(src, ntfn());
    KT_CAP(dest_b, kt_mint(dest, seL4_AllRights, 0x71));
    KT_CAP(src_b, kt_mint(src, seL4_AllRights, 0x72));
    seL4_Signal(src_b); /* so the wait returns at once */
    lark_syscall_regs_t r = {.a0 = src, .info = 0, .reply = dest_b, .dest = 0};
    lark_syscall(seL4_SysNBSendWait, &r);
    KT_EQ(r.a0, 0x72);
    seL4_Word badge = 0;
    seL4_Poll(dest, &badge);
    KT_EQ(badge, 0x71);
    /* the libsel4 wrapper agrees */
    seL4_Signal(src_b);
    seL4_NBSendWait(dest_b, seL4_MessageInfo_new(0, 0, 0, 0), src, &badge);
    KT_EQ(badge, 0x72);
    seL4_Poll(dest, &badge);
    KT_EQ(badge, 0x71);
}

/* The two lookup failures a depth-64 syscall lookup can also end in. A CSpace root R of
 * radix 3 whose slot 1 holds R again resolves 3 bits a level: after 21 levels one bit is
 * left, too few for another (DepthMismatch, bitsLeft 1, bitsFound 3). A thread whose CSpace
 * root was revoked away has no root at all (InvalidRoot). */
static void signal_arg(kt_thread_t *t)
{
    seL4_Signal(t->arg[1]);
    t->result[0] = 1;
}

static seL4_MessageInfo_t fault_in_cspace(seL4_CPtr cspace, seL4_Word cptr, seL4_CPtr revoke_after)
{
    seL4_MessageInfo_t none = seL4_MessageInfo_new(0, 0, 0, 0);
    seL4_CPtr ep = kt_alloc(seL4_EndpointObject, 0), reply = kt_alloc(seL4_ReplyObject, 0);
    kt_thread_t *t = &kt_threads[0];
    if (ep == 0 || reply == 0 || kt_thread_new(t, signal_arg, KT_PRIO) != 0) {
        return none;
    }
    if (seL4_TCB_SetSpace(t->tcb, ep, cspace, 0, seL4_CapInitThreadVSpace, 0) != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "SetSpace");
        return none;
    }
    if (revoke_after && seL4_CNode_Revoke(KT_ROOT, revoke_after, KT_DEPTH) != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "revoke of the CSpace root");
        return none;
    }
    t->arg[1] = cptr;
    if (kt_thread_start(t) != 0) {
        return none;
    }
    seL4_Word badge;
    return seL4_Recv(ep, &badge, reply);
}

KTEST(syscall_lookup_depth_mismatch_is_cap_fault)
{
    KT_CAP(r, kt_alloc(seL4_CapTableObject, 3));
    KT_OK(seL4_CNode_Copy(r, 1, 3, KT_ROOT, r, KT_DEPTH, seL4_AllRights));
    seL4_Word cptr = 0;
    for (int i = 0; i < 21; i++) {
        cptr = (cptr << 3) | 1;
    }
    cptr <<= 1;
    seL4_MessageInfo_t info = fault_in_cspace(r, cptr, 0);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_MessageInfo_get_length(info), 6);
    KT_MR(seL4_CapFault_Addr, cptr);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_DepthMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 1);
    KT_MR(seL4_CapFault_DepthMismatch_BitsFound, 3);
}

KTEST(syscall_lookup_without_cspace_root_is_invalid_root)
{
    KT_CAP(r, kt_alloc(seL4_CapTableObject, 3));
    seL4_MessageInfo_t info = fault_in_cspace(r, 5, r);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_MessageInfo_get_length(info), 4);
    KT_MR(seL4_CapFault_Addr, 5);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_InvalidRoot);
    KT_EQ(kt_threads[0].result[0], 0);
}

/* An invocation by Send gets no reply: even invocations with results (GetAddress, Describe,
 * ReadRegisters) leave the invoker's registers as they were. */
KTEST(syscall_send_invocation_leaves_registers)
{
    seL4_CPtr frame;
    KT_TRUE(kt_page_cap(&frame) != NULL);
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    struct {
        seL4_CPtr cap;
        seL4_Word label, length;
    } invs[] = {{frame, RISCVPageGetAddress, 0}, {ut, 0x4C00, 0}, {tcb, TCBReadRegisters, 3}};
    for (unsigned i = 0; i < 3; i++) {
        lark_syscall_regs_t r = {.a0 = invs[i].cap,
                                 .info = seL4_MessageInfo_new(invs[i].label, 0, 0, invs[i].length).words[0],
                                 .mr = {0, 0, 4, 0x3333}};
        lark_syscall(seL4_SysSend, &r);
        KT_EQ(r.a0, invs[i].cap);
        KT_EQ(r.info, seL4_MessageInfo_new(invs[i].label, 0, 0, invs[i].length).words[0]);
        KT_EQ(r.mr[0], 0);
        KT_EQ(r.mr[1], 0);
        KT_EQ(r.mr[2], 4);
        KT_EQ(r.mr[3], 0x3333);
    }
    /* the same by Call answers */
    seL4_RISCV_Page_GetAddress_t a = seL4_RISCV_Page_GetAddress(frame);
    KT_OK(a.error);
    KT_NE(a.paddr, 0);
}
