/* The IPC fastpath's cases (kernel/src/kernel/fastpath.c): a short Call to a passive server
 * and its ReplyRecv must look exactly as the general path makes them (the same suite also runs
 * on a kernel without the fastpath), and each condition that rules the fast case out (a higher
 * priority thread ready, no Grant right) must give the slowpath's answer. */
#include "ipc_helpers.h"

static volatile seL4_Word fp_order[8];
static volatile seL4_Word fp_served;

/* arg0 = endpoint, arg1 = reply (cptrs as the thread names them): answers each request with
 * label + 1, the same length and every MR + 0x100, recording what it received. */
static void fp_echo_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        record(t, badge, info);
        seL4_Word len = seL4_MessageInfo_get_length(info);
        for (seL4_Word i = 0; i < len && i < 4; i++) {
            seL4_SetMR(i, seL4_GetMR(i) + 0x100);
        }
        info = seL4_ReplyRecv(t->arg[0], msg(seL4_MessageInfo_get_label(info) + 1, len), &badge,
                              t->arg[1]);
    }
}

/* arg0 = endpoint, arg1 = reply, arg2 = its number: notes the order in which it served. */
static void fp_numbered_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        fp_order[fp_served++ % 8] = t->arg[2];
        seL4_SetMR(0, t->arg[2]);
        seL4_ReplyRecv(t->arg[0], msg(0, 1), &badge, t->arg[1]);
    }
}

/* arg0 = endpoint, arg1 = reply, arg2 = a vaddr: answers each request with the word found
 * there in the VSpace it runs in. */
static void fp_peek_server(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        seL4_SetMR(0, *(volatile seL4_Word *)t->arg[2]);
        seL4_ReplyRecv(t->arg[0], msg(0, 1), &badge, t->arg[1]);
    }
}

/* arg0 = endpoint: calls it for ever, counting the answers. */
static void fp_call_forever(kt_thread_t *t)
{
    for (;;) {
        seL4_Call(t->arg[0], msg(0, 0));
        t->counter++;
    }
}

/* arg0 = the server thread whose counter it reads once it gets to run. */
static void fp_bystander(kt_thread_t *t)
{
    t->result[0] = ((kt_thread_t *)t->arg[0])->counter;
}

/* Started at HI so that it reaches its Recv, then without SC (passive). */
static int fp_make_passive(kt_thread_t *t)
{
    if (kt_thread_start(t) != 0 || !t->started) {
        kt_fail(__FILE__, __LINE__, "the server did not reach its Recv");
        return -1;
    }
    seL4_Error err = seL4_SchedContext_Unbind(t->sc);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "SchedContext_Unbind: %s", kt_err_name(err));
        return -1;
    }
    return 0;
}

/* t, in the root task's space at HI, echoes on ep with reply and has no SC of its own. */
static int fp_passive_echo_server(kt_thread_t *t, seL4_CPtr ep, seL4_CPtr reply)
{
    if (kt_thread_new(t, fp_echo_server, HI) != 0) {
        return -1;
    }
    t->arg[0] = ep;
    t->arg[1] = reply;
    return fp_make_passive(t);
}

