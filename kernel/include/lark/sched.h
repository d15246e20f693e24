/* The scheduler (K2: src/kernel/sched.c): Benno-style ready queues (a thread is queued only
 * while runnable and not current), one per priority, a two-level bitmap to find the
 * highest non-empty one, MCS budgets through scheduling contexts and the SBI timer. */
#ifndef LARK_SCHED_H
#define LARK_SCHED_H
#include "objects.h"

extern struct tcb *ks_cur_thread;   /* the thread the kernel runs / returns to */
extern struct tcb *ks_idle_thread;
extern struct sched_context *ks_cur_sc;
/* SCHED_ACTION_RESUME: keep ks_cur_thread; SCHED_ACTION_CHOOSE: pick the highest ready;
 * otherwise a TCB pointer to switch to if it has the highest priority. */
#define SCHED_ACTION_RESUME ((struct tcb *)0)
#define SCHED_ACTION_CHOOSE ((struct tcb *)1)
extern struct tcb *ks_sched_action;
extern word_t ks_cur_time;          /* ticks at kernel entry */
extern word_t ks_consumed;          /* ticks the current SC used since last commit */

/* Pure ready-queue bitmap (unit-tested on the host). */
struct ready_bitmap {
    word_t l1;                          /* bit i: l2[i] non-zero */
    word_t l2[NUM_PRIORITIES / WORD_BITS];
};
void bitmap_set(struct ready_bitmap *b, unsigned prio);
void bitmap_clear(struct ready_bitmap *b, unsigned prio);
int bitmap_highest(const struct ready_bitmap *b); /* -1 when empty */

void sched_init(void);
void sched_enqueue(struct tcb *t);        /* at the tail of its priority */
void sched_enqueue_head(struct tcb *t);
void sched_dequeue(struct tcb *t);
void sched_reschedule_required(void);     /* current is re-queued, choose again */
void sched_possible_switch_to(struct tcb *t);
void sched_switch_to(struct tcb *t);      /* make t current now (t must be runnable) */
void schedule(void);                      /* apply ks_sched_action; called before exit */
void sched_yield(void);                   /* syscall Yield */
void sched_dump(void);                    /* syscall DebugDumpScheduler */

/* MCS time keeping, called by the trap path (arch) around every kernel entry. */
void sched_update_timestamp(void);        /* ks_cur_time = now; ks_consumed += delta */
bool sched_check_budget(void);            /* false if the current SC ran out (then handled) */
void sched_timer_interrupt(void);         /* the SBI timer fired */
void sched_program_timer(void);           /* before returning to user: next deadline */

#endif
