/* Endpoint IPC through every endpoint syscall (Send, NBSend, Call, Recv, NBRecv, Wait,
 * NBSendRecv, NBSendWait): message registers, badges, label and length, queue order (MCS:
 * by priority, FIFO among equals), cap faults of the receive phase, invocation errors,
 * endpoint deletion, IPC between address spaces and threads without an IPC buffer. */
#include "ipc_helpers.h"

KTEST(ipc_send_delivers_label_length_and_mrs)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    KT_TRUE(r->started && !r->done); /* blocked in Recv */
    for (int i = 0; i < 4; i++) {
        seL4_SetMR(i, 0x100 + i);
    }
    seL4_Send(ep, msg(0x123, 4));
    KT_TRUE(r->done);
    KT_EQ(r->result[0], 0);
    KT_EQ(label_of(r->result[1]), 0x123);
    KT_EQ(length_of(r->result[1]), 4);
    KT_EQ(seL4_MessageInfo_get_extraCaps((seL4_MessageInfo_t){{r->result[1]}}), 0);
    for (int i = 0; i < 4; i++) {
        KT_EQ(r->result[2 + i], 0x100 + i);
    }
}

KTEST(ipc_badge_delivered_in_a0)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0xbeef));
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    seL4_Send(badged, msg(1, 0));
    KT_TRUE(r->done);
    KT_EQ(r->result[0], 0xbeef);
    KT_EQ(length_of(r->result[1]), 0);
}

KTEST(ipc_unbadged_sender_gives_badge_zero)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    r->result[0] = 0x55;
    seL4_Send(ep, msg(2, 0));
    KT_TRUE(r->done);
    KT_EQ(r->result[0], 0);
}

static seL4_Word long_seen[seL4_MsgMaxLength];
static seL4_Word long_info;

static void recv_long(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    long_info = info.words[0];
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        long_seen[i] = seL4_GetMR(i);
    }
}

KTEST(ipc_long_message_120_words_through_ipc_buffer)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_long, HI, ep, reply));
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR(i, 0xa000 + i);
    }
    seL4_Send(ep, msg(7, seL4_MsgMaxLength));
    KT_TRUE(r->done);
    KT_EQ(length_of(long_info), seL4_MsgMaxLength);
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        KT_EQ(long_seen[i], 0xa000 + i);
    }
}

KTEST(ipc_length_over_120_is_clipped)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_long, HI, ep, reply));
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR(i, 0xb000 + i);
    }
    seL4_Send(ep, msg(8, 127)); /* the 7-bit length field can say more than 120 */
    KT_TRUE(r->done);
    KT_EQ(length_of(long_info), seL4_MsgMaxLength);
    KT_EQ(label_of(long_info), 8);
    KT_EQ(long_seen[seL4_MsgMaxLength - 1], 0xb000 + seL4_MsgMaxLength - 1);
}

KTEST(ipc_short_message_leaves_other_receiver_mrs_alone)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_long, HI, ep, reply));
    seL4_SetMR(0, 0x42);
    seL4_SetMR(5, 0x77);
    seL4_Send(ep, msg(9, 1));
    KT_TRUE(r->done);
    KT_EQ(length_of(long_info), 1);
    KT_EQ(long_seen[0], 0x42);
    KT_NE(long_seen[5], 0x77); /* only `length` words travel */
}

KTEST(ipc_send_blocks_until_received)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_thread_new(s, send_once, HI));
    s->arg[0] = ep;
    s->arg[2] = 0x31;
    s->arg[3] = 0x99;
    KT_DO(kt_thread_start(s));
    KT_TRUE(s->started && !s->done);
    seL4_Word badge = 1;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x31);
    KT_EQ(seL4_MessageInfo_get_length(info), 1);
    KT_EQ(seL4_GetMR(0), 0x99);
    KT_EQ(badge, 0);
    KT_TRUE(s->done); /* released by the receive, and higher priority */
}

KTEST(ipc_nbsend_without_receiver_drops_message)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    seL4_NBSend(ep, msg(0x66, 0));
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    KT_TRUE(r->started && !r->done); /* nothing was queued for it */
    seL4_Send(ep, msg(0x67, 0));
    KT_TRUE(r->done);
    KT_EQ(label_of(r->result[1]), 0x67);
}

KTEST(ipc_nbsend_with_receiver_delivers)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    seL4_SetMR(0, 0x1234);
    seL4_NBSend(ep, msg(0x68, 1));
    KT_TRUE(r->done);
    KT_EQ(label_of(r->result[1]), 0x68);
    KT_EQ(r->result[2], 0x1234);
}

