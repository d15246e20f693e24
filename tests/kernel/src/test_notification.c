/* Notifications: Signal, Wait, Poll, badges, queues of waiters, rights, bound notifications
 * and what deleting a notification does to its waiters, checked against seL4 16.0.0 MCS.
 * The tests run bottom-up; the ones that could stop the image if the kernel got them wrong
 * (a blocked or faulted root task) sit at the top so they run last. */
#include "kt.h"

static seL4_CPtr ntfn(void)
{
    return kt_alloc(seL4_NotificationObject, 0);
}

static void settle(void)
{
    for (int i = 0; i < 8; i++) {
        seL4_Yield();
    }
}

/* arg0 = notification (or endpoint) to wait on: result0 = badge, result1 = 1 once woken */
static void waiter(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Wait(t->arg[0], &badge);
    t->result[0] = badge;
    t->result[1] = 1;
}

/* arg0 = endpoint, arg1 = reply object: a receive that a bound notification can end */
static void receiver(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = badge;
    t->result[1] = 1;
    t->result[2] = seL4_MessageInfo_get_label(info);
}

/* arg0 = notification: signals it once */
static void signaller(kt_thread_t *t)
{
    seL4_Signal(t->arg[0]);
}

static int start_thread(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio, seL4_Word a0,
                        seL4_Word a1)
{
    if (kt_thread_new(t, fn, prio) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    t->arg[1] = a1;
    return kt_thread_start(t);
}

/* A helper whose faults go to `ep`, started on fn. */
static int start_faulting(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_CPtr ep, seL4_Word a0)
{
    if (kt_thread_new(t, fn, KT_PRIO) != 0 || kt_thread_set_fault_ep(t, ep, KT_PRIO) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    return kt_thread_start(t);
}

/* The fault message seL4 sends when a receive finds no usable cap at cptr: a CapFault in the
 * receive phase with a MissingCapability lookup failure (0 bits left). */
static int expect_recv_cap_fault(seL4_CPtr ep, seL4_CPtr reply, seL4_Word cptr)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply);
    seL4_Word label = seL4_MessageInfo_get_label(info);
    if (label != seL4_Fault_CapFault) {
        kt_fail(__FILE__, __LINE__, "fault label %lu, expected CapFault (1)", label);
        return -1;
    }
    seL4_Word got[5] = {seL4_MessageInfo_get_length(info), seL4_GetMR(seL4_CapFault_Addr),
                        seL4_GetMR(seL4_CapFault_InRecvPhase),
                        seL4_GetMR(seL4_CapFault_LookupFailureType),
                        seL4_GetMR(seL4_CapFault_BitsLeft)};
    seL4_Word want[5] = {5, cptr, 1, seL4_MissingCapability, 0};
    static const char *what[5] = {"length", "Addr", "InRecvPhase", "LookupFailureType", "BitsLeft"};
    for (int i = 0; i < 5; i++) {
        if (got[i] != want[i]) {
            kt_fail(__FILE__, __LINE__, "cap fault %s = 0x%lx, expected 0x%lx", what[i], got[i], want[i]);
            return -1;
        }
    }
    return 0;
}

/* ---- tests that stop the image when the kernel is wrong: they run last */

KTEST(ntfn_delete_restarts_waiter_into_cap_fault)
{
    /* seL4 cancelAllSignals: waiters restart their Wait, which now finds an empty slot */
    KT_CAP(n, ntfn());
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_faulting(t, waiter, ep, n));
    settle();
    KT_EQ(t->result[1], 0);
    KT_OK(seL4_CNode_Delete(KT_ROOT, n, KT_DEPTH));
    settle();
    KT_EQ(t->result[1], 0);
    KT_DO(expect_recv_cap_fault(ep, reply, n));
}

KTEST(ntfn_delete_last_cap_unbinds_tcb)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    KT_OK(seL4_CNode_Delete(KT_ROOT, n, KT_DEPTH));
    /* the TCB is free to bind another notification */
    KT_CAP(n2, ntfn());
    KT_OK(seL4_TCB_BindNotification(t->tcb, n2));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    seL4_CPtr b = kt_mint(n2, seL4_AllRights, 0x77);
    KT_TRUE(b != 0);
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0x77);
}

