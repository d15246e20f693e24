/* Reply objects: the caller waiting on them and the MCS call stack of donated SCs. The
 * stack runs from sc->reply (newest, r->sc set) through r->prev to older calls. */
#include <lark/ipc.h>
#include <lark/sched.h>

void reply_push(struct tcb *caller, struct tcb *callee, struct reply *r, bool can_donate)
{
    struct sched_context *sc = caller->sc;
    r->tcb = caller;
    caller->reply = r;
    caller->blocking_object = (word_t)(uintptr_t)r;
    thread_set_state(caller, TS_BLOCKED_ON_REPLY);
    if (!sc || callee->sc || !can_donate) {
        return;
    }
    struct reply *old = sc->reply;
    r->prev = old;
    r->next = NULL;
    if (old) {
        old->next = r;
        old->sc = NULL;
    }
    r->sc = sc;
    sc->reply = r;
    sched_context_donate(sc, callee);
}

/* Take r out of its call stack, cutting the stack there as seL4 does: replies older than r
 * no longer lead to the SC, newer ones no longer lead back to r. */
static void cut_from_stack(struct reply *r)
{
    if (r->sc) {
        r->sc->reply = NULL;
    }
    if (r->next) {
        r->next->prev = NULL;
    }
    if (r->prev) {
        r->prev->next = NULL;
    }
    r->prev = r->next = NULL;
    r->sc = NULL;
}

/* r is the head of its stack: the SC's newest call becomes the one before r. */
static struct sched_context *pop_head(struct reply *r)
{
    struct sched_context *sc = r->sc;
    sc->reply = r->prev;
    if (r->prev) {
        r->prev->next = NULL;
        r->prev->sc = sc;
    }
    r->prev = r->next = NULL;
    r->sc = NULL;
    return sc;
}

static void unlink_caller(struct reply *r, struct tcb *caller)
{
    r->tcb = NULL;
    caller->reply = NULL;
    caller->blocking_object = 0;
    thread_set_state(caller, TS_INACTIVE);
}

void reply_remove(struct reply *r, struct tcb *caller)
{
    if (r->sc) {
        struct sched_context *sc = pop_head(r);
        /* a caller that got another SC meanwhile keeps that one */
        if (!caller->sc) {
            sched_context_donate(sc, caller);
        }
    } else {
        cut_from_stack(r);
    }
    unlink_caller(r, caller);
}

void reply_cancel(struct reply *r, struct tcb *caller)
{
    /* the callee keeps running on a donated SC; the caller does not get it back */
    cut_from_stack(r);
    unlink_caller(r, caller);
}

void reply_finalise(struct reply *r)
{
    struct tcb *t = r->tcb;
    if (!t) {
        cut_from_stack(r);
        return;
    }
    if (t->state == TS_BLOCKED_ON_REPLY && t->reply == r) {
        reply_remove(r, t);
    } else if (t->state == TS_BLOCKED_ON_RECEIVE && t->reply == r) {
        /* seL4 cancels the receive that offered this reply object */
        ipc_cancel(t);
    } else {
        r->tcb = NULL;
        if (t->reply == r) {
            t->reply = NULL;
        }
    }
}
