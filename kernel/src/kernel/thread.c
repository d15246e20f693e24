/* Thread states, message registers, suspend/resume and TCB tear-down. */
#include <lark/fault.h>
#include <lark/ipc.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>
#include <lark/arch/machine.h>

bool thread_is_runnable(const struct tcb *t)
{
    return t->state == TS_RUNNING || t->state == TS_RESTART;
}

static bool thread_is_stopped(const struct tcb *t)
{
    switch (t->state) {
    case TS_INACTIVE:
    case TS_BLOCKED_ON_RECEIVE:
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_REPLY:
    case TS_BLOCKED_ON_NOTIFICATION:
        return true;
    default:
        return false;
    }
}

void thread_set_state(struct tcb *t, word_t state)
{
    t->state = state;
    if (!thread_is_runnable(t)) {
        sched_dequeue(t);
        if (t == ks_cur_thread) {
            sched_reschedule_required();
        }
    }
}

word_t tcb_get_mr(struct tcb *t, const word_t *ipcbuf, unsigned i)
{
    if (i < MSG_REGISTERS_IN_CPU) {
        return t->ctx.regs[MR_REG(i)];
    }
    return ipcbuf && i < MSG_MAX_LENGTH ? ipcbuf[IPCBUF_MSG + i] : 0;
}

void tcb_set_mr(struct tcb *t, word_t *ipcbuf, unsigned i, word_t v)
{
    if (i < MSG_REGISTERS_IN_CPU) {
        t->ctx.regs[MR_REG(i)] = v;
    } else if (ipcbuf && i < MSG_MAX_LENGTH) {
        ipcbuf[IPCBUF_MSG + i] = v;
    }
}

void thread_suspend(struct tcb *t)
{
    ipc_cancel(t);
    if (t->state == TS_RUNNING) {
        /* A later Resume restarts at FAULT_IP: make that the instruction it would run next,
         * so a thread suspended between syscalls does not repeat its last ecall. */
        t->ctx.regs[REG_FAULT_IP] = t->ctx.regs[REG_PC];
    }
    thread_set_state(t, TS_INACTIVE);
    sched_dequeue(t);
    if (t->yield_to) {
        t->yield_to->yield_from = NULL;
        t->yield_to = NULL;
    }
}

void thread_restart(struct tcb *t)
{
    if (!thread_is_stopped(t)) {
        return;
    }
    ipc_cancel(t);
    thread_set_state(t, TS_RESTART);
    /* seL4 restart: only a sporadic SC catches up here (others do when switched to) */
    if (t->sc && t->sc != ks_cur_sc && t->sc->sporadic && sc_is_active(t->sc)) {
        refill_unblock_check(t->sc, ks_cur_time);
    }
    sched_wake(t);
}

void tcb_finalise(struct tcb *t)
{
    fpu_release(t);
    if (t->bound_notification) {
        t->bound_notification->bound_tcb = NULL;
        t->bound_notification = NULL;
    }
    thread_suspend(t);
    if (t->sc) {
        sched_context_unbind_tcb(t->sc);
    }
    if (t->yield_to) {
        t->yield_to->yield_from = NULL;
        t->yield_to = NULL;
    }
}