KTEST(ipc_nbrecv_without_sender_returns_at_once)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x5));
    seL4_Word badge = 0x1111;
    seL4_NBRecv(badged, &badge, reply);
    KT_EQ(badge, 0);
}

KTEST(ipc_nbrecv_takes_a_blocked_sender)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x44));
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_thread_new(s, send_once, HI));
    s->arg[0] = badged;
    s->arg[2] = 0x32;
    s->arg[3] = 0xabc;
    KT_DO(kt_thread_start(s));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 0x44);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x32);
    KT_EQ(seL4_GetMR(0), 0xabc);
    KT_TRUE(s->done);
}

KTEST(ipc_blocked_senders_are_served_in_fifo_order)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    for (int i = 0; i < 3; i++) {
        kt_thread_t *s = &kt_threads[i];
        KT_CAP(b, kt_mint(ep, seL4_AllRights, 0x10 + i));
        KT_DO(kt_thread_new(s, send_once, HI));
        s->arg[0] = b;
        s->arg[2] = 1;
        s->arg[3] = i;
        KT_DO(kt_thread_start(s));
    }
    for (int i = 0; i < 3; i++) {
        seL4_Word badge = 0;
        seL4_Recv(ep, &badge, reply);
        KT_EQ(badge, 0x10 + i);
        KT_EQ(seL4_GetMR(0), i);
    }
}

KTEST(ipc_blocked_receivers_are_served_in_fifo_order)
{
    KT_CAP(ep, new_ep());
    for (int i = 0; i < 3; i++) {
        KT_CAP(reply, new_reply());
        KT_DO(start_helper(&kt_threads[i], recv_once, HI, ep, reply));
    }
    for (int i = 0; i < 3; i++) {
        seL4_SetMR(0, 0x70 + i);
        seL4_Send(ep, msg(1, 1));
        for (int j = 0; j < 3; j++) {
            KT_EQ(kt_threads[j].done, j <= i);
        }
        KT_EQ(kt_threads[i].result[2], 0x70 + i);
    }
}

KTEST(ipc_blocked_senders_are_queued_by_priority)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    static const seL4_Word prios[] = {HI, HI + 2, HI + 1, HI + 2};
    for (int i = 0; i < 4; i++) {
        kt_thread_t *s = &kt_threads[i];
        KT_CAP(b, kt_mint(ep, seL4_AllRights, 0x20 + i));
        KT_DO(kt_thread_new(s, send_once, prios[i]));
        s->arg[0] = b;
        KT_DO(kt_thread_start(s));
    }
    /* MCS endpoint queues: highest priority first, FIFO among equals */
    static const seL4_Word order[] = {0x21, 0x23, 0x22, 0x20};
    for (int i = 0; i < 4; i++) {
        seL4_Word badge = 0;
        seL4_Recv(ep, &badge, reply);
        KT_EQ(badge, order[i]);
    }
}

KTEST(ipc_blocked_receivers_are_queued_by_priority)
{
    KT_CAP(ep, new_ep());
    static const seL4_Word prios[] = {HI, HI + 1, HI};
    for (int i = 0; i < 3; i++) {
        KT_CAP(reply, new_reply());
        KT_DO(start_helper(&kt_threads[i], recv_once, prios[i], ep, reply));
    }
    static const int order[] = {1, 0, 2};
    for (int i = 0; i < 3; i++) {
        seL4_SetMR(0, 0x90 + i);
        seL4_Send(ep, msg(1, 1));
        KT_TRUE(kt_threads[order[i]].done);
        KT_EQ(kt_threads[order[i]].result[2], 0x90 + i);
    }
}

KTEST(ipc_set_priority_reorders_blocked_sender)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    for (int i = 0; i < 2; i++) {
        kt_thread_t *s = &kt_threads[i];
        KT_CAP(b, kt_mint(ep, seL4_AllRights, 0x30 + i));
        KT_DO(kt_thread_new(s, send_once, HI));
        s->arg[0] = b;
        KT_DO(kt_thread_start(s));
    }
    KT_OK(seL4_TCB_SetPriority(kt_threads[1].tcb, seL4_CapInitThreadTCB, HI + 1));
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0x31);
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0x30);
}

