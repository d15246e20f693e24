/* Endpoint IPC through every endpoint syscall (Send, NBSend, Call, Recv, NBRecv, ReplyRecv,
 * NBSendRecv, NBSendWait): queue order, message registers, badges, reply objects, endpoint
 * deletion and passive servers running on the caller's scheduling context (seL4 MCS).
 * Helpers run at KT_PRIO + 1 unless said otherwise, so a helper that is woken runs at once
 * and has finished its step when the root task's syscall returns. */
#include "kt.h"

#define HI (KT_PRIO + 1)

static seL4_CPtr new_ep(void) { return kt_alloc(seL4_EndpointObject, 0); }
static seL4_CPtr new_reply(void) { return kt_alloc(seL4_ReplyObject, 0); }

static seL4_MessageInfo_t msg(seL4_Word label, seL4_Word length)
{
    return seL4_MessageInfo_new(label, 0, 0, length);
}

/* What a helper saw on its receive: badge, info word, MR0..MR3. */
static void record(kt_thread_t *t, seL4_Word badge, seL4_MessageInfo_t info)
{
    t->result[0] = badge;
    t->result[1] = info.words[0];
    for (int i = 0; i < 4; i++) {
        t->result[2 + i] = seL4_GetMR(i);
    }
}

static seL4_Word label_of(seL4_Word info) { return seL4_MessageInfo_get_label((seL4_MessageInfo_t){{info}}); }
static seL4_Word length_of(seL4_Word info) { return seL4_MessageInfo_get_length((seL4_MessageInfo_t){{info}}); }

/* arg0 = endpoint, arg1 = reply object: one Recv, recorded. */
static void recv_once(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    record(t, badge, info);
}

/* arg0 = endpoint, arg2 = label, arg3 = MR0: one Send. */
static void send_once(kt_thread_t *t)
{
    seL4_SetMR(0, t->arg[3]);
    seL4_Send(t->arg[0], msg(t->arg[2], 1));
}

/* arg0 = endpoint, arg2 = label, arg3 = MR0: one Call, the reply recorded. */
static void call_once(kt_thread_t *t)
{
    seL4_SetMR(0, t->arg[3]);
    seL4_MessageInfo_t info = seL4_Call(t->arg[0], msg(t->arg[2], 1));
    record(t, 0, info);
}

/* arg0 = endpoint, arg1 = reply: answers every request with label+1 and MR0 * 2, counting. */
static void echo_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        record(t, badge, info);
        seL4_SetMR(0, seL4_GetMR(0) * 2);
        info = seL4_ReplyRecv(t->arg[0], msg(seL4_MessageInfo_get_label(info) + 1, 1), &badge,
                              t->arg[1]);
    }
}

static int start_helper(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio, seL4_Word a0,
                        seL4_Word a1)
{
    if (kt_thread_new(t, fn, prio) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    t->arg[1] = a1;
    return kt_thread_start(t);
}

/* ---- Send / Recv basics */

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

/* ---- Call and reply objects */

KTEST(ipc_call_blocks_until_reply)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x77));
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = badged;
    c->arg[2] = 0x40;
    c->arg[3] = 21;
    KT_DO(kt_thread_start(c));
    KT_TRUE(c->started && !c->done);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0x77);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x40);
    KT_EQ(seL4_GetMR(0), 21);
    KT_TRUE(!c->done); /* waiting on the reply object now */
    seL4_SetMR(0, 42);
    seL4_SetMR(1, 43);
    seL4_Send(reply, msg(0x41, 2));
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x41);
    KT_EQ(length_of(c->result[1]), 2);
    KT_EQ(c->result[2], 42);
    KT_EQ(c->result[3], 43);
}

KTEST(ipc_call_to_server_with_reply_recv)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(start_helper(srv, echo_server, HI, ep, reply));
    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_SetMR(0, i * 10);
        seL4_MessageInfo_t info = seL4_Call(ep, msg(0x50 + i, 1));
        KT_EQ(seL4_MessageInfo_get_label(info), 0x51 + i);
        KT_EQ(seL4_MessageInfo_get_length(info), 1);
        KT_EQ(seL4_GetMR(0), i * 20);
        KT_EQ(srv->counter, i);
        KT_EQ(label_of(srv->result[1]), 0x50 + i);
    }
}

