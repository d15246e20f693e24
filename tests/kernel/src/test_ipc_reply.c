/* MCS reply objects: a Call blocks the caller on the reply object the receiver gave to Recv,
 * a Send on the reply cap (or ReplyRecv) answers it once, the Grant/GrantReply rules, and
 * what cancels a caller or a receiver (reusing or deleting the reply object, suspending or
 * deleting a thread). */
#include "ipc_helpers.h"

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
