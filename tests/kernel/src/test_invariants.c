/* LarkDebugCheckInvariants (LarkOS debug syscall -65): the kernel's self-check answers 0 in
 * every legal state the ABI can reach: fresh boot, derivation trees of copies and badges,
 * threads blocked on endpoints, notifications and replies, threads waiting for refills,
 * passive threads, and after revoking all of it. */
#include "kt.h"

static void settle(void)
{
    for (int i = 0; i < 8; i++) {
        seL4_Yield();
    }
}

static void receiver(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
}

static void sender(kt_thread_t *t)
{
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 0));
}

static void caller(kt_thread_t *t)
{
    seL4_Call(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 0));
}

static void waiter(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Wait(t->arg[0], &badge);
}

static void spinner(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
    }
}

static int start(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word a0, seL4_Word a1)
{
    if (kt_thread_new(t, fn, KT_PRIO) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    t->arg[1] = a1;
    return kt_thread_start(t);
}

KTEST(invariants_hold_after_revoking_everything)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(start(&kt_threads[0], receiver, ep, reply));
    KT_DO(start(&kt_threads[1], waiter, n, 0));
    settle();
    KT_OK(seL4_CNode_Revoke(KT_ROOT, kt_pool, KT_DEPTH));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

KTEST(invariants_hold_with_threads_waiting_for_refills)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO + 1));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 1000, 100000, 4, 0, 0));
    KT_DO(kt_thread_start(t));
    settle();
    KT_TRUE(t->counter > 0);
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 2000, 50000, 2, 0,
                                           seL4_SchedContext_Sporadic));
    settle();
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_TCB_Suspend(t->tcb));
}

KTEST(invariants_hold_with_a_passive_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(start(t, receiver, ep, reply));
    settle();
    KT_OK(seL4_SchedContext_Unbind(t->sc));
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

KTEST(invariants_hold_with_blocked_senders_callers_and_waiters)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 7));
    KT_DO(start(&kt_threads[0], sender, badged, 0));
    KT_DO(start(&kt_threads[1], caller, ep, 0));
    KT_DO(start(&kt_threads[2], waiter, n, 0));
    KT_DO(start(&kt_threads[3], waiter, n, 0));
    settle();
    KT_EQ(lark_DebugCheckInvariants(), 0);
    /* take the call: the caller now waits on the reply object */
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 7);
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0);
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_CNode_Delete(KT_ROOT, n, KT_DEPTH));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

KTEST(invariants_hold_with_a_receiver_queued)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(start(&kt_threads[0], receiver, ep, reply));
    settle();
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

KTEST(invariants_hold_for_a_derivation_tree)
{
    KT_CAP(ut, kt_alloc_untyped(14));
    KT_CAP(ep, kt_slot());
    KT_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, KT_ROOT, 0, 0, ep, 1));
    KT_CAP(cn, kt_slot());
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 3, KT_ROOT, 0, 0, cn, 1));
    KT_CAP(copy, kt_copy(ep, seL4_AllRights));
    KT_CAP(b1, kt_mint(ep, seL4_AllRights, 1));
    KT_CAP(b1copy, kt_copy(b1, seL4_CanWrite));
    KT_OK(seL4_CNode_Copy(cn, 2, 3, KT_ROOT, b1copy, KT_DEPTH, seL4_AllRights));
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_CNode_Move(KT_ROOT, kt_slot(), KT_DEPTH, KT_ROOT, copy, KT_DEPTH));
    KT_EQ(lark_DebugCheckInvariants(), 0);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

KTEST(invariants_hold_at_boot)
{
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

/* Found by the kernel fuzzer (seed 2): seL4 marks an untyped full when a copy of it is made
 * (setUntypedCapAsFull), so the source and the copy never hand out the same memory. */
KTEST(copying_an_untyped_leaves_the_source_full)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(copy, kt_copy(ut, seL4_AllRights));
    KT_CAP(a, kt_slot());
    KT_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, KT_ROOT, 0, 0, a, 1),
           seL4_NotEnoughMemory);
    KT_MR(0, 0);
    KT_OK(seL4_Untyped_Retype(copy, seL4_EndpointObject, 0, KT_ROOT, 0, 0, a, 1));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}

/* arg0 = endpoint, arg1 = reply: takes one call, then faults (no fault handler: suspended)
 * while it runs on the caller's SC. */
static void faulting_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->counter++;
    volatile seL4_Word unmapped = 16;
    *(volatile seL4_Word *)unmapped = 1;
}

/* Met by the kernel fuzzer (seed 51: a fuzzer that stopped for good): suspending a caller
 * whose passive server faulted takes its reply off the call stack, but as in seL4's
 * cancelIPC (reply_remove_tcb) the donated SC stays with the server; the caller runs again
 * only once its SC is unbound from the server and bound back. */
KTEST(suspended_caller_leaves_its_sc_with_a_faulted_passive_server)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *srv = &kt_threads[0], *cli = &kt_threads[1];
    KT_DO(start(srv, faulting_server, ep, reply));
    settle();
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    KT_DO(start(cli, caller, ep, 0));
    settle();
    KT_EQ(srv->counter, 1);
    KT_OK(seL4_TCB_Suspend(cli->tcb));
    KT_ERR(seL4_SchedContext_UnbindObject(cli->sc, cli->tcb), seL4_IllegalOperation);
    KT_OK(seL4_SchedContext_UnbindObject(cli->sc, srv->tcb)); /* the server still holds it */
    KT_OK(seL4_SchedContext_Bind(cli->sc, cli->tcb));
    cli->fn = spinner;
    KT_DO(kt_thread_start(cli));
    settle();
    KT_TRUE(cli->counter > 0);
    KT_OK(seL4_TCB_Suspend(cli->tcb));
    KT_EQ(lark_DebugCheckInvariants(), 0);
}