KTEST(ipc_reply_badge_is_zero)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x99));
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(start_helper(srv, echo_server, HI, ep, reply));
    seL4_SetMR(0, 1);
    seL4_Word mr0 = 1, mr1 = 0, mr2 = 0, mr3 = 0;
    (void)seL4_CallWithMRs(badged, msg(3, 1), &mr0, &mr1, &mr2, &mr3);
    KT_EQ(mr0, 2);
    KT_EQ(srv->result[0], 0x99);
    /* the badge register of the caller: read it through a raw Call */
    lark_syscall_regs_t regs = {.a0 = badged, .info = msg(3, 1).words[0], .mr = {5}};
    lark_syscall(seL4_SysCall, &regs);
    KT_EQ(regs.a0, 0);
    KT_EQ(regs.mr[0], 10);
}

/* arg0 = endpoint, arg1 = reply: replies twice to one call, counting in counter. */
static void double_replier(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    seL4_SetMR(0, 1);
    seL4_Send(t->arg[1], msg(0x61, 1));
    t->counter = 1;
    seL4_SetMR(0, 2);
    seL4_Send(t->arg[1], msg(0x62, 1));
    t->counter = 2;
}

KTEST(ipc_second_reply_does_nothing)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0];
    /* lower priority: both replies happen before the root task runs again */
    KT_DO(start_helper(srv, double_replier, KT_PRIO, ep, reply));
    seL4_SetMR(0, 0);
    seL4_MessageInfo_t info = seL4_Call(ep, msg(0x60, 1));
    KT_EQ(seL4_MessageInfo_get_label(info), 0x61);
    KT_EQ(seL4_GetMR(0), 1);
    KT_TRUE(kt_wait_done(srv, 10));
    KT_EQ(srv->counter, 2);
    /* a fresh receive with the same reply object still works */
    seL4_Word badge = 7;
    seL4_NBRecv(ep, &badge, reply);
    KT_EQ(badge, 0);
}

KTEST(ipc_reply_cap_without_caller_does_nothing)
{
    KT_CAP(reply, new_reply());
    seL4_SetMR(0, 0x5a);
    seL4_Send(reply, msg(1, 1));
    seL4_NBSend(reply, msg(1, 1));
    KT_EQ(seL4_GetMR(0), 0x5a);
}

KTEST(ipc_call_without_grant_rights_leaves_caller_inactive)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(write_only, kt_mint(ep, seL4_CanWrite, 0x3));
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = write_only;
    c->arg[2] = 0x20;
    c->arg[3] = 5;
    KT_DO(kt_thread_start(c));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 3);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x20); /* the message still arrives */
    seL4_Send(reply, msg(0x21, 0));             /* but nobody waits on the reply */
    KT_TRUE(!kt_wait_done(c, 5));
    KT_EQ(c->result[1], 0);
}

KTEST(ipc_call_with_grant_reply_only_gets_reply)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(gr, kt_mint(ep, seL4_CapRights_new(1, 0, 0, 1), 0x4));
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = gr;
    c->arg[2] = 0x22;
    c->arg[3] = 6;
    KT_DO(kt_thread_start(c));
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 4);
    seL4_Send(reply, msg(0x23, 0));
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x23);
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

/* A helper whose fault handler is the root task: arg0/arg1 as the function wants. */
static int start_with_fault_ep(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_CPtr fault_ep,
                               seL4_Word a0, seL4_Word a1)
{
    if (kt_thread_new(t, fn, HI) != 0 || kt_thread_set_fault_ep(t, fault_ep, HI) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    t->arg[1] = a1;
    return kt_thread_start(t);
}

static void wait_once(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Wait(t->arg[0], &badge);
    record(t, badge, info);
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

/* ---- NBSendRecv / NBSendWait (destination in t0) */

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

/* ---- cancelling: deleted endpoints and reply objects */

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

KTEST(ipc_deleting_reply_object_leaves_caller_inactive)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x24;
    KT_DO(kt_thread_start(c));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    KT_OK(seL4_CNode_Delete(KT_ROOT, reply, KT_DEPTH));
    KT_TRUE(!kt_wait_done(c, 5)); /* inactive: its Call never returns */
    /* Resume restarts the Call: it arrives again */
    KT_OK(seL4_TCB_Resume(c->tcb));
    KT_CAP(reply2, new_reply());
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply2);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x24);
    seL4_Send(reply2, msg(0x25, 0));
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x25);
}

