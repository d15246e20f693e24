/* Endpoint queues, cancelling IPC on deletion, CancelBadgedSends. */
#include <lark/ipc.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>

static void ep_set(struct endpoint *ep, struct tcb *head, struct tcb *tail, word_t state)
{
    ep->head_state = (uintptr_t)head | (head ? state : EP_IDLE);
    ep->tail = head ? tail : NULL;
}

/* MCS endpoint queues are ordered by priority, FIFO among equals (seL4 tcbEPAppend): walk
 * from the tail, as the common case is a thread no more important than the last one. */
void ep_append(struct endpoint *ep, struct tcb *t, word_t state)
{
    struct tcb *head = ep_head(ep);
    struct tcb *before = ep->tail, *after = NULL;
    while (before && t->priority > before->priority) {
        after = before;
        before = before->ep_prev;
    }
    t->ep_prev = before;
    t->ep_next = after;
    if (before) {
        before->ep_next = t;
    } else {
        head = t;
    }
    struct tcb *tail = ep->tail;
    if (after) {
        after->ep_prev = t;
    } else {
        tail = t;
    }
    ep_set(ep, head, tail, state);
}

void ep_remove(struct endpoint *ep, struct tcb *t)
{
    struct tcb *head = ep_head(ep), *tail = ep->tail;
    word_t state = ep_state(ep);
    if (t->ep_prev) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        head = t->ep_next;
    }
    if (t->ep_next) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        tail = t->ep_prev;
    }
    t->ep_next = t->ep_prev = NULL;
    ep_set(ep, head, tail, state);
}

/* A thread taken off a deleted endpoint re-executes its syscall (and then faults on the
 * missing cap), as seL4 restarts it. A thread that was delivering a fault cannot redo that:
 * seL4 leaves it inactive. */
static void restart_dequeued(struct tcb *t)
{
    if (t->state == TS_BLOCKED_ON_RECEIVE && t->reply) {
        t->reply->tcb = NULL;
        t->reply = NULL;
    }
    t->blocking_object = 0;
    if (t->fault.type != FAULT_NULL) {
        thread_set_state(t, TS_INACTIVE);
        return;
    }
    thread_set_state(t, TS_RESTART);
    if (t->sc && t->sc != ks_cur_sc && t->sc->sporadic && sc_is_active(t->sc)) {
        refill_unblock_check(t->sc, ks_cur_time);
    }
    sched_wake(t);
}

void endpoint_finalise(struct endpoint *ep)
{
    struct tcb *t = ep_head(ep);
    ep_set(ep, NULL, NULL, EP_IDLE);
    while (t) {
        struct tcb *next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        restart_dequeued(t);
        t = next;
    }
}

void endpoint_cancel_badged_sends(struct endpoint *ep, word_t badge)
{
    if (ep_state(ep) != EP_SEND) {
        return;
    }
    struct tcb *t = ep_head(ep);
    while (t) {
        struct tcb *next = t->ep_next;
        if (t->blocking_badge == badge) {
            ep_remove(ep, t);
            restart_dequeued(t);
        }
        t = next;
    }
}