KTEST(ipc_call_on_read_only_endpoint_is_invalid_capability)
{
    KT_CAP(ep, new_ep());
    KT_CAP(ro, kt_mint(ep, seL4_CanRead, 0));
    seL4_SetMR(0, 0xdead);
    seL4_MessageInfo_t info = seL4_Call(ro, msg(1, 1));
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    KT_EQ(seL4_MessageInfo_get_length(info), 1);
    KT_MR(0, 0);
}

KTEST(ipc_call_on_empty_slot_is_invalid_capability)
{
    seL4_CPtr empty = kt_slot();
    seL4_MessageInfo_t info = seL4_Call(empty, msg(1, 0));
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    KT_MR(0, 0);
}

KTEST(ipc_recv_on_write_only_endpoint_is_a_cap_fault)
{
    KT_CAP(ep, new_ep());
    KT_CAP(fep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(wo, kt_mint(ep, seL4_CanWrite, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_with_fault_ep(t, recv_once, fep, wo, reply));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(fep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_GetMR(seL4_CapFault_Addr), wo);
    KT_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
    KT_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_MissingCapability);
    KT_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), 0);
}

KTEST(ipc_recv_with_non_reply_cap_in_a6_is_a_cap_fault)
{
    KT_CAP(ep, new_ep());
    KT_CAP(fep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(not_reply, new_ep());
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_with_fault_ep(t, recv_once, fep, ep, not_reply));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(fep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_GetMR(seL4_CapFault_Addr), not_reply);
    KT_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
    KT_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_MissingCapability);
}

KTEST(ipc_wait_on_endpoint_needs_no_reply_object)
{
    KT_CAP(ep, new_ep());
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_helper(t, wait_once, HI, ep, 0));
    KT_TRUE(t->started && !t->done);
    seL4_SetMR(0, 0x31);
    seL4_Send(ep, msg(0x30, 1));
    KT_TRUE(t->done);
    KT_EQ(label_of(t->result[1]), 0x30);
    KT_EQ(t->result[2], 0x31);
}

/* arg0 = destination, arg1 = source endpoint, arg2 = reply: NBSendRecv, recorded. */
static void nbsendrecv_once(kt_thread_t *t)
{
    seL4_SetMR(0, 0xd0);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBSendRecv(t->arg[0], msg(0x80, 1), t->arg[1], &badge, t->arg[2]);
    record(t, badge, info);
}

static void nbsendwait_once(kt_thread_t *t)
{
    seL4_SetMR(0, 0xd1);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBSendWait(t->arg[0], msg(0x81, 1), t->arg[1], &badge);
    record(t, badge, info);
}

KTEST(ipc_nbsendrecv_sends_then_receives)
{
    KT_CAP(dest, new_ep());
    KT_CAP(src, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(reply2, new_reply());
    KT_CAP(src_badged, kt_mint(src, seL4_AllRights, 0x12));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, nbsendrecv_once, KT_PRIO));
    t->arg[0] = dest;
    t->arg[1] = src;
    t->arg[2] = reply;
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(dest, &badge, reply2); /* the helper runs meanwhile */
    KT_EQ(seL4_MessageInfo_get_label(info), 0x80);
    KT_EQ(seL4_GetMR(0), 0xd0);
    KT_TRUE(!t->done);
    seL4_SetMR(0, 0xe0);
    seL4_Send(src_badged, msg(0x90, 1));
    KT_TRUE(kt_wait_done(t, 5));
    KT_EQ(t->result[0], 0x12);
    KT_EQ(label_of(t->result[1]), 0x90);
    KT_EQ(t->result[2], 0xe0);
}

KTEST(ipc_nbsendrecv_without_receiver_still_receives)
{
    KT_CAP(dest, new_ep());
    KT_CAP(src, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, nbsendrecv_once, HI));
    t->arg[0] = dest;
    t->arg[1] = src;
    t->arg[2] = reply;
    KT_DO(kt_thread_start(t));
    KT_TRUE(t->started && !t->done); /* the send was dropped, the receive blocks */
    KT_CAP(reply2, new_reply());
    seL4_Word badge = 5;
    seL4_NBRecv(dest, &badge, reply2);
    KT_EQ(badge, 0); /* nothing was queued on dest */
    seL4_Send(src, msg(0x91, 0));
    KT_TRUE(t->done);
    KT_EQ(label_of(t->result[1]), 0x91);
}