KTEST(ntfn_deleted_tcb_unbinds_notification)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    /* no longer bound to anyone: the root task may wait on it (it would fault if bound) */
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x3));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0x3);
}

KTEST(ntfn_unbound_signal_then_wait_does_not_block)
{
    /* a signal through an unbadged cap still makes the notification active (badge 0) */
    KT_CAP(n, ntfn());
    seL4_Signal(n);
    seL4_Word badge = 0x1234;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_recv_syscall_on_notification_waits)
{
    KT_CAP(n, ntfn());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x50));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Recv(n, &badge, reply);
    KT_EQ(badge, 0x50);
}

/* ---- rights */

KTEST(ntfn_wait_without_read_is_cap_fault)
{
    KT_CAP(n, ntfn());
    KT_CAP(wo, kt_mint(n, seL4_CanWrite, 0x1));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_faulting(t, waiter, ep, wo));
    settle();
    KT_EQ(t->result[1], 0);
    KT_DO(expect_recv_cap_fault(ep, reply, wo));
}

KTEST(ntfn_wait_on_empty_slot_is_cap_fault)
{
    seL4_CPtr empty = kt_slot();
    KT_TRUE(empty != 0);
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_faulting(t, waiter, ep, empty));
    settle();
    KT_DO(expect_recv_cap_fault(ep, reply, empty));
}

KTEST(ntfn_signal_without_write_does_nothing)
{
    /* seL4 rejects it with InvalidCapability; a Send gets no reply and no fault */
    KT_CAP(n, ntfn());
    KT_CAP(ro, kt_mint(n, seL4_CanRead, 0x8));
    seL4_Signal(ro);
    seL4_NBSend(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_call_without_write_is_invalid_capability)
{
    KT_CAP(n, ntfn());
    KT_CAP(ro, kt_copy(n, seL4_CanRead));
    seL4_MessageInfo_t r = seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_InvalidCapability);
    KT_EQ(seL4_MessageInfo_get_length(r), 1);
    KT_MR(0, 0);
}

KTEST(ntfn_call_signals_and_replies_empty)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_CanWrite, 0x6));
    seL4_SetMR(0, 11);
    seL4_SetMR(1, 22);
    seL4_MessageInfo_t r = seL4_Call(b, seL4_MessageInfo_new(7, 0, 0, 2));
    KT_EQ(seL4_MessageInfo_get_label(r), 0);
    KT_EQ(seL4_MessageInfo_get_length(r), 0);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x6);
}

KTEST(ntfn_write_only_cap_signals)
{
    KT_CAP(n, ntfn());
    KT_CAP(wo, kt_mint(n, seL4_CanWrite, 0x100));
    seL4_Signal(wo);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x100);
}

KTEST(ntfn_nbsend_signals)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x11));
    seL4_NBSend(b, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x11);
}

KTEST(ntfn_nbsendwait_signals_then_waits)
{
    KT_CAP(n1, ntfn());
    KT_CAP(n2, ntfn());
    KT_CAP(b1, kt_mint(n1, seL4_AllRights, 0x12));
    KT_CAP(b2, kt_mint(n2, seL4_AllRights, 0x34));
    seL4_Signal(b2);
    seL4_Word badge = 0;
    seL4_NBSendWait(b1, seL4_MessageInfo_new(0, 0, 0, 0), n2, &badge);
    KT_EQ(badge, 0x34);
    badge = 0;
    seL4_Poll(n1, &badge);
    KT_EQ(badge, 0x12);
}

/* ---- bound notifications */

KTEST(ntfn_bound_signal_ends_endpoint_receive)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x40));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    KT_EQ(t->result[1], 0);
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0x40);
    /* the signal was consumed by the receive */
    KT_OK(seL4_TCB_UnbindNotification(t->tcb));
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_bound_pending_signal_returns_from_receive_at_once)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b1, kt_mint(n, seL4_AllRights, 0x1));
    KT_CAP(b2, kt_mint(n, seL4_AllRights, 0x4));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    seL4_Signal(b1);
    seL4_Signal(b2);
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0x5);
}

KTEST(ntfn_bound_message_still_arrives_on_endpoint)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(badged_ep, kt_mint(ep, seL4_AllRights, 0x2a));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    seL4_NBSend(badged_ep, seL4_MessageInfo_new(0x33, 0, 0, 0));
    settle();
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0x2a);
    KT_EQ(t->result[2], 0x33);
}