/* s[0] and s[1] number themselves 0 and 1 and serve ep passively, at HI and HI + step. */
static int fp_two_numbered_servers(kt_thread_t *s[2], seL4_CPtr ep, seL4_Word step)
{
    fp_served = 0;
    for (int i = 0; i < 2; i++) {
        seL4_CPtr reply = new_reply();
        if (reply == 0 || kt_thread_new(s[i], fp_numbered_server, HI + step * (seL4_Word)i) != 0) {
            return -1;
        }
        s[i]->arg[0] = ep;
        s[i]->arg[1] = reply;
        s[i]->arg[2] = (seL4_Word)i;
        if (fp_make_passive(s[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

/* A space with a frame holding `marker` at v, the endpoint at 2 and the reply at 3, and t's
 * IPC buffer when t exists already. */
static int fp_space_with_marker(kt_space_t *sp, kt_thread_t *t, seL4_Word v, seL4_Word marker,
                                seL4_CPtr ep, seL4_CPtr reply)
{
    seL4_CPtr frame;
    volatile seL4_Word *page = kt_page_cap(&frame);
    if (!page || kt_space_new(sp) != 0)
        return -1;
    *page = marker;
    seL4_CPtr f = kt_copy(frame, seL4_AllRights);
    if (!f || kt_map(f, sp->vspace, v, seL4_ReadWrite, 0) != 0)
        return -1;
    if (t) {
        seL4_CPtr buf = kt_copy(t->ipc_frame, seL4_AllRights);
        if (!buf || kt_map(buf, sp->vspace, t->ipc_vaddr, seL4_ReadWrite, 0) != 0)
            return -1;
    }
    if (kt_space_give(sp, 2, ep, seL4_AllRights, 0) != 0 ||
        kt_space_give(sp, 3, reply, seL4_AllRights, 0) != 0)
        return -1;
    return 0;
}

static seL4_Error fp_move_to(kt_thread_t *t, kt_space_t *sp)
{
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - sp->cnode_bits).words[0];
    return seL4_TCB_SetSpace(t->tcb, 0, sp->cnode, guard, sp->vspace, 0);
}

/* The fastpath remembers a thread's VSpace answer: a new VSpace cap in its TCB, and a change
 * of the ASID table, must both be seen by the next Call. */
KTEST(fastpath_call_follows_the_server_into_another_vspace)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    seL4_Word v = kt_vaddr_pages(1);
    KT_TRUE(v != 0);
    kt_thread_t *srv = &kt_threads[0];
    kt_space_t a, b;
    KT_DO(fp_space_with_marker(&a, NULL, v, 0xaaaa, ep, reply));
    KT_DO(kt_space_thread_new(&a, srv, fp_peek_server, HI));
    srv->arg[0] = 2;
    srv->arg[1] = 3;
    srv->arg[2] = v;
    KT_DO(fp_make_passive(srv));
    for (int n = 0; n < 3; n++) {
        seL4_Call(ep, msg(0, 0));
        KT_EQ(seL4_GetMR(0), 0xaaaa);
    }
    /* b's ASID changes the ASID table; the server's VSpace cap changes with SetSpace */
    KT_DO(fp_space_with_marker(&b, srv, v, 0xbbbb, ep, reply));
    KT_OK(fp_move_to(srv, &b));
    for (int n = 0; n < 3; n++) {
        seL4_Call(ep, msg(0, 0));
        KT_EQ(seL4_GetMR(0), 0xbbbb);
    }
    /* and back: what was remembered of a is stale twice over, yet a is still valid */
    KT_OK(fp_move_to(srv, &a));
    for (int n = 0; n < 3; n++) {
        seL4_Call(ep, msg(0, 0));
        KT_EQ(seL4_GetMR(0), 0xaaaa);
    }
    KT_EQ(srv->counter, 9);
}

/* A caller above the root task that only makes fast Calls still runs out of budget: the root
 * task gets the CPU back once the caller's SC has used its 1 ms of every 10 ms, in the middle
 * of a stream of calls that the fastpath serves. */
KTEST(fastpath_calls_end_when_the_caller_runs_out_of_budget)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0], *client = &kt_threads[1];
    KT_DO(fp_passive_echo_server(srv, ep, reply));
    KT_DO(kt_thread_new(client, fp_call_forever, HI));
    client->arg[0] = ep;
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), client->sc, 1000, 10000, 0, 0, 0));
    KT_DO(kt_thread_start(client));
    /* back here: the client (above us) is out of budget, after many calls */
    seL4_Word calls = client->counter;
    KT_TRUE(calls > 10);
    /* the server answered each of them, and maybe one more whose answer is on its way */
    KT_TRUE(srv->counter == calls || srv->counter == calls + 1);
    KT_OK(seL4_TCB_Suspend(client->tcb));
}

/* MCS endpoint queues are in priority order: a ReplyRecv from a server above the one already
 * waiting puts it in front (the fastpath leaves this insertion to the slowpath). */