KTEST(ipc_reusing_reply_object_cancels_old_caller)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *c1 = &kt_threads[0], *c2 = &kt_threads[1];
    KT_DO(kt_thread_new(c1, call_once, HI));
    c1->arg[0] = ep;
    c1->arg[2] = 0x26;
    KT_DO(kt_thread_start(c1));
    KT_DO(kt_thread_new(c2, call_once, HI));
    c2->arg[0] = ep;
    c2->arg[2] = 0x27;
    KT_DO(kt_thread_start(c2));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x26);
    /* receiving again with the same reply object drops the first caller's reply */
    info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x27);
    seL4_Send(reply, msg(0x28, 0));
    KT_TRUE(c2->done);
    KT_EQ(label_of(c2->result[1]), 0x28);
    KT_TRUE(!kt_wait_done(c1, 5));
}

KTEST(ipc_deleting_server_then_reply_releases_caller)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(kt_thread_new(srv, recv_once, HI + 1));
    srv->arg[0] = ep;
    srv->arg[1] = reply;
    KT_DO(kt_thread_start(srv));
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x29;
    KT_DO(kt_thread_start(c));
    KT_TRUE(srv->done);
    KT_EQ(label_of(srv->result[1]), 0x29);
    KT_OK(seL4_CNode_Delete(KT_ROOT, srv->tcb, KT_DEPTH));
    KT_TRUE(!kt_wait_done(c, 3)); /* the reply object still holds it */
    KT_OK(seL4_CNode_Delete(KT_ROOT, reply, KT_DEPTH));
    KT_TRUE(!kt_wait_done(c, 3));
    KT_OK(seL4_TCB_Resume(c->tcb));
    KT_CAP(reply2, new_reply());
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply2);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x29);
}

KTEST(ipc_suspending_caller_cancels_its_call)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x2a;
    KT_DO(kt_thread_start(c));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    KT_OK(seL4_TCB_Suspend(c->tcb));
    seL4_Send(reply, msg(0x2b, 0)); /* nobody waits any more */
    KT_TRUE(!c->done);
    KT_EQ(c->result[1], 0);
}

/* ---- IPC between address spaces */

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

/* ---- passive servers (MCS scheduling-context donation) */

/* arg0 = endpoint, arg1 = reply, arg2 = a spare SC: the server checks it runs on a borrowed
 * SC (binding another one fails while it holds one) and answers with ReplyRecv. */
static void passive_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        t->result[0] = badge;
        t->result[1] = seL4_SchedContext_Bind(t->arg[2], t->self);
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        info = seL4_ReplyRecv(t->arg[0], msg(seL4_MessageInfo_get_label(info), 1), &badge, t->arg[1]);
    }
}

/* A server that reached its Recv and then lost its SC. */
static int make_passive_server(kt_thread_t *srv, seL4_CPtr ep, seL4_CPtr reply, seL4_CPtr spare)
{
    if (kt_thread_new(srv, passive_server, HI) != 0) {
        return -1;
    }
    srv->arg[0] = ep;
    srv->arg[1] = reply;
    srv->arg[2] = spare;
    if (kt_thread_start(srv) != 0) {
        return -1;
    }
    if (!srv->started) {
        kt_fail(__FILE__, __LINE__, "the server did not reach its Recv");
        return -1;
    }
    seL4_Error err = seL4_SchedContext_Unbind(srv->sc);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "SchedContext_Unbind: %s", kt_err_name(err));
        return -1;
    }
    return 0;
}

static seL4_CPtr spare_sc(void)
{
    seL4_CPtr sc = kt_alloc(seL4_SchedContextObject, 8);
    if (sc != 0 && seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0) != 0) {
        return 0;
    }
    return sc;
}

KTEST(ipc_passive_server_runs_on_callers_sc)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(spare, spare_sc());
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(make_passive_server(srv, ep, reply, spare));
    seL4_SetMR(0, 10);
    seL4_MessageInfo_t info = seL4_Call(ep, msg(0x10, 1));
    KT_EQ(seL4_MessageInfo_get_label(info), 0x10);
    KT_EQ(seL4_GetMR(0), 11);
    KT_EQ(srv->counter, 1);
    KT_EQ(srv->result[1], seL4_IllegalOperation); /* it held the root task's SC */
    /* the reply gave the SC back: the server is passive again and can take another */
    KT_OK(seL4_SchedContext_Bind(spare, srv->tcb));
    KT_OK(seL4_SchedContext_Unbind(spare));
}