KTEST(ntfn_root_bound_nbrecv_takes_pending_signal)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x60));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_OK(seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n));
    seL4_Word badge = 0x99;
    seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 0); /* nothing yet */
    seL4_Signal(b);
    seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 0x60);
    seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 0); /* consumed */
    KT_OK(seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB));
}

KTEST(ntfn_root_bound_may_poll_its_notification)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x61));
    KT_OK(seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x61);
    KT_OK(seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB));
}

/* arg0 = endpoint, arg1 = reply: a Send that blocks, then a receive on the same endpoint */
static void sender_then_receiver(kt_thread_t *t)
{
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[2] = 1;
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = badge;
    t->result[1] = 1;
}

KTEST(ntfn_bound_signal_waits_while_thread_sends)
{
    /* seL4 wakes a bound thread only from BlockedOnReceive: blocked in Send, the signal stays
     * pending and ends the thread's next receive at once */
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x70));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(my_reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, sender_then_receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    KT_EQ(t->result[2], 0);
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[2], 0);
    seL4_Word badge = 0;
    seL4_NBRecv(ep, &badge, my_reply); /* takes the helper's message */
    settle();
    KT_EQ(t->result[2], 1);
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0x70);
}

KTEST(ntfn_bound_unbadged_signal_wakes_receiver_with_zero)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    t->result[0] = 0x99;
    seL4_Signal(n);
    settle();
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0);
}

KTEST(ntfn_bound_thread_may_wait_on_its_notification)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x9));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = n;
    KT_DO(kt_thread_start(t));
    settle();
    KT_EQ(t->result[1], 0);
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0x9);
}

KTEST(ntfn_wait_on_notification_bound_elsewhere_is_cap_fault)
{
    kt_thread_t *owner = &kt_threads[0], *other = &kt_threads[1];
    KT_CAP(n, ntfn());
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(owner, waiter, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(owner->tcb, n));
    KT_DO(start_faulting(other, waiter, ep, n));
    settle();
    KT_EQ(other->result[1], 0);
    KT_DO(expect_recv_cap_fault(ep, reply, n));
}

KTEST(ntfn_unbind_stops_delivery_to_receiver)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x10));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    KT_OK(seL4_TCB_UnbindNotification(t->tcb));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[1], 0);
    /* the signal stayed in the (now unbound) notification */
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x10);
}

KTEST(ntfn_bind_twice_is_illegal)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n1, ntfn());
    KT_CAP(n2, ntfn());
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n1));
    KT_ERR(seL4_TCB_BindNotification(t->tcb, n2), seL4_IllegalOperation);
    KT_ERR(seL4_TCB_BindNotification(t->tcb, n1), seL4_IllegalOperation);
}

KTEST(ntfn_bind_notification_of_another_tcb_is_illegal)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_CAP(n, ntfn());
    KT_DO(kt_thread_new(a, waiter, KT_PRIO));
    KT_DO(kt_thread_new(b, waiter, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(a->tcb, n));
    KT_ERR(seL4_TCB_BindNotification(b->tcb, n), seL4_IllegalOperation);
    KT_OK(seL4_TCB_UnbindNotification(a->tcb));
    KT_OK(seL4_TCB_BindNotification(b->tcb, n));
}

KTEST(ntfn_bind_needs_read_right)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(wo, kt_copy(n, seL4_CanWrite));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_ERR(seL4_TCB_BindNotification(t->tcb, wo), seL4_IllegalOperation);
    KT_CAP(ro, kt_copy(n, seL4_CanRead));
    KT_OK(seL4_TCB_BindNotification(t->tcb, ro));
}

KTEST(ntfn_bind_non_notification_is_illegal)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_ERR(seL4_TCB_BindNotification(t->tcb, ep), seL4_IllegalOperation);
    KT_ERR(seL4_TCB_BindNotification(t->tcb, kt_slot()), seL4_IllegalOperation);
}

