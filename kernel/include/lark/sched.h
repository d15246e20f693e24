/* The scheduler (K2: src/kernel/sched.c): Benno-style ready queues (a thread is queued only
 * while runnable and not current), one per priority, a two-level bitmap to find the
 * highest non-empty one, MCS budgets through scheduling contexts and the SBI timer.
 *
 * The trap path (K1) calls, on every entry from user mode:
 *   sched_update_timestamp();                        (always first)
 *   syscalls and user faults: if (!sched_check_budget()) skip the handler (the thread was
 *       set to restart the syscall / re-execute the instruction when it next runs);
 *   timer interrupt: sched_timer_interrupt();        (instead of the check)
 *   device interrupt: sched_check_budget(), then irq_handle();
 *   then schedule(); then restore_user_context() for ks_cur_thread.
 * schedule() also re-arms the SBI timer when needed. */
#ifndef LARK_SCHED_H
#define LARK_SCHED_H
#include "objects.h"
#include "sched_queue.h"

extern struct tcb *ks_cur_thread;   /* the thread the kernel runs / returns to */
extern struct tcb *ks_idle_thread;  /* set by boot; never queued, has no SC */
extern struct sched_context *ks_cur_sc;
/* SCHED_ACTION_RESUME: keep ks_cur_thread; SCHED_ACTION_CHOOSE: pick the highest ready;
 * otherwise a TCB pointer to switch to if it has the highest priority. */
#define SCHED_ACTION_RESUME ((struct tcb *)0)
#define SCHED_ACTION_CHOOSE ((struct tcb *)1)
extern struct tcb *ks_sched_action;
extern word_t ks_cur_time;          /* ticks at kernel entry */
extern word_t ks_consumed;          /* ticks the current SC used since last commit */
extern struct ready_queues ks_ready;
extern struct tcb *ks_release_head;

void sched_init(void);                    /* after timebase_hz is known */
void sched_enqueue(struct tcb *t);        /* at the tail of its priority */
void sched_enqueue_head(struct tcb *t);
void sched_dequeue(struct tcb *t);        /* from the ready and the release queue */
void sched_reschedule_required(void);     /* current is re-queued, choose again */
void sched_possible_switch_to(struct tcb *t);
void sched_switch_to(struct tcb *t);      /* make t current now (t must be runnable) */
void schedule(void);                      /* apply ks_sched_action; called before exit */
void sched_yield(void);                   /* syscall Yield */
void sched_dump(void);                    /* syscall DebugDumpScheduler */

/* Runnable, with an active SC, not waiting for a refill. */
bool sched_is_schedulable(const struct tcb *t);
/* Make the thread runnable again after blocking (state already Running/Restart): queue it
 * or put it on the release queue if its SC has no budget now. */
void sched_wake(struct tcb *t);
/* The thread's SC changed (bind, configure, donation): requeue it accordingly. */
void sched_context_resume(struct sched_context *sc);
/* Charge the time used so far to the current SC (before the SC changes hands). */
void sched_commit_time(void);
/* The SC ran out: timeout fault, round robin or wait for the next refill. */
void sched_charge_budget(word_t consumed, bool can_timeout_fault);

/* MCS time keeping, called by the trap path (arch) around every kernel entry. */
void sched_update_timestamp(void);        /* ks_cur_time = now; ks_consumed += delta */
bool sched_check_budget(void);            /* false if the current SC ran out (then handled) */
void sched_timer_interrupt(void);         /* the SBI timer fired */
void sched_program_timer(void);           /* next deadline (called by schedule()) */

/* The Domain cap's invocations (src/object/domain.c). */
struct invocation;
exception_t decode_domain_invocation(struct invocation *inv);

#endif