KTEST(ipc_passive_server_serves_several_calls)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(spare, spare_sc());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x33));
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(make_passive_server(srv, ep, reply, spare));
    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_SetMR(0, i);
        seL4_Call(badged, msg(0x11, 1));
        KT_EQ(seL4_GetMR(0), i + 1);
        KT_EQ(srv->counter, i);
        KT_EQ(srv->result[0], 0x33);
    }
}

KTEST(ipc_passive_server_does_not_run_without_a_call)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, wait_once, HI));
    KT_DO(kt_thread_start(t));
    for (int i = 0; i < 5; i++) {
        seL4_Yield();
    }
    KT_TRUE(!t->started);
}

KTEST(ipc_passive_server_woken_by_send_cannot_run)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(spare, spare_sc());
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(make_passive_server(srv, ep, reply, spare));
    seL4_SetMR(0, 1);
    seL4_Send(ep, msg(0x12, 1)); /* a Send donates nothing */
    for (int i = 0; i < 5; i++) {
        seL4_Yield();
    }
    KT_EQ(srv->counter, 0);
    /* given an SC it runs and sees the message */
    KT_OK(seL4_SchedContext_Bind(spare, srv->tcb));
    KT_EQ(srv->counter, 1);
    KT_EQ(srv->result[1], seL4_IllegalOperation);
}

/* arg0 = server endpoint, arg1 = own endpoint, arg2 = reply: NBSendRecv to the passive server
 * (donating the SC), then wait on arg1 for it to come back. */
static void donating_client(kt_thread_t *t)
{
    seL4_SetMR(0, 0x44);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBSendRecv(t->arg[0], msg(0x45, 1), t->arg[1], &badge, t->arg[2]);
    record(t, badge, info);
}

/* arg0 = endpoint, arg1 = reply, arg2 = client's endpoint: gets the SC by NBSendRecv and
 * hands it back the same way. */
static void nb_passive_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->counter++;
    t->result[1] = info.words[0];
    t->result[2] = seL4_GetMR(0);
    seL4_SetMR(0, 0x46);
    seL4_NBSendRecv(t->arg[2], msg(0x47, 1), t->arg[0], &badge, t->arg[1]);
    t->counter++;
}

KTEST(ipc_nbsendrecv_donates_sc_to_passive_server)
{
    KT_CAP(ep, new_ep());
    KT_CAP(client_ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(reply2, new_reply());
    kt_thread_t *srv = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(kt_thread_new(srv, nb_passive_server, HI));
    srv->arg[0] = ep;
    srv->arg[1] = reply;
    srv->arg[2] = client_ep;
    KT_DO(kt_thread_start(srv));
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    KT_DO(kt_thread_new(c, donating_client, HI));
    c->arg[0] = ep;
    c->arg[1] = client_ep;
    c->arg[2] = reply2;
    KT_DO(kt_thread_start(c));
    /* the client's SC went to the server, which ran, sent back (donating it) and waits */
    KT_EQ(srv->counter, 1);
    KT_EQ(label_of(srv->result[1]), 0x45);
    KT_EQ(srv->result[2], 0x44);
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x47);
    KT_EQ(c->result[2], 0x46);
}

/* arg0 = endpoint, arg1 = reply, arg2 = notification: takes one call, then blocks elsewhere
 * still holding the caller's SC. */
static void recv_then_wait(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    record(t, badge, info);
    t->counter++;
    seL4_Wait(t->arg[2], &badge);
    t->counter++;
}

KTEST(ipc_deleting_reply_gives_donated_sc_back_to_caller)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    kt_thread_t *srv = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(kt_thread_new(srv, recv_then_wait, HI));
    srv->arg[0] = ep;
    srv->arg[1] = reply;
    srv->arg[2] = ntfn;
    KT_DO(kt_thread_start(srv));
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x2c;
    KT_DO(kt_thread_start(c));
    KT_EQ(srv->counter, 1); /* ran on the caller's SC, now waits holding it */
    KT_EQ(label_of(srv->result[1]), 0x2c);
    KT_OK(seL4_CNode_Delete(KT_ROOT, reply, KT_DEPTH));
    KT_TRUE(!kt_wait_done(c, 3)); /* inactive */
    /* the SC went back to the caller: resumed, it runs and calls again */
    KT_OK(seL4_TCB_Resume(c->tcb));
    KT_CAP(reply2, new_reply());
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply2);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x2c);
    /* and the server, without an SC, does not run when signalled */
    seL4_Signal(ntfn);
    for (int i = 0; i < 3; i++) {
        seL4_Yield();
    }
    KT_EQ(srv->counter, 1);
}

