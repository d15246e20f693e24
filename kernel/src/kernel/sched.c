/* The scheduler: Benno ready queues (the current thread is not queued), MCS scheduling
 * contexts charged on every kernel entry, the release queue for threads waiting for their
 * next refill, and the SBI timer programmed for the earliest of budget end and release. */
#include <lark/arch/machine.h>
#include <lark/fault.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>
#include <lark/syscall.h>

struct tcb *ks_cur_thread;
struct tcb *ks_idle_thread;
struct sched_context *ks_cur_sc;
struct tcb *ks_sched_action;
word_t ks_cur_time;
word_t ks_consumed;
struct ready_queues ks_ready;
struct tcb *ks_release_head;
static word_t programmed_deadline;

void sched_init(void)
{
    refill_min_budget = us_to_ticks(MIN_BUDGET_US);
    refill_kernel_wcet = us_to_ticks(KERNEL_WCET_US);
    ks_cur_time = timer_now();
    ks_consumed = 0;
    programmed_deadline = 0;
    /* Boot hands over the root thread's SC with a budget only: it becomes a round-robin SC
     * (period 0) of that budget, as seL4 configures the initial thread. */
    if (ks_cur_sc && !sc_is_active(ks_cur_sc)) {
        word_t budget = ks_cur_sc->budget ? ks_cur_sc->budget : us_to_ticks(MIN_BUDGET_US);
        refill_new(ks_cur_sc, MIN_REFILLS, budget, 0, ks_cur_time);
    }
}

bool sched_is_schedulable(const struct tcb *t)
{
    return t && thread_is_runnable(t) && t->sc && sc_is_active(t->sc) && !t->in_release_queue;
}

void sched_enqueue(struct tcb *t) { rq_enqueue_head(&ks_ready, t); }
void sched_enqueue_head(struct tcb *t) { rq_enqueue_head(&ks_ready, t); }
static void sched_append(struct tcb *t) { rq_enqueue(&ks_ready, t); }

void sched_dequeue(struct tcb *t)
{
    rq_dequeue(&ks_ready, t);
    relq_remove(&ks_release_head, t);
}

void sched_reschedule_required(void)
{
    struct tcb *a = ks_sched_action;
    if (a != SCHED_ACTION_RESUME && a != SCHED_ACTION_CHOOSE && sched_is_schedulable(a)) {
        sched_enqueue(a);
    }
    ks_sched_action = SCHED_ACTION_CHOOSE;
}

/* Wait for the next refill: off the ready queue, onto the release queue. */
static void postpone(struct tcb *t)
{
    rq_dequeue(&ks_ready, t);
    relq_insert(&ks_release_head, t);
}

void sched_possible_switch_to(struct tcb *t)
{
    if (!sched_is_schedulable(t) || t == ks_cur_thread) {
        return;
    }
    if (ks_sched_action != SCHED_ACTION_RESUME || ks_cur_thread == NULL) {
        sched_reschedule_required();
        sched_enqueue(t);
    } else {
        ks_sched_action = t;
    }
}

/* The running SC has time not charged yet: its refills are stale until the next commit. */
static bool charge_pending(const struct sched_context *sc)
{
    return sc == ks_cur_sc && ks_consumed > 0;
}

static bool sc_released_now(struct sched_context *sc)
{
    return refill_ready(sc, ks_cur_time) && refill_sufficient(sc, 0);
}

/* The fault path delivers only through an endpoint it may send on and get a reply
 * through; anything else must not leave the thread running on an empty budget. */