KTEST(ipc_nbsendrecv_call_gets_reply_through_a6)
{
    /* the receive phase of NBSendRecv takes a Call with the reply object given in a6 */
    KT_CAP(dest, new_ep());
    KT_CAP(src, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, nbsendrecv_once, HI));
    t->arg[0] = dest;
    t->arg[1] = src;
    t->arg[2] = reply;
    KT_DO(kt_thread_start(t));
    kt_thread_t *c = &kt_threads[1];
    KT_DO(kt_thread_new(c, call_once, KT_PRIO));
    c->arg[0] = src;
    c->arg[2] = 0x92;
    c->arg[3] = 4;
    KT_DO(kt_thread_start(c));
    seL4_Yield(); /* the caller runs and calls */
    KT_TRUE(t->done);
    KT_EQ(label_of(t->result[1]), 0x92);
    KT_EQ(t->result[2], 4);
    KT_TRUE(!c->done);
    seL4_SetMR(0, 0x93);
    seL4_Send(reply, msg(0x94, 1));
    KT_TRUE(kt_wait_done(c, 5));
    KT_EQ(label_of(c->result[1]), 0x94);
    KT_EQ(c->result[2], 0x93);
}

KTEST(ipc_nbsendwait_sends_then_waits_without_reply)
{
    KT_CAP(dest, new_ep());
    KT_CAP(src, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, dest, reply));
    kt_thread_t *t = &kt_threads[1];
    KT_DO(kt_thread_new(t, nbsendwait_once, HI));
    t->arg[0] = dest;
    t->arg[1] = src;
    KT_DO(kt_thread_start(t));
    KT_TRUE(r->done);
    KT_EQ(label_of(r->result[1]), 0x81);
    KT_EQ(r->result[2], 0xd1);
    KT_TRUE(!t->done);
    seL4_Send(src, msg(0x95, 0));
    KT_TRUE(t->done);
    KT_EQ(label_of(t->result[1]), 0x95);
}

static void fault_expect(seL4_CPtr fep, seL4_CPtr reply, seL4_Word addr, seL4_Word in_recv)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(fep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_GetMR(seL4_CapFault_Addr), addr);
    KT_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), in_recv);
}

KTEST(ipc_deleting_endpoint_restarts_blocked_sender)
{
    KT_CAP(ep, new_ep());
    KT_CAP(fep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *s = &kt_threads[0];
    if (kt_thread_new(s, send_once, HI) != 0 || kt_thread_set_fault_ep(s, fep, HI) != 0) {
        KT_FAIL("helper");
    }
    s->arg[0] = ep;
    KT_DO(kt_thread_start(s));
    KT_TRUE(s->started && !s->done);
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    /* the sender re-executes its Send on a now empty slot: a Send there does nothing */
    KT_TRUE(s->done);
    seL4_Word badge = 9;
    seL4_NBRecv(fep, &badge, reply);
    KT_EQ(badge, 0); /* no fault */
}

KTEST(ipc_deleting_endpoint_restarts_blocked_receiver)
{
    KT_CAP(ep, new_ep());
    KT_CAP(fep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(reply2, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_with_fault_ep(r, recv_once, fep, ep, reply2));
    KT_TRUE(r->started && !r->done);
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    /* its Recv runs again and finds no endpoint: a cap fault in the receive phase */
    fault_expect(fep, reply, ep, 1);
    KT_TRUE(!r->done);
}

KTEST(ipc_deleting_endpoint_releases_all_queued_threads)
{
    KT_CAP(ep, new_ep());
    for (int i = 0; i < 3; i++) {
        kt_thread_t *s = &kt_threads[i];
        KT_DO(kt_thread_new(s, send_once, HI));
        s->arg[0] = ep;
        KT_DO(kt_thread_start(s));
    }
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    for (int i = 0; i < 3; i++) {
        KT_TRUE(kt_wait_done(&kt_threads[i], 5));
    }
}

/* In its own space: slot 2 = endpoint (badged by the root), slot 3 = reply object. */
static void space_client(kt_thread_t *t)
{
    seL4_SetMR(0, 0x600);
    seL4_MessageInfo_t info = seL4_Call(2, msg(0x601, 1));
    record(t, 0, info);
}

KTEST(ipc_call_between_address_spaces_with_badge)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_space_t sp;
    KT_DO(kt_space_new(&sp));
    KT_DO(kt_space_give(&sp, 2, ep, seL4_AllRights, 0xc0ffee));
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_space_thread_new(&sp, c, space_client, HI));
    KT_DO(kt_thread_start(c));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0xc0ffee);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x601);
    KT_EQ(seL4_GetMR(0), 0x600);
    seL4_SetMR(0, 0x602);
    seL4_Send(reply, msg(0x603, 1));
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x603);
    KT_EQ(c->result[2], 0x602);
}