KTEST(fastpath_replyrecv_of_a_higher_server_queues_it_in_front)
{
    KT_CAP(ep, new_ep());
    kt_thread_t *s[2] = {&kt_threads[0], &kt_threads[1]};
    KT_DO(fp_two_numbered_servers(s, ep, 1));
    for (int n = 0; n < 4; n++) {
        seL4_Call(ep, msg(0, 0));
        KT_EQ(seL4_GetMR(0), 1);
    }
    KT_EQ(fp_served, 4);
    KT_EQ(s[0]->counter, 0);
    KT_EQ(s[1]->counter, 4);
}

KTEST(fastpath_call_without_grant_gives_no_reply_and_no_sc)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(spare, spare_sc());
    KT_CAP(write_only, kt_mint(ep, seL4_CapRights_new(0, 0, 0, 1), 0x21));
    kt_thread_t *srv = &kt_threads[0], *client = &kt_threads[1];
    KT_DO(fp_passive_echo_server(srv, ep, reply));
    KT_DO(kt_thread_new(client, call_once, HI));
    client->arg[0] = write_only;
    client->arg[2] = 0x22;
    client->arg[3] = 7;
    KT_DO(kt_thread_start(client));
    /* seL4 sendIPC: a Call without Grant or GrantReply pushes no reply and donates nothing:
     * the caller is inactive, the passive server has the message but cannot run */
    KT_TRUE(!kt_wait_done(client, 5));
    KT_EQ(srv->counter, 0);
    KT_OK(seL4_SchedContext_Bind(spare, srv->tcb));
    KT_EQ(srv->counter, 1);
    KT_EQ(srv->result[0], 0x21);
    KT_EQ(label_of(srv->result[1]), 0x22);
    KT_EQ(srv->result[2], 7);
    /* its ReplyRecv found no caller on the reply object: the client stays inactive */
    KT_TRUE(!kt_wait_done(client, 5));
}

KTEST(fastpath_call_lets_a_higher_priority_ready_thread_run_first)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *srv = &kt_threads[0], *by = &kt_threads[1];
    KT_DO(fp_passive_echo_server(srv, ep, reply));
    KT_OK(seL4_TCB_SetPriority(srv->tcb, seL4_CapInitThreadTCB, KT_PRIO - 20));
    /* ready below the root task, above the server */
    KT_DO(kt_thread_new(by, fp_bystander, KT_PRIO - 10));
    by->arg[0] = (seL4_Word)srv;
    KT_DO(kt_thread_start(by));
    KT_TRUE(!by->started);
    seL4_SetMR(0, 1);
    seL4_MessageInfo_t info = seL4_Call(ep, msg(0x30, 1));
    /* the server got the root task's SC, but the bystander was the highest ready thread */
    KT_TRUE(by->done);
    KT_EQ(by->result[0], 0);
    KT_EQ(srv->counter, 1);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x31);
    KT_EQ(seL4_GetMR(0), 0x101);
}

KTEST(fastpath_replyrecv_queues_the_server_behind_its_peers)
{
    KT_CAP(ep, new_ep());
    kt_thread_t *s[2] = {&kt_threads[0], &kt_threads[1]};
    KT_DO(fp_two_numbered_servers(s, ep, 0));
    /* FIFO among equal priorities: each server waits again behind the other */
    for (int n = 0; n < 4; n++) {
        seL4_Call(ep, msg(0, 0));
        KT_EQ(seL4_GetMR(0), (seL4_Word)(n % 2));
    }
    KT_EQ(fp_served, 4);
    KT_EQ(fp_order[0], 0);
    KT_EQ(fp_order[1], 1);
    KT_EQ(fp_order[2], 0);
    KT_EQ(fp_order[3], 1);
    KT_EQ(s[0]->counter, 2);
    KT_EQ(s[1]->counter, 2);
}

