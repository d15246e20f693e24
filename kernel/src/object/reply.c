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

/* Take r out of the call stack. Returns the SC if r was the head of its stack. */
static struct sched_context *unlink_from_stack(struct reply *r)
{
    struct sched_context *sc = r->sc;
    if (sc) {
        sc->reply = r->prev;
        if (r->prev) {
            r->prev->next = NULL;
            r->prev->sc = sc;
        }
    } else {
        if (r->next) {
            r->next->prev = r->prev;
        }
        if (r->prev) {
            r->prev->next = r->next;
        }
    }
    r->prev = r->next = NULL;
    r->sc = NULL;
    return sc;
}

void reply_pop(struct reply *r, struct tcb *caller)
{
    struct sched_context *sc = unlink_from_stack(r);
    r->tcb = NULL;
    caller->reply = NULL;
    caller->blocking_object = 0;
    if (sc && !caller->sc) {
        sched_context_donate(sc, caller);
    }
}

void reply_remove(struct reply *r, struct tcb *caller)
{
    struct sched_context *sc = r->sc;
    if (sc) {
        /* The callee keeps running on the SC; older calls no longer get it back. */
        sc->reply = NULL;
        if (r->prev) {
            r->prev->next = NULL;
        }
        r->prev = NULL;
        r->sc = NULL;
    } else {
        unlink_from_stack(r);
    }
    r->tcb = NULL;
    caller->reply = NULL;
    caller->blocking_object = 0;
    thread_set_state(caller, TS_INACTIVE);
}

void reply_finalise(struct reply *r)
{
    struct tcb *t = r->tcb;
    if (!t) {
        unlink_from_stack(r);
        return;
    }
    if (t->state == TS_BLOCKED_ON_REPLY && t->reply == r) {
        reply_remove(r, t);
        t->fault.type = FAULT_NULL;
    } else {
        /* a receiver that offered this reply object: it keeps waiting without one */
        unlink_from_stack(r);
        r->tcb = NULL;
        if (t->reply == r) {
            t->reply = NULL;
        }
    }
}