KTEST(ipc_deleting_reply_object_cancels_receive_that_offered_it)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    KT_OK(seL4_CNode_Delete(KT_ROOT, reply, KT_DEPTH));
    /* seL4 cancels that receive: the thread is inactive, a message finds nobody */
    seL4_NBSend(ep, msg(0x13, 0));
    KT_TRUE(!kt_wait_done(r, 3));
}

KTEST(ipc_reply_object_offered_twice_cancels_first_receiver)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(start_helper(a, recv_once, HI, ep, reply));
    KT_DO(start_helper(b, recv_once, HI, ep, reply));
    seL4_Send(ep, msg(0x14, 0));
    KT_TRUE(b->done); /* a lost its receive when b offered the same reply object */
    KT_TRUE(!a->done);
    seL4_NBSend(ep, msg(0x15, 0));
    KT_TRUE(!kt_wait_done(a, 3));
}

KTEST(ipc_deleting_blocked_receiver_frees_its_reply_object)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(start_helper(r, recv_once, HI, ep, reply));
    KT_OK(seL4_CNode_Delete(KT_ROOT, r->tcb, KT_DEPTH));
    /* the reply object serves a new server and its caller */
    kt_thread_t *srv = &kt_threads[1];
    KT_DO(start_helper(srv, echo_server, HI, ep, reply));
    seL4_SetMR(0, 4);
    seL4_MessageInfo_t info = seL4_Call(ep, msg(0x16, 1));
    KT_EQ(seL4_MessageInfo_get_label(info), 0x17);
    KT_EQ(seL4_GetMR(0), 8);
}

KTEST(ipc_reply_to_deleted_caller_does_nothing)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x18;
    KT_DO(kt_thread_start(c));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    KT_OK(seL4_CNode_Delete(KT_ROOT, c->tcb, KT_DEPTH));
    seL4_Send(reply, msg(0x19, 0));
    /* and the reply object is free for the next call */
    kt_thread_t *c2 = &kt_threads[1];
    KT_DO(kt_thread_new(c2, call_once, HI));
    c2->arg[0] = ep;
    c2->arg[2] = 0x1a;
    KT_DO(kt_thread_start(c2));
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x1a);
    seL4_Send(reply, msg(0x1b, 0));
    KT_TRUE(c2->done);
    KT_EQ(label_of(c2->result[1]), 0x1b);
}

/* arg0 = own endpoint, arg1 = own reply, arg2 = next server's endpoint: a passive middle
 * server that forwards each call and reports whether it holds an SC afterwards. */
static void forwarding_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        seL4_SetMR(0, seL4_GetMR(0) + 100);
        seL4_Call(t->arg[2], msg(seL4_MessageInfo_get_label(info), 1));
        /* the inner server's reply gave the SC back to us, not to our caller */
        t->result[1] = seL4_SchedContext_Bind(t->arg[3], t->self);
        seL4_SetMR(0, seL4_GetMR(0) + 1000);
        info = seL4_ReplyRecv(t->arg[0], msg(0x55, 1), &badge, t->arg[1]);
    }
}