KTEST(ntfn_bind_with_waiters_is_illegal)
{
    kt_thread_t *w = &kt_threads[0], *t = &kt_threads[1];
    KT_CAP(n, ntfn());
    KT_DO(start_thread(w, waiter, KT_PRIO, n, 0));
    settle();
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_ERR(seL4_TCB_BindNotification(t->tcb, n), seL4_IllegalOperation);
}

KTEST(ntfn_unbind_without_binding_is_illegal)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    KT_ERR(seL4_TCB_UnbindNotification(t->tcb), seL4_IllegalOperation);
}

/* Counts wake-ups forever: result0 = last badge, counter = how many. */
static void counting_waiter(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_Wait(t->arg[0], &badge);
        t->result[0] = badge;
        t->counter++;
    }
}

KTEST(ntfn_passive_waiter_runs_on_notification_sc)
{
    /* MCS: a thread without an SC woken through a notification with an SC borrows it and
     * gives it back when it waits again */
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x5));
    KT_DO(start_thread(t, counting_waiter, KT_PRIO, n, 0));
    settle();
    KT_EQ(t->started, 1);
    KT_OK(seL4_SchedContext_Unbind(t->sc));
    KT_OK(seL4_SchedContext_Bind(t->sc, n));
    for (seL4_Word round = 1; round <= 2; round++) {
        seL4_Signal(b);
        settle();
        KT_EQ(t->counter, round);
        KT_EQ(t->result[0], 0x5);
    }
    /* back with the notification: unbinding it from there works */
    KT_OK(seL4_SchedContext_UnbindObject(t->sc, n));
    seL4_Signal(b);
    settle();
    KT_EQ(t->counter, 2); /* no SC anywhere now: it cannot run */
}

/* arg0 = endpoint, arg1 = reply: receives forever, counting */
static void counting_receiver(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_Recv(t->arg[0], &badge, t->arg[1]);
        t->result[0] = badge;
        t->counter++;
    }
}

KTEST(ntfn_passive_bound_receiver_runs_on_notification_sc)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x15));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(t, counting_receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    settle();
    KT_OK(seL4_SchedContext_Unbind(t->sc));
    KT_OK(seL4_SchedContext_Bind(t->sc, n));
    for (seL4_Word round = 1; round <= 2; round++) {
        seL4_Signal(b);
        settle();
        KT_EQ(t->counter, round);
        KT_EQ(t->result[0], 0x15);
    }
    /* the SC went back to the notification each time the thread blocked again */
    KT_OK(seL4_SchedContext_UnbindObject(t->sc, n));
}

/* ---- waiters */

KTEST(ntfn_deleted_waiter_leaves_queue)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_CAP(n, ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x22));
    KT_DO(start_thread(a, waiter, KT_PRIO, n, 0));
    settle();
    KT_DO(start_thread(b, waiter, KT_PRIO, n, 0));
    settle();
    KT_OK(seL4_CNode_Delete(KT_ROOT, a->tcb, KT_DEPTH));
    seL4_Signal(badged);
    settle();
    KT_EQ(b->result[1], 1);
    KT_EQ(b->result[0], 0x22);
    /* and with no waiter left the next signal stays pending */
    seL4_Signal(badged);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x22);
}

KTEST(ntfn_suspended_waiter_leaves_queue)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x21));
    KT_DO(start_thread(t, waiter, KT_PRIO, n, 0));
    settle();
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[1], 0);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x21);
}

KTEST(ntfn_signal_wakes_higher_priority_waiter_at_once)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x2));
    KT_DO(start_thread(t, waiter, KT_PRIO + 1, n, 0));
    KT_EQ(t->result[1], 0); /* it ran at once and blocked */
    KT_EQ(t->started, 1);
    seL4_Signal(b);
    KT_EQ(t->result[1], 1); /* no yield: the signal switched to it */
    KT_EQ(t->result[0], 0x2);
}

KTEST(ntfn_lower_priority_waiter_waits_for_cpu)
{
    /* the low waiter only runs when the root task blocks: the root blocks on `gate`, which
     * an even lower helper signals once the waiter has blocked in its Wait */
    kt_thread_t *t = &kt_threads[0], *s = &kt_threads[1];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x3));
    KT_CAP(gate, ntfn());
    KT_DO(start_thread(t, waiter, KT_PRIO - 1, n, 0));
    KT_DO(start_thread(s, signaller, KT_PRIO - 2, gate, 0));
    KT_EQ(t->started, 0);
    seL4_Word badge = 0;
    seL4_Wait(gate, &badge);
    KT_EQ(t->started, 1);
    KT_EQ(t->result[1], 0);
    seL4_Signal(b);
    settle();
    KT_EQ(t->result[1], 0); /* runnable again, but the root task keeps the CPU */
}

