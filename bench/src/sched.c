/* Scheduling figures: a Signal that wakes a higher-priority waiter in the other address
 * space, and a Yield between two threads of the same priority (one in each space). */
#include "bench.h"
#include "run.h"

#define HIGH_PRIO 254
#define LOW_PRIO 253
#define YIELD_PRIO 254

static volatile uint64_t stamp;
static uint64_t samples[BENCH_ITERS];
static seL4_CPtr ntfn;

/* ---- notify_to_higher_prio: from the Signal of the priority-253 thread until the waiter
 * at 254 returns from Wait. */
static void notify_waiter(bench_thread_t *t)
{
    (void)t;
    for (int i = 0;; i++) {
        seL4_Wait(ntfn, NULL);
        uint64_t end = bench_count();
        if (i < BENCH_ITERS) {
            samples[i] = end - stamp;
        }
    }
}

static void notify_signaller(bench_thread_t *t)
{
    (void)t;
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        stamp = bench_count();
        seL4_Signal(ntfn);
    }
}

/* ---- yield_same_prio: the two threads alternate; each stamps before its Yield and the
 * other, returning from its own Yield, stops the clock. Only the finishing thread's samples
 * are kept. */
static void yield_partner(bench_thread_t *t)
{
    (void)t;
    stamp = bench_count();
    for (;;) {
        seL4_Yield();
        stamp = bench_count();
    }
}

static void yield_timed(bench_thread_t *t)
{
    (void)t;
    stamp = bench_count();
    for (int i = 0; i < BENCH_ITERS; i++) {
        seL4_Yield();
        uint64_t end = bench_count();
        samples[i] = end - stamp;
        bench_phase_shift(i);
        stamp = bench_count();
    }
}

void bench_sched(void)
{
    ntfn = bench_alloc(seL4_NotificationObject, 0);
    if (bench_run2(notify_waiter, HIGH_PRIO, notify_signaller, LOW_PRIO)) {
        bench_report("notify_to_higher_prio", samples);
    } else {
        bench_stalled("notify_to_higher_prio");
    }

    if (bench_run2(yield_partner, YIELD_PRIO, yield_timed, YIELD_PRIO)) {
        bench_report("yield_same_prio", samples);
    } else {
        bench_stalled("yield_same_prio");
    }
}