KTEST(ipc_passive_call_chain_returns_sc_hop_by_hop)
{
    KT_CAP(ep_a, new_ep());
    KT_CAP(ep_b, new_ep());
    KT_CAP(reply_a, new_reply());
    KT_CAP(reply_b, new_reply());
    KT_CAP(spare, spare_sc());
    kt_thread_t *b = &kt_threads[0], *a = &kt_threads[1];
    KT_DO(make_passive_server(b, ep_b, reply_b, spare));
    KT_DO(kt_thread_new(a, forwarding_server, HI));
    a->arg[0] = ep_a;
    a->arg[1] = reply_a;
    a->arg[2] = ep_b;
    a->arg[3] = spare;
    KT_DO(kt_thread_start(a));
    KT_OK(seL4_SchedContext_Unbind(a->sc));
    for (seL4_Word i = 1; i <= 2; i++) {
        seL4_SetMR(0, i);
        seL4_MessageInfo_t info = seL4_Call(ep_a, msg(0x54, 1));
        KT_EQ(seL4_MessageInfo_get_label(info), 0x55);
        KT_EQ(seL4_GetMR(0), i + 100 + 1 + 1000); /* a adds 100, b 1, a 1000 */
        KT_EQ(a->counter, i);
        KT_EQ(b->counter, i);
        KT_EQ(b->result[1], seL4_IllegalOperation); /* b ran on the root task's SC */
        KT_EQ(a->result[1], seL4_IllegalOperation); /* and so did a, after b replied */
    }
    /* both are passive again */
    KT_OK(seL4_SchedContext_Bind(spare, a->tcb));
    KT_OK(seL4_SchedContext_Unbind(spare));
    KT_OK(seL4_SchedContext_Bind(spare, b->tcb));
    KT_OK(seL4_SchedContext_Unbind(spare));
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

KTEST(ipc_fault_is_answered_through_reply_object)
{
    KT_CAP(ep, new_ep());
    KT_CAP(fep, new_ep());
    KT_CAP(reply, new_reply());
    seL4_CPtr hole = kt_slot();
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_with_fault_ep(t, wait_once, fep, hole, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(fep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_GetMR(seL4_CapFault_Addr), hole);
    KT_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
    /* fix the cause, then answer: the thread re-executes its Wait */
    KT_OK(seL4_CNode_Copy(KT_ROOT, hole, KT_DEPTH, KT_ROOT, ep, KT_DEPTH, seL4_AllRights));
    seL4_Send(reply, msg(0, 0));
    KT_TRUE(t->started && !t->done);
    seL4_Send(ep, msg(0x1c, 0));
    KT_TRUE(t->done);
    KT_EQ(label_of(t->result[1]), 0x1c);
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

#define CALL_BADGE 0x1000

/* arg0 = endpoint (bound notification signals arrive through it), arg1 = reply, arg2 = spare
 * SC: counts what it gets, notes whether it holds an SC, answers calls. */
static void bound_passive_server(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_Recv(t->arg[0], &badge, t->arg[1]);
        t->counter++;
        t->result[0] = badge;
        t->result[1] = seL4_SchedContext_Bind(t->arg[2], t->self);
        if (badge == CALL_BADGE) {
            seL4_Send(t->arg[1], msg(0x56, 0));
        }
    }
}

KTEST(ipc_passive_server_with_bound_notification_takes_both)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(spare, spare_sc());
    KT_CAP(ntfn_sc, spare_sc());
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(signal, kt_mint(ntfn, seL4_AllRights, 0x1));
    KT_CAP(call, kt_mint(ep, seL4_AllRights, CALL_BADGE));
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(kt_thread_new(srv, bound_passive_server, HI));
    srv->arg[0] = ep;
    srv->arg[1] = reply;
    srv->arg[2] = spare;
    KT_OK(seL4_TCB_BindNotification(srv->tcb, ntfn));
    KT_OK(seL4_SchedContext_Bind(ntfn_sc, ntfn));
    KT_DO(kt_thread_start(srv));
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    /* a signal runs it on the notification's SC, which it returns when it waits again */
    seL4_Signal(signal);
    KT_EQ(srv->counter, 1);
    KT_EQ(srv->result[0], 0x1);
    KT_EQ(srv->result[1], seL4_IllegalOperation);
    /* so a call can donate the caller's SC */
    seL4_MessageInfo_t info = seL4_Call(call, msg(0x57, 0));
    KT_EQ(seL4_MessageInfo_get_label(info), 0x56);
    KT_EQ(srv->counter, 2);
    KT_EQ(srv->result[0], CALL_BADGE);
    KT_EQ(srv->result[1], seL4_IllegalOperation);
    KT_OK(seL4_SchedContext_Bind(spare, srv->tcb)); /* passive again */
    KT_OK(seL4_SchedContext_Unbind(spare));
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

KTEST(ipc_call_with_grant_only_gets_reply)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(g, kt_mint(ep, seL4_CapRights_new(0, 1, 0, 1), 0x6));
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = g;
    c->arg[2] = 0x2d;
    KT_DO(kt_thread_start(c));
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 6);
    seL4_Send(reply, msg(0x2e, 0));
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x2e);
}

KTEST(ipc_call_to_lower_priority_server)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(start_helper(srv, echo_server, KT_PRIO - 1, ep, reply));
    KT_TRUE(!srv->started); /* it has not run yet */
    for (seL4_Word i = 1; i <= 2; i++) {
        seL4_SetMR(0, i);
        seL4_MessageInfo_t info = seL4_Call(ep, msg(0x70, 1));
        KT_EQ(seL4_MessageInfo_get_label(info), 0x71);
        KT_EQ(seL4_GetMR(0), 2 * i);
        KT_EQ(srv->counter, i);
    }
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

