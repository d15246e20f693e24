/* Passive servers (seL4 MCS scheduling-context donation): a server without an SC runs on the
 * caller's SC during a Call (or an NBSendRecv) and gives it back with the reply, along call
 * chains and with a bound notification; deleting the reply object returns the SC; a reply
 * that returns an SC without budget raises a timeout fault or waits for the refill. */
#include "ipc_helpers.h"

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
