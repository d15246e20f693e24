/* Scheduling contexts: binding to threads and notifications, donation and the SchedContext
 * invocations (labels 34..38). SchedControl is in schedcontrol.c. */
#include <lark/arch/machine.h>
#include <lark/invocation.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>

void sched_context_init(struct sched_context *sc, unsigned size_bits)
{
    sc->size_bits = size_bits;
    sc->refill_max = 0; /* inactive until SchedControl_Configure */
}

void sched_context_bind_tcb(struct sched_context *sc, struct tcb *t)
{
    sc->tcb = t;
    t->sc = sc;
    if (sc_is_active(sc) && sc->sporadic && sc != ks_cur_sc) {
        refill_unblock_check(sc, ks_cur_time);
    }
    sched_context_resume(sc);
    /* As seL4: queued at the head of its priority, and the scheduler chooses again. */
    if (sched_is_schedulable(t) && t != ks_cur_thread) {
        sched_enqueue(t);
        sched_reschedule_required();
    }
}

void sched_context_unbind_tcb(struct sched_context *sc)
{
    struct tcb *t = sc->tcb;
    if (!t) {
        return;
    }
    sched_dequeue(t);
    if (t == ks_cur_thread) {
        sched_reschedule_required();
    }
    t->sc = NULL;
    sc->tcb = NULL;
}

void sched_context_donate(struct sched_context *sc, struct tcb *to)
{
    struct tcb *from = sc->tcb;
    if (from) {
        sched_dequeue(from);
        from->sc = NULL;
        if (from == ks_cur_thread || from == ks_sched_action) {
            sched_reschedule_required();
        }
    }
    sc->tcb = to;
    to->sc = sc;
}

void sched_context_bind_ntfn(struct sched_context *sc, struct notification *n)
{
    sc->notification = n;
    n->sc = sc;
}

void sched_context_unbind_ntfn(struct sched_context *sc)
{
    if (sc->notification) {
        sc->notification->sc = NULL;
        sc->notification = NULL;
    }
}

/* As seL4's schedContext_updateConsumed: the running SC's time since the last commit is
 * not included (it is charged at the next budget check, Yield or SC switch). */
word_t sched_context_update_consumed(struct sched_context *sc)
{
    word_t us = ticks_to_us(sc->consumed);
    sc->consumed = 0;
    return us;
}

/* The call stack this SC was donated along no longer returns it (seL4 clears scReply). */
static void sched_context_drop_call_stack(struct sched_context *sc)
{
    if (sc->reply) {
        sc->reply->sc = NULL;
        sc->reply = NULL;
    }
}

void sched_context_finalise(struct sched_context *sc)
{
    sched_context_unbind_tcb(sc);
    sched_context_unbind_ntfn(sc);
    sched_context_drop_call_stack(sc);
    sched_complete_yield_to(sc->yield_from);
    if (sc == ks_cur_sc) {
        ks_cur_sc = NULL;
        ks_consumed = 0;
    }
    sc->refill_max = 0;
}

/* seL4 sc_released: configured and its head refill is due now. */
static bool sc_released(struct sched_context *sc)
{
    return sc_is_active(sc) && refill_ready(sc, ks_cur_time) && refill_sufficient(sc, 0);
}

static bool thread_is_blocked(const struct tcb *t)
{
    switch (t->state) {
    case TS_BLOCKED_ON_RECEIVE:
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_REPLY:
    case TS_BLOCKED_ON_NOTIFICATION:
        return true;
    default:
        return false;
    }
}