/* arg0 = endpoint, arg1 = reply: takes a call and computes forever. */
static void spinning_server(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
    }
}

KTEST(ipc_reply_to_caller_without_budget_raises_timeout_fault)
{
    KT_CAP(ep, new_ep());
    KT_CAP(tep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(reply2, new_reply());
    kt_thread_t *srv = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(start_helper(srv, spinning_server, HI, ep, reply));
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    KT_DO(kt_thread_new(c, call_once, HI));
    /* 1 ms every 100 ms, badge 0x7e, and a timeout handler */
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), c->sc, 1000, 100000, 0, 0x7e, 0));
    KT_OK(seL4_TCB_SetTimeoutEndpoint(c->tcb, tep));
    c->arg[0] = ep;
    c->arg[2] = 0x3a;
    KT_DO(kt_thread_start(c));
    /* the root task runs again only once the server has used up the caller's budget */
    KT_NE(srv->counter, 0);
    KT_TRUE(!c->done);
    seL4_Send(reply, msg(0x3b, 0));
    /* the SC went back to the caller with no budget left: a timeout fault, as seL4 */
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(tep, &badge, reply2);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_EQ(seL4_MessageInfo_get_length(info), seL4_Timeout_Length);
    KT_EQ(seL4_GetMR(seL4_Timeout_Data), 0x7e);
    KT_TRUE(!c->done);
}

KTEST(ipc_reply_to_caller_without_budget_or_handler_waits_for_refill)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(start_helper(srv, spinning_server, HI, ep, reply));
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    KT_DO(kt_thread_new(c, call_once, HI));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), c->sc, 1000, 10000, 0, 0x7f, 0));
    c->arg[0] = ep;
    c->arg[2] = 0x3c;
    KT_DO(kt_thread_start(c));
    KT_NE(srv->counter, 0);
    seL4_Send(reply, msg(0x3d, 0));
    KT_TRUE(!c->done); /* no budget until its next refill */
    for (int i = 0; i < 200000 && !c->done; i++) {
        seL4_Yield();
    }
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x3d);
}

KTEST(ipc_call_to_receiver_without_reply_object_leaves_caller_inactive)
{
    KT_CAP(ep, new_ep());
    kt_thread_t *w = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(start_helper(w, wait_once, HI, ep, 0));
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x3e;
    KT_DO(kt_thread_start(c));
    KT_TRUE(w->done);
    KT_EQ(label_of(w->result[1]), 0x3e); /* delivered to the Wait */
    KT_TRUE(!kt_wait_done(c, 3));        /* but there is nothing to reply through */
}

KTEST(ipc_reply_from_another_thread_takes_sc_back_from_suspended_server)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0], *c = &kt_threads[1];
    KT_DO(start_helper(srv, spinning_server, HI, ep, reply));
    KT_OK(seL4_SchedContext_Unbind(srv->sc));
    KT_DO(kt_thread_new(c, call_once, HI));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), c->sc, 1000, 10000, 0, 0, 0));
    c->arg[0] = ep;
    c->arg[2] = 0x3f;
    KT_DO(kt_thread_start(c)); /* the server spins on c's SC until its budget is gone */
    KT_OK(seL4_TCB_Suspend(srv->tcb));
    seL4_Send(reply, msg(0x40, 0));
    /* c got its SC back with the reply and finishes once it has budget again */
    KT_TRUE(kt_wait_done(c, 200000));
    KT_EQ(label_of(c->result[1]), 0x40);
}

KTEST(ipc_call_on_reply_cap_replies_and_returns_empty)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *c = &kt_threads[0];
    KT_DO(kt_thread_new(c, call_once, HI));
    c->arg[0] = ep;
    c->arg[2] = 0x41;
    KT_DO(kt_thread_start(c));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    seL4_SetMR(0, 0x43);
    lark_syscall_regs_t regs = {.a0 = reply, .info = msg(0x42, 1).words[0], .mr = {0x43}};
    lark_syscall(seL4_SysCall, &regs);
    KT_EQ(regs.info, 0); /* seL4's empty success reply to the replier */
    KT_EQ(regs.a0, 0);
    KT_TRUE(c->done);
    KT_EQ(label_of(c->result[1]), 0x42);
    KT_EQ(c->result[2], 0x43);
}