static seL4_Word space_long[seL4_MsgMaxLength];

static void space_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(2, &badge, 3);
    t->result[0] = badge;
    t->result[1] = info.words[0];
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        space_long[i] = seL4_GetMR(i);
    }
    for (int i = 0; i < 8; i++) {
        seL4_SetMR(i, 0x700 + i);
    }
    seL4_Send(3, msg(0x701, 8));
}

KTEST(ipc_long_call_to_server_in_other_space)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x5e));
    kt_space_t sp;
    KT_DO(kt_space_new(&sp));
    KT_DO(kt_space_give(&sp, 2, ep, seL4_AllRights, 0));
    KT_DO(kt_space_give(&sp, 3, reply, seL4_AllRights, 0));
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_space_thread_new(&sp, s, space_server, HI));
    KT_DO(kt_thread_start(s));
    for (int i = 0; i < 50; i++) {
        seL4_SetMR(i, 0x800 + i);
    }
    seL4_MessageInfo_t info = seL4_Call(badged, msg(0x802, 50));
    KT_TRUE(s->done);
    KT_EQ(s->result[0], 0x5e);
    KT_EQ(length_of(s->result[1]), 50);
    for (int i = 0; i < 50; i++) {
        KT_EQ(space_long[i], 0x800 + i);
    }
    KT_EQ(seL4_MessageInfo_get_label(info), 0x701);
    KT_EQ(seL4_MessageInfo_get_length(info), 8);
    for (int i = 0; i < 8; i++) {
        KT_EQ(seL4_GetMR(i), 0x700 + i);
    }
}

KTEST(ipc_cancel_badged_sends_releases_only_that_badge)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(b5, kt_mint(ep, seL4_AllRights, 5));
    KT_CAP(b5_again, kt_mint(ep, seL4_AllRights, 5));
    KT_CAP(b6, kt_mint(ep, seL4_AllRights, 6));
    kt_thread_t *s5 = &kt_threads[0], *s6 = &kt_threads[1];
    KT_DO(kt_thread_new(s5, send_once, HI));
    s5->arg[0] = b5;
    KT_DO(kt_thread_start(s5));
    KT_DO(kt_thread_new(s6, send_once, HI));
    s6->arg[0] = b6;
    KT_DO(kt_thread_start(s6));
    KT_OK(seL4_CNode_Delete(KT_ROOT, b5, KT_DEPTH)); /* not the last cap: nothing cancelled */
    KT_TRUE(!s5->done);
    KT_OK(seL4_CNode_CancelBadgedSends(KT_ROOT, b5_again, KT_DEPTH));
    /* s5 re-ran its Send on the now empty slot (a no-op) and finished; s6 still waits */
    KT_TRUE(s5->done);
    KT_TRUE(!s6->done);
    seL4_Word badge = 0;
    seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 6);
    KT_TRUE(s6->done);
}

/* seL4's own libsel4 passes the NBSendWait destination in a6 and leaves t0 = 0. */
static void nbsendwait_sel4_registers(kt_thread_t *t)
{
    lark_syscall_regs_t r = {.a0 = t->arg[1], .info = msg(0x82, 1).words[0], .mr = {0xd2},
                             .reply = t->arg[0], .dest = 0};
    lark_syscall(seL4_SysNBSendWait, &r);
    t->result[1] = r.info;
}

KTEST(ipc_nbsendwait_destination_in_a6_as_sel4)
{
    KT_CAP(dest, new_ep());
    KT_CAP(src, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, dest, reply));
    kt_thread_t *t = &kt_threads[1];
    KT_DO(kt_thread_new(t, nbsendwait_sel4_registers, HI));
    t->arg[0] = dest;
    t->arg[1] = src;
    KT_DO(kt_thread_start(t));
    KT_TRUE(r->done);
    KT_EQ(label_of(r->result[1]), 0x82);
    KT_EQ(r->result[2], 0xd2);
    KT_TRUE(!t->done);
    seL4_Send(src, msg(0x96, 0));
    KT_TRUE(t->done);
    KT_EQ(label_of(t->result[1]), 0x96);
}