static exception_t sc_bind(struct invocation *inv, struct sched_context *sc)
{
    struct cte *obj = inv_extra_cap(inv, 0);
    if (!obj) {
        return err_truncated_message();
    }
    /* One thread and one notification at most: an SC may serve both at once (a passive
     * server's notification lends it to the server), as on seL4. */
    cap_t c = obj->cap;
    if (cap_type(c) == CAP_THREAD) {
        struct tcb *t = tcb_from_cap(c);
        if (sc->tcb || t->sc) {
            return err_illegal_operation();
        }
        /* A blocked thread would be woken later on an SC that cannot run it. */
        if (thread_is_blocked(t) && !sc_released(sc)) {
            return err_illegal_operation();
        }
        sched_context_bind_tcb(sc, t);
        return EXCEPTION_NONE;
    }
    if (cap_type(c) == CAP_NOTIFICATION) {
        struct notification *n = cap_kptr(c);
        if (sc->notification || n->sc) {
            return err_illegal_operation();
        }
        sched_context_bind_ntfn(sc, n);
        return EXCEPTION_NONE;
    }
    return err_invalid_cap(1);
}

static exception_t sc_unbind_object(struct invocation *inv, struct sched_context *sc)
{
    struct cte *obj = inv_extra_cap(inv, 0);
    if (!obj) {
        return err_truncated_message();
    }
    cap_t c = obj->cap;
    if (cap_type(c) == CAP_THREAD) {
        struct tcb *t = tcb_from_cap(c);
        if (sc->tcb != t || t == ks_cur_thread) {
            return err_illegal_operation();
        }
        sched_context_unbind_tcb(sc);
        return EXCEPTION_NONE;
    }
    if (cap_type(c) == CAP_NOTIFICATION) {
        if (sc->notification != cap_kptr(c)) {
            return err_illegal_operation();
        }
        sched_context_unbind_ntfn(sc);
        return EXCEPTION_NONE;
    }
    return err_invalid_cap(1);
}

/* The consumed time of a YieldTo goes to the yielder in MR0 once it runs again, or when the
 * target SC goes away (seL4 schedContext_completeYieldTo). */
void sched_complete_yield_to(struct tcb *yielder)
{
    struct sched_context *sc = yielder ? yielder->yield_to : NULL;
    if (!sc) {
        return;
    }
    yielder->ctx.regs[MR_REG(0)] = sched_context_update_consumed(sc);
    yielder->ctx.regs[MSGINFO_REG] = msginfo_new(0, 0, 0, 1);
    sc->yield_from = NULL;
    yielder->yield_to = NULL;
}

static exception_t sc_yield_to(struct invocation *inv, struct sched_context *sc)
{
    struct tcb *cur = inv->thread, *t = sc->tcb;
    if (!t || t == cur || t->priority > cur->mcp || cur->yield_to) {
        return err_illegal_operation();
    }
    if (sc->yield_from) {
        sched_complete_yield_to(sc->yield_from);
    }
    sched_context_resume(sc);
    if (sched_is_schedulable(t)) {
        if (t->priority < cur->priority) {
            sched_dequeue(t);
            sched_enqueue(t);
        } else {
            /* The target runs next, the caller right after it; the caller learns the
             * consumed time when it runs again. */
            cur->yield_to = sc;
            sc->yield_from = cur;
            sched_dequeue(t);
            sched_enqueue(cur);
            sched_enqueue(t);
            sched_reschedule_required();
            return EXCEPTION_NONE;
        }
    }
    inv_set_result(inv, 0, sched_context_update_consumed(sc));
    return EXCEPTION_NONE;
}

exception_t decode_sched_context_invocation(struct invocation *inv)
{
    struct sched_context *sc = cap_kptr(inv->cap);
    switch (inv->label) {
    case SCHED_CONTEXT_BIND:
        return sc_bind(inv, sc);
    case SCHED_CONTEXT_UNBIND:
        if (sc->tcb && sc->tcb == ks_cur_thread) {
            return err_illegal_operation();
        }
        sched_context_unbind_tcb(sc);
        sched_context_unbind_ntfn(sc);
        sched_context_drop_call_stack(sc);
        return EXCEPTION_NONE;
    case SCHED_CONTEXT_UNBIND_OBJECT:
        return sc_unbind_object(inv, sc);
    case SCHED_CONTEXT_CONSUMED:
        inv_set_result(inv, 0, sched_context_update_consumed(sc));
        return EXCEPTION_NONE;
    case SCHED_CONTEXT_YIELD_TO:
        return sc_yield_to(inv, sc);
    default:
        return err_illegal_operation();
    }
}
