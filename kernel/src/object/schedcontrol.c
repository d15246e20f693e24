/* SchedControl_ConfigureFlags (label 33): budget and period in microseconds, extra refills,
 * badge and flags for a scheduling context, checked in seL4's order. */
#include <lark/arch/machine.h>
#include <lark/invocation.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>

#define SC_FLAG_SPORADIC BIT(0)

static void configure(struct sched_context *sc, word_t budget, word_t period,
                      word_t max_refills, word_t badge, word_t flags)
{
    struct tcb *t = sc->tcb;
    if (sc == ks_cur_sc) {
        sched_commit_time();
    }
    if (t) {
        sched_dequeue(t);
    }
    sc->badge = badge;
    sc->sporadic = (flags & SC_FLAG_SPORADIC) != 0;
    if (budget == period) {
        /* round robin (period 0): a fresh timeslice from now */
        refill_new(sc, MIN_REFILLS, budget, 0, ks_cur_time);
    } else if (sc_is_active(sc) && t && thread_is_runnable(t)) {
        /* in use: keep what was consumed, no window of the new period may exceed the
         * new budget */
        refill_update(sc, max_refills, budget, period, ks_cur_time);
    } else {
        refill_new(sc, max_refills, budget, period, ks_cur_time);
    }
    if (!t) {
        return;
    }
    sched_context_resume(sc);
    if (t == ks_cur_thread) {
        sched_reschedule_required();
    } else if (thread_is_runnable(t)) {
        sched_wake(t);
    }
}

/* The checks in seL4's order (since its 2025 refactor): the times are range-checked in
 * microseconds before any conversion, so none can overflow, and only then the target cap. */
exception_t decode_sched_control_invocation(struct invocation *inv)
{
    if (inv->label != SCHED_CONTROL_CONFIGURE_FLAGS) {
        return err_illegal_operation();
    }
    if (!inv_extra_cap(inv, 0) || inv->length < 5) {
        return err_truncated_message();
    }
    word_t budget_us = inv_arg(inv, 0), period_us = inv_arg(inv, 1);
    if (budget_us > MAX_PERIOD_US || period_us > MAX_PERIOD_US) {
        return err_range(MIN_BUDGET_US, MAX_PERIOD_US);
    }
    word_t budget = us_to_ticks(budget_us), period = us_to_ticks(period_us);
    if (budget < refill_min_budget || period < refill_min_budget) {
        return err_range(MIN_BUDGET_US, MAX_PERIOD_US);
    }
    if (budget > period) {
        return err_range(MIN_BUDGET_US, period_us);
    }
    cap_t c = inv_extra_cap(inv, 0)->cap;
    if (cap_type(c) != CAP_SCHED_CONTEXT) {
        return err_invalid_cap(1);
    }
    word_t extra_refills = inv_arg(inv, 2);
    word_t max = refill_absolute_max(cap_sched_context_size_bits(c));
    if (extra_refills > max - MIN_REFILLS) {
        return err_range(0, max - MIN_REFILLS);
    }
    configure(cap_kptr(c), budget, period, extra_refills + MIN_REFILLS, inv_arg(inv, 3),
              inv_arg(inv, 4));
    return EXCEPTION_NONE;
}