KTEST(fastpath_call_to_passive_server_in_other_space_round_trips)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(spare, spare_sc());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x5a5a));
    kt_space_t sp;
    KT_DO(kt_space_new(&sp));
    KT_DO(kt_space_give(&sp, 2, ep, seL4_AllRights, 0));
    KT_DO(kt_space_give(&sp, 3, reply, seL4_AllRights, 0));
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(kt_space_thread_new(&sp, srv, fp_echo_server, HI));
    srv->arg[0] = 2;
    srv->arg[1] = 3;
    KT_DO(fp_make_passive(srv));
    for (seL4_Word len = 0; len <= 4; len++) {
        for (seL4_Word i = 0; i < 4; i++) {
            seL4_SetMR(i, 0x10 * len + i);
        }
        seL4_MessageInfo_t info = seL4_Call(badged, msg(0x40 + len, len));
        KT_EQ(srv->counter, len + 1);
        KT_EQ(srv->result[0], 0x5a5a);
        KT_EQ(label_of(srv->result[1]), 0x40 + len);
        KT_EQ(length_of(srv->result[1]), len);
        KT_EQ(seL4_MessageInfo_get_label(info), 0x41 + len);
        KT_EQ(seL4_MessageInfo_get_length(info), len);
        KT_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
        for (seL4_Word i = 0; i < len; i++) {
            KT_EQ(srv->result[2 + i], 0x10 * len + i);
            KT_EQ(seL4_GetMR(i), 0x10 * len + i + 0x100);
        }
    }
    /* every reply gave the SC back: the server is passive again */
    KT_OK(seL4_SchedContext_Bind(spare, srv->tcb));
    KT_OK(seL4_SchedContext_Unbind(spare));
}

/* A stream of Calls of every length from 0 to 6 words (4 and less: the fastpath's case;
 * more: the slowpath), random labels, through four badged caps, to three passive servers
 * that take turns, whose priorities change now and then (slowpath entries that reorder the
 * endpoint queue and clear the fastpath's cached scheduler state): every answer is exactly
 * the echo, exactly one server saw each request, with its badge and label. The same stream
 * runs on the kernel without the fastpath. */
#define FP_STREAM_CALLS 3000
KTEST(fastpath_random_call_stream_is_answered_exactly)
{
    KT_CAP(ep, new_ep());
    kt_thread_t *srv[3];
    seL4_Word seen[3];
    for (int s = 0; s < 3; s++) {
        KT_CAP(reply, new_reply());
        srv[s] = &kt_threads[s];
        KT_DO(fp_passive_echo_server(srv[s], ep, reply));
        seen[s] = 0;
    }
    seL4_CPtr badged[4];
    for (int b = 0; b < 4; b++) {
        KT_CAP(c, kt_mint(ep, seL4_AllRights, 0x70 + (seL4_Word)b));
        badged[b] = c;
    }
    uint32_t seed = 0x5eed1234u;
    for (seL4_Word n = 0; n < FP_STREAM_CALLS; n++) {
        seed = seed * 1664525u + 1013904223u;
        seL4_Word len = (seed >> 8) % 7, label = (seed >> 12) & 0xfff, b = (seed >> 24) % 4;
        for (seL4_Word i = 0; i < len; i++) {
            seL4_SetMR((int)i, n * 16 + i);
        }
        seL4_MessageInfo_t info = seL4_Call(badged[b], msg(label, len));
        KT_EQ(seL4_MessageInfo_get_label(info), label + 1);
        KT_EQ(seL4_MessageInfo_get_length(info), len);
        for (seL4_Word i = 0; i < len; i++) {
            KT_MR((int)i, n * 16 + i + (i < 4 ? 0x100 : 0));
        }
        int served = -1;
        for (int s = 0; s < 3; s++) {
            if (srv[s]->counter != seen[s]) {
                KT_EQ(srv[s]->counter, seen[s] + 1);
                KT_EQ(served, -1);
                served = s;
                seen[s] = srv[s]->counter;
            }
        }
        KT_TRUE(served >= 0);
        KT_EQ(srv[served]->result[0], 0x70 + b);
        KT_EQ(label_of(srv[served]->result[1]), label);
        if (n % 61 == 60) {
            seL4_Word prio = KT_PRIO - 3 + (seed >> 4) % 7;
            KT_OK(seL4_TCB_SetPriority(srv[(seed >> 16) % 3]->tcb, seL4_CapInitThreadTCB, prio));
        }
    }
    KT_EQ(seen[0] + seen[1] + seen[2], FP_STREAM_CALLS);
}
