/* Helpers shared by the endpoint IPC test images (test_ipc*.c): objects, a message word,
 * and helper-thread bodies that record what they received. Helpers run at HI (one above the
 * root task) unless a test says otherwise, so a helper that is woken runs at once and has
 * finished its step when the root task's syscall returns. */
#pragma once

#include "kt.h"

#define HI (KT_PRIO + 1)

static inline seL4_CPtr new_ep(void) { return kt_alloc(seL4_EndpointObject, 0); }
static inline seL4_CPtr new_reply(void) { return kt_alloc(seL4_ReplyObject, 0); }

static inline seL4_MessageInfo_t msg(seL4_Word label, seL4_Word length)
{
    return seL4_MessageInfo_new(label, 0, 0, length);
}

/* What a helper saw on its receive: badge, info word, MR0..MR3. */
static inline void record(kt_thread_t *t, seL4_Word badge, seL4_MessageInfo_t info)
{
    t->result[0] = badge;
    t->result[1] = info.words[0];
    for (int i = 0; i < 4; i++) {
        t->result[2 + i] = seL4_GetMR(i);
    }
}

/* Fields of a recorded info word. */
static inline seL4_Word label_of(seL4_Word info)
{
    return seL4_MessageInfo_get_label((seL4_MessageInfo_t){{info}});
}

static inline seL4_Word length_of(seL4_Word info)
{
    return seL4_MessageInfo_get_length((seL4_MessageInfo_t){{info}});
}

/* arg0 = endpoint, arg1 = reply object: one Recv, recorded. */
static inline void recv_once(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    record(t, badge, info);
}

/* arg0 = endpoint, arg2 = label, arg3 = MR0: one Send. */
static inline void send_once(kt_thread_t *t)
{
    seL4_SetMR(0, t->arg[3]);
    seL4_Send(t->arg[0], msg(t->arg[2], 1));
}

/* arg0 = endpoint, arg2 = label, arg3 = MR0: one Call, the reply recorded. */
static inline void call_once(kt_thread_t *t)
{
    seL4_SetMR(0, t->arg[3]);
    seL4_MessageInfo_t info = seL4_Call(t->arg[0], msg(t->arg[2], 1));
    record(t, 0, info);
}

/* arg0 = endpoint, arg1 = reply: answers every request with label+1 and MR0 * 2, counting. */
static inline void echo_server(kt_thread_t *t)
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

static inline int start_helper(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio, seL4_Word a0,
                        seL4_Word a1)
{
    if (kt_thread_new(t, fn, prio) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    t->arg[1] = a1;
    return kt_thread_start(t);
}

/* A helper whose fault handler is the root task: arg0/arg1 as the function wants. */
static inline int start_with_fault_ep(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_CPtr fault_ep,
                               seL4_Word a0, seL4_Word a1)
{
    if (kt_thread_new(t, fn, HI) != 0 || kt_thread_set_fault_ep(t, fault_ep, HI) != 0) {
        return -1;
    }
    t->arg[0] = a0;
    t->arg[1] = a1;
    return kt_thread_start(t);
}

static inline void wait_once(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Wait(t->arg[0], &badge);
    record(t, badge, info);
}

static inline seL4_CPtr spare_sc(void)
{
    seL4_CPtr sc = kt_alloc(seL4_SchedContextObject, 8);
    if (sc != 0 && seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0) != 0) {
        return 0;
    }
    return sc;
}

/* arg0 = endpoint, arg1 = reply, arg2 = a spare SC: the server checks it runs on a borrowed
 * SC (binding another one fails while it holds one) and answers with ReplyRecv. */
static inline void passive_server(kt_thread_t *t)
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
static inline int make_passive_server(kt_thread_t *srv, seL4_CPtr ep, seL4_CPtr reply, seL4_CPtr spare)
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

/* arg0 = endpoint, arg1 = reply: takes a call and computes forever. */
static inline void spinning_server(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
    }
}