static bool valid_timeout_handler(const struct tcb *t)
{
    cap_t c = t->slots[TCB_TIMEOUT_EP_SLOT].cap;
    return cap_type(c) == CAP_ENDPOINT && (cap_rights(c) & RIGHT_WRITE) &&
           (cap_rights(c) & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
}

void sched_wake(struct tcb *t)
{
    if (!thread_is_runnable(t) || !t->sc || !sc_is_active(t->sc)) {
        return;
    }
    struct sched_context *sc = t->sc;
    if (!charge_pending(sc) && !sc_released_now(sc)) {
        postpone(t);
        return;
    }
    sched_possible_switch_to(t);
}

void sched_context_resume(struct sched_context *sc)
{
    if (!sc || !sc->tcb || !sc_is_active(sc)) {
        return;
    }
    struct tcb *t = sc->tcb;
    if (!thread_is_runnable(t) || t->in_release_queue) {
        return;
    }
    if (!charge_pending(sc) && !sc_released_now(sc)) {
        postpone(t);
    }
}

void sched_switch_to(struct tcb *t)
{
    sched_dequeue(t);
    ks_cur_thread = t;
}

static void choose_thread(void)
{
    for (;;) {
        struct tcb *t = rq_highest(&ks_ready);
        if (t) {
            sched_switch_to(t);
            return;
        }
        /* Nothing runnable: no time is charged while the hart waits. */
        sched_commit_time();
        ks_cur_sc = NULL;
        ks_cur_thread = NULL;
        ks_sched_action = SCHED_ACTION_CHOOSE;
        sched_program_timer();
        kernel_idle_wait();
        sched_update_timestamp();
        ks_consumed = 0;
        ks_sched_action = SCHED_ACTION_CHOOSE;
        /* awaken() below the loop in schedule() needs the same treatment here */
        while (ks_release_head && refill_ready(ks_release_head->sc, ks_cur_time)) {
            struct tcb *r = ks_release_head;
            relq_remove(&ks_release_head, r);
            sched_enqueue(r);
        }
    }
}

/* Threads whose next refill is due go back to the ready queues. */
static void awaken(void)
{
    while (ks_release_head && refill_ready(ks_release_head->sc, ks_cur_time)) {
        struct tcb *t = ks_release_head;
        relq_remove(&ks_release_head, t);
        sched_possible_switch_to(t);
    }
}

void sched_commit_time(void)
{
    struct sched_context *sc = ks_cur_sc;
    if (sc && sc_is_active(sc) && ks_consumed > 0) {
        if (sc_is_round_robin(sc)) {
            refill_charge_round_robin(sc, ks_consumed, ks_cur_time);
        } else {
            refill_charge(sc, ks_consumed);
        }
        sc->consumed += ks_consumed;
    }
    ks_consumed = 0;
}

static void end_timeslice(bool can_timeout_fault)
{
    struct tcb *cur = ks_cur_thread;
    struct sched_context *sc = ks_cur_sc;
    if (can_timeout_fault && !sc_is_round_robin(sc) && valid_timeout_handler(cur)) {
        cur_fault = (struct fault){.type = FAULT_TIMEOUT, .data = sc->badge};
        fault_handle_timeout(cur);
    } else if (refill_ready(sc, ks_cur_time) && refill_sufficient(sc, 0)) {
        sched_append(cur); /* round robin: behind its peers */
    } else {
        postpone(cur);
    }
}

void sched_charge_budget(word_t consumed, bool can_timeout_fault)
{
    struct sched_context *sc = ks_cur_sc;
    if (!sc || !sc_is_active(sc)) {
        ks_consumed = 0;
        return;
    }
    if (sc_is_round_robin(sc)) {
        refill_charge_round_robin(sc, consumed, ks_cur_time);
    } else {
        refill_charge(sc, consumed);
    }
    sc->consumed += consumed;
    ks_consumed = 0;
    struct tcb *cur = ks_cur_thread;
    if (sched_is_schedulable(cur) && cur->sc == sc) {
        end_timeslice(can_timeout_fault);
        sched_reschedule_required();
    }
}

void sched_update_timestamp(void)
{
    word_t now = timer_now();
    ks_consumed += now - ks_cur_time;
    ks_cur_time = now;
}

static bool budget_left(void)
{
    struct sched_context *sc = ks_cur_sc;
    return !sc || !sc_is_active(sc) || !ks_cur_thread ||
           refill_capacity(sc, ks_consumed) >= refill_min_budget;
}

bool sched_check_budget(void)
{
    if (budget_left()) {
        return true;
    }
    sched_charge_budget(ks_consumed, true);
    struct tcb *cur = ks_cur_thread;
    if (thread_is_runnable(cur)) {
        thread_set_state(cur, TS_RESTART); /* re-run the syscall with fresh budget */
    }
    return false;
}

void sched_timer_interrupt(void)
{
    if (!budget_left()) {
        sched_charge_budget(ks_consumed, true);
    }
    programmed_deadline = 0; /* the SBI timer fired: it must be re-armed */
}

/* Out of line so that the callers of arm_timer need no stack frame when nothing moved. */
__attribute__((noinline)) static void rearm_timer(word_t deadline)
{
    timer_set_deadline(deadline);
    programmed_deadline = deadline;
}

/* The earliest of `deadline` and the release queue's head; the SBI call only when it moved. */
static inline void arm_timer(word_t deadline)
{
    if (ks_release_head) {
        word_t r = relq_key(ks_release_head);
        if (r < deadline) {
            deadline = r;
        }
    }
    if (deadline != programmed_deadline) {
        rearm_timer(deadline);
    }
}

void sched_program_timer(void)
{
    word_t deadline = ~0ULL;
    struct sched_context *sc = ks_cur_sc;
    if (sc && sc_is_active(sc) && ks_cur_thread) {
        deadline = ks_cur_time + refill_capacity(sc, ks_consumed);
    }
    arm_timer(deadline);
}

/* A thread set to restart re-executes the instruction at FAULT_IP (its syscall). */
static void activate_thread(struct tcb *t)
{
    if (t->yield_to) {
        sched_complete_yield_to(t);
    }
    if (t->state == TS_RESTART) {
        t->ctx.regs[REG_PC] = t->ctx.regs[REG_FAULT_IP];
        t->state = TS_RUNNING;
    }
}

/* Everything schedule() may have to do: its own function, so that the usual exit below
 * needs no stack frame. */
__attribute__((noinline)) static void schedule_general(void)
{
    awaken();
    struct tcb *cur = ks_cur_thread;
    if (cur && !sched_is_schedulable(cur) && ks_sched_action == SCHED_ACTION_RESUME) {
        ks_sched_action = SCHED_ACTION_CHOOSE;
    }
    if (ks_sched_action != SCHED_ACTION_RESUME) {
        bool was_runnable = sched_is_schedulable(cur);
        if (was_runnable) {
            sched_enqueue(cur);
        }
        if (ks_sched_action == SCHED_ACTION_CHOOSE) {
            choose_thread();
        } else {
            struct tcb *cand = ks_sched_action;
            int top = bitmap_highest(&ks_ready.bitmap);
            if (!sched_is_schedulable(cand) || (top >= 0 && cand->priority < (word_t)top)) {
                if (sched_is_schedulable(cand)) {
                    sched_enqueue(cand);
                }
                choose_thread();
            } else if (was_runnable && cand->priority == cur->priority) {
                sched_append(cand);
                choose_thread();
            } else {
                sched_switch_to(cand);
            }
        }
        ks_sched_action = SCHED_ACTION_RESUME;
    }
    struct tcb *t = ks_cur_thread;
    if (ks_cur_sc != t->sc) {
        sched_commit_time();
        ks_cur_sc = t->sc;
        /* A constant-bandwidth SC catches up on refills when its thread is switched to; a
         * sporadic one did when its thread woke (seL4 switchSchedContext). */
        if (ks_cur_sc && sc_is_active(ks_cur_sc) && !ks_cur_sc->sporadic) {
            refill_unblock_check(ks_cur_sc, ks_cur_time);
        }
    }
    activate_thread(t);
    sched_program_timer();
}

void schedule(void)
{
    struct tcb *self = ks_cur_thread;
    struct sched_context *sc = ks_cur_sc;
    /* The usual exit of a syscall that woke, blocked and preempted nobody: the same thread
     * runs on (schedulable, nothing to activate) on the same SC and no release is due, so
     * schedule_general() would only re-arm the timer. */
    if (ks_sched_action == SCHED_ACTION_RESUME && self && self->state == TS_RUNNING && sc &&
        self->sc == sc && sc_is_active(sc) && !self->in_release_queue && !self->yield_to &&
        (!ks_release_head || relq_key(ks_release_head) > ks_cur_time + refill_kernel_wcet)) {
        arm_timer(ks_cur_time + refill_capacity(sc, ks_consumed));
        return;
    }
    schedule_general();
}

void sched_yield(void)
{
    struct sched_context *sc = ks_cur_sc;
    if (!sc || !sc_is_active(sc)) {
        return;
    }
    /* Yield gives up the rest of the head refill; only the time really used counts as
     * consumed. */
    word_t consumed = sc->consumed + ks_consumed;
    sched_charge_budget(refill_head(sc)->amount, false);
    sc->consumed = consumed;
}
