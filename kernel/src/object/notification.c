/* Notification queues, binding to a TCB and to an SC, and their tear-down. */
#include <lark/ipc.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>

/* Priority order, FIFO among equals, like endpoint queues (seL4 MCS uses tcbEPAppend). */
void ntfn_append(struct notification *n, struct tcb *t)
{
    struct tcb *before = n->tail, *after = NULL;
    while (before && t->priority > before->priority) {
        after = before;
        before = before->ep_prev;
    }
    t->ep_prev = before;
    t->ep_next = after;
    if (before) {
        before->ep_next = t;
    } else {
        n->head = t;
    }
    if (after) {
        after->ep_prev = t;
    } else {
        n->tail = t;
    }
    n->state = NTFN_WAITING;
}

void ntfn_remove(struct notification *n, struct tcb *t)
{
    if (t->ep_prev) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        n->head = t->ep_next;
    }
    if (t->ep_next) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        n->tail = t->ep_prev;
    }
    t->ep_next = t->ep_prev = NULL;
    if (!n->head) {
        n->state = NTFN_IDLE;
    }
}

void ntfn_bind_tcb(struct notification *n, struct tcb *t)
{
    n->bound_tcb = t;
    t->bound_notification = n;
}

void ntfn_unbind_tcb(struct notification *n)
{
    if (n->bound_tcb) {
        n->bound_tcb->bound_notification = NULL;
        n->bound_tcb = NULL;
    }
}

void ntfn_maybe_donate_sc(struct tcb *t, struct notification *n)
{
    struct sched_context *sc = n->sc;
    if (t->sc || !sc || sc->tcb) {
        return;
    }
    sched_context_donate(sc, t);
    if (sc != ks_cur_sc && sc->sporadic && sc_is_active(sc)) {
        refill_unblock_check(sc, ks_cur_time);
    }
    sched_context_resume(sc);
}

void ntfn_maybe_return_sc(struct notification *n, struct tcb *t)
{
    struct sched_context *sc = n->sc;
    if (!sc || sc != t->sc) {
        return;
    }
    sched_dequeue(t);
    t->sc = NULL;
    sc->tcb = NULL;
    if (t == ks_cur_thread) {
        sched_reschedule_required();
    }
}

void notification_finalise(struct notification *n)
{
    struct tcb *t = n->head;
    n->head = n->tail = NULL;
    n->state = NTFN_IDLE;
    n->badge = 0;
    while (t) {
        struct tcb *next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        t->blocking_object = 0;
        thread_set_state(t, TS_RESTART);
        sched_wake(t);
        t = next;
    }
    ntfn_unbind_tcb(n);
    if (n->sc) {
        sched_context_unbind_ntfn(n->sc);
    }
}