KTEST(ntfn_waiters_served_in_order)
{
    KT_CAP(n, ntfn());
    for (int i = 0; i < 3; i++) {
        KT_DO(start_thread(&kt_threads[i], waiter, KT_PRIO, n, 0));
        settle();
    }
    for (int i = 0; i < 3; i++) {
        KT_CAP(b, kt_mint(n, seL4_AllRights, 1ul << i));
        seL4_Signal(b);
        settle();
        for (int j = 0; j < 3; j++) {
            KT_EQ(kt_threads[j].result[1], j <= i ? 1 : 0);
        }
        KT_EQ(kt_threads[i].result[0], 1ul << i);
    }
}

KTEST(ntfn_helper_woken_by_root_signal)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x20));
    KT_DO(start_thread(t, waiter, KT_PRIO, n, 0));
    settle();
    KT_EQ(t->started, 1);
    KT_EQ(t->result[1], 0);
    seL4_Signal(b);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0x20);
    /* the badge went to the waiter, nothing is left pending */
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_unbadged_signal_wakes_waiter_with_zero)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_DO(start_thread(t, waiter, KT_PRIO, n, 0));
    settle();
    t->result[0] = 0x99;
    seL4_Signal(n);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0);
}

KTEST(ntfn_unbadged_pending_signal_does_not_block_waiter)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    seL4_Signal(n);
    KT_DO(start_thread(t, waiter, KT_PRIO, n, 0));
    t->result[0] = 0x99;
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0);
}

KTEST(ntfn_signal_wakes_only_one_waiter)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x1));
    KT_DO(start_thread(&kt_threads[0], waiter, KT_PRIO, n, 0));
    KT_DO(start_thread(&kt_threads[1], waiter, KT_PRIO, n, 0));
    settle();
    seL4_Signal(b);
    settle();
    KT_EQ(kt_threads[0].result[1] + kt_threads[1].result[1], 1);
}

/* ---- badges */

KTEST(ntfn_badge_of_other_signaller_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_CanWrite, 0x400));
    KT_DO(start_thread(t, signaller, KT_PRIO, b, 0));
    KT_TRUE(kt_wait_done(t, 20));
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0x400);
}

KTEST(ntfn_wait_clears_badge)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x7));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0x7);
    badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_badges_or_together)
{
    KT_CAP(n, ntfn());
    KT_CAP(b1, kt_mint(n, seL4_AllRights, 0x1));
    KT_CAP(b2, kt_mint(n, seL4_AllRights, 0x2));
    KT_CAP(b8, kt_mint(n, seL4_AllRights, 0x8));
    seL4_Signal(b1);
    seL4_Signal(b8);
    seL4_Signal(b2);
    seL4_Signal(b1);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0xb);
}

KTEST(ntfn_unbadged_signal_keeps_pending_badge)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x30));
    seL4_Signal(b);
    seL4_Signal(n);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x30);
}

KTEST(ntfn_full_word_badge)
{
    KT_CAP(n, ntfn());
    seL4_Word big = 0xfedcba9876543210ul;
    seL4_CPtr slot = kt_slot();
    seL4_Error err = seL4_CNode_Mint(KT_ROOT, slot, KT_DEPTH, KT_ROOT, n, KT_DEPTH, seL4_AllRights, big);
    KT_OK(err);
    seL4_Signal(slot);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    /* seL4 badges are the whole word on 64-bit (seL4_BadgeBits = 64) */
    KT_EQ(badge, big);
}

KTEST(ntfn_poll_consumes_signal)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x4));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x4);
    badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_signal_then_wait_gets_badge)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x10));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0x10);
}

KTEST(ntfn_poll_idle_gives_zero)
{
    KT_CAP(n, ntfn());
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
    badge = 0x99;
    seL4_NBWait(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(ntfn_is_identified)
{
    KT_CAP(n, ntfn());
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION);
}
