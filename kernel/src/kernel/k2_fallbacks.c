/* Weak stand-ins for K2's functions that K1's boot/syscall code calls, so the kernel links
 * and boots while K2's modules are being written. Every strong definition in K2's files
 * replaces the one here; delete this file once K2 has them all. They do the least that is
 * honest: unimplemented operations say so and stop the thread (or return IllegalOperation). */
#include <lark/console.h>
#include <lark/fault.h>
#include <lark/invocation.h>
#include <lark/ipc.h>
#include <lark/sched.h>
#include <lark/syscall.h>

#define WEAK __attribute__((weak))

static void not_yet(struct tcb *t, const char *what)
{
    kprintf("kernel: %s is not implemented yet; thread %s suspended\n", what, t->name);
    t->state = TS_INACTIVE;
}

WEAK void tcb_init(struct tcb *t) { t->state = TS_INACTIVE; }
WEAK void thread_set_state(struct tcb *t, word_t state) { t->state = state; }
WEAK bool thread_is_runnable(const struct tcb *t)
{
    return t->state == TS_RUNNING || t->state == TS_RESTART;
}
WEAK void tcb_finalise(struct tcb *t) { t->state = TS_INACTIVE; }
WEAK exception_t decode_tcb_invocation(struct invocation *inv)
{
    (void)inv;
    return err_illegal_operation();
}
WEAK void sched_context_init(struct sched_context *sc, unsigned size_bits)
{
    sc->size_bits = size_bits;
    sc->refill_max = SC_REFILLS_FOR_BITS(size_bits);
}
WEAK void sched_context_finalise(struct sched_context *sc) { (void)sc; }
WEAK exception_t decode_sched_context_invocation(struct invocation *inv)
{
    (void)inv;
    return err_illegal_operation();
}
WEAK exception_t decode_sched_control_invocation(struct invocation *inv)
{
    (void)inv;
    return err_illegal_operation();
}
WEAK void endpoint_finalise(struct endpoint *ep) { (void)ep; }
WEAK void notification_finalise(struct notification *n) { (void)n; }
WEAK void reply_finalise(struct reply *r) { (void)r; }
WEAK void endpoint_cancel_badged_sends(struct endpoint *ep, word_t badge)
{
    (void)ep, (void)badge;
}
WEAK void ipc_send(struct tcb *sender, struct endpoint *ep, word_t badge, bool can_grant,
                   bool can_grant_reply, bool can_donate, bool blocking, bool is_call)
{
    (void)ep, (void)badge, (void)can_grant, (void)can_grant_reply, (void)can_donate;
    (void)blocking, (void)is_call;
    not_yet(sender, "endpoint send");
}
WEAK void ipc_receive(struct tcb *receiver, cap_t c, bool blocking, struct reply *reply)
{
    (void)c, (void)blocking, (void)reply;
    not_yet(receiver, "receive");
}
WEAK void ipc_reply(struct tcb *sender, struct reply *r, bool can_grant)
{
    (void)r, (void)can_grant;
    not_yet(sender, "reply");
}
WEAK void ntfn_signal(struct notification *n, word_t badge)
{
    (void)n, (void)badge;
    kprintf("kernel: notification signal is not implemented yet\n");
}
WEAK void fault_handle(struct tcb *t)
{
    kprintf("fault: thread %s type %lu addr %lx data %lx code %lx at pc %lx: suspended\n",
            t->name, cur_fault.type, cur_fault.addr, cur_fault.data, cur_fault.code,
            t->ctx.regs[REG_FAULT_IP]);
    t->state = TS_INACTIVE;
}
WEAK void sched_init(void) {}
WEAK void sched_update_timestamp(void) {}
WEAK bool sched_check_budget(void) { return true; }
WEAK void sched_program_timer(void) {}
WEAK void sched_timer_interrupt(void) {}
WEAK void sched_yield(void) {}
WEAK void sched_dump(void) { kprintf("scheduler: current %s\n", ks_cur_thread->name); }
WEAK void schedule(void)
{
    if (!thread_is_runnable(ks_cur_thread))
        ks_cur_thread = ks_idle_thread;
}