/* arg0 = endpoint: sends 10 words and a cap without a kernel-known IPC buffer. */
static void bufferless_sender(kt_thread_t *t)
{
    seL4_Word mr0 = 0xe0, mr1 = 0xe1, mr2 = 0xe2, mr3 = 0xe3;
    seL4_SetCap(0, t->arg[1]);
    seL4_SendWithMRs(t->arg[0], seL4_MessageInfo_new(0x58, 0, 1, 10), &mr0, &mr1, &mr2, &mr3);
}

KTEST(ipc_sender_without_ipc_buffer_sends_only_registers)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_thread_new(s, bufferless_sender, HI));
    KT_OK(seL4_TCB_SetIPCBuffer(s->tcb, 0, seL4_CapNull));
    s->arg[0] = ep;
    s->arg[1] = n;
    KT_DO(kt_thread_start(s));
    seL4_CPtr slot = kt_slot();
    seL4_SetCapReceivePath(KT_ROOT, slot, KT_DEPTH);
    seL4_SetMR(4, 0x1234);
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x58);
    KT_EQ(seL4_MessageInfo_get_length(info), 4);
    KT_EQ(seL4_MessageInfo_get_extraCaps(info), 0); /* no buffer: no caps either */
    KT_EQ(seL4_GetMR(3), 0xe3);
    KT_EQ(seL4_GetMR(4), 0x1234);
    KT_TRUE(kt_slot_empty(slot));
}

static void bufferless_receiver(kt_thread_t *t)
{
    seL4_Word badge = 0, mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0;
    seL4_MessageInfo_t info =
        seL4_RecvWithMRs(t->arg[0], &badge, &mr0, &mr1, &mr2, &mr3, t->arg[1]);
    t->result[0] = badge;
    t->result[1] = info.words[0];
    t->result[2] = mr0;
    t->result[5] = mr3;
}

KTEST(ipc_receiver_without_ipc_buffer_gets_only_registers)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    kt_thread_t *r = &kt_threads[0];
    KT_DO(kt_thread_new(r, bufferless_receiver, HI));
    KT_OK(seL4_TCB_SetIPCBuffer(r->tcb, 0, seL4_CapNull));
    r->arg[0] = ep;
    r->arg[1] = reply;
    KT_DO(kt_thread_start(r));
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 0xf0 + i);
    }
    seL4_SetCap(0, n);
    seL4_Send(ep, seL4_MessageInfo_new(0x59, 0, 1, 10));
    KT_TRUE(r->done);
    KT_EQ(label_of(r->result[1]), 0x59);
    KT_EQ(length_of(r->result[1]), 4);
    KT_EQ(seL4_MessageInfo_get_extraCaps((seL4_MessageInfo_t){{r->result[1]}}), 0);
    KT_EQ(r->result[2], 0xf0);
    KT_EQ(r->result[5], 0xf3);
}

KTEST(ipc_deleting_endpoint_restarts_blocked_caller_into_an_error)
{
    KT_CAP(ep, new_ep());
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x2f;
    KT_DO(kt_thread_start(c));
    KT_TRUE(c->started && !c->done);
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    /* its Call runs again on an empty slot and the kernel answers it */
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), seL4_InvalidCapability);
    KT_EQ(c->result[2], 0); /* MR0: the invoked cap */
}

/* arg0 = endpoint, arg1 = reply: two Recvs, badges in result[0] and result[2]. */
static void recv_twice(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = badge;
    t->counter = 1;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[2] = badge;
    t->result[3] = info.words[0];
}

KTEST(ipc_recv_takes_pending_bound_notification_before_a_sender)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(signal, kt_mint(ntfn, seL4_AllRights, 0x8));
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x9));
    kt_thread_t *s = &kt_threads[0], *r = &kt_threads[1];
    KT_DO(kt_thread_new(s, send_once, HI));
    s->arg[0] = badged;
    s->arg[2] = 0x4a;
    KT_DO(kt_thread_start(s)); /* blocked sending */
    KT_DO(kt_thread_new(r, recv_twice, KT_PRIO));
    r->arg[0] = ep;
    r->arg[1] = reply;
    KT_OK(seL4_TCB_BindNotification(r->tcb, ntfn));
    seL4_Signal(signal);
    KT_DO(kt_thread_start(r));
    KT_TRUE(kt_wait_done(r, 5));
    KT_EQ(r->result[0], 0x8);  /* the pending signal first */
    KT_EQ(r->result[2], 0x9);  /* then the waiting sender */
    KT_EQ(label_of(r->result[3]), 0x4a);
    KT_TRUE(s->done);
}
