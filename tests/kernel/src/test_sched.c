/* The MCS scheduler: SchedControl_ConfigureFlags argument checks, SchedContext Bind / Unbind /
 * UnbindObject / Consumed / YieldTo, budget enforcement, round robin, priorities, Yield,
 * timeout faults, DomainSet_Set and DebugDumpScheduler. The image runs under -icount shift=0
 * (one guest instruction = 1 ns), so every figure measured here is repeatable. */
#include "kt.h"

#define MIN_BUDGET_US 20ul                       /* 2 * the kernel WCET of 10 us (riscv) */
#define MAX_PERIOD_US (60ul * 60 * 1000 * 1000)  /* one hour */
#define SC_HEADER_BYTES 96ul                     /* sizeof(sched_context_t) on riscv64 */
#define REFILL_BYTES 16ul
#define MIN_REFILLS 2ul

static seL4_Word max_extra_refills(seL4_Word bits)
{
    return ((1ul << bits) - SC_HEADER_BYTES) / REFILL_BYTES - MIN_REFILLS;
}

static seL4_Error configure(seL4_CPtr sc, seL4_Word budget, seL4_Word period, seL4_Word extra,
                            seL4_Word badge, seL4_Word flags)
{
    return seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, budget, period, extra, badge,
                                            flags);
}

/* An SC of 2^bits configured with budget/period, or 0 (failure recorded). */
static seL4_CPtr new_sc(seL4_Word bits, seL4_Word budget, seL4_Word period)
{
    seL4_CPtr sc = kt_alloc(seL4_SchedContextObject, bits);
    if (sc != 0) {
        seL4_Error err = configure(sc, budget, period, 0, 0, 0);
        if (err != seL4_NoError) {
            kt_fail(__FILE__, __LINE__, "SchedControl_Configure: %s", kt_err_name(err));
            return 0;
        }
    }
    return sc;
}

static void yield_n(int n)
{
    for (int i = 0; i < n; i++) {
        seL4_Yield();
    }
}

/* The one counting loop of the CPU-share tests: the root and the helpers run the same
 * instructions, so iterations compare as CPU time. */
static void __attribute__((noinline)) count_to(volatile seL4_Word *counter, seL4_Word limit)
{
    while (*counter < limit) {
        (*counter)++;
    }
}

/* ---- helper thread bodies */
static void spinner(kt_thread_t *t)
{
    count_to(&t->counter, ~0ul);
}

static void yielder(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
        seL4_Yield();
    }
}

static void set_done_flag(kt_thread_t *t)
{
    t->counter = 1;
}

/* arg[0] = notification: count every signal. */
static void waiter(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge;
        seL4_Wait(t->arg[0], &badge);
        t->counter++;
        t->result[0] = badge;
    }
}

/* arg[0] = notification: set a flag, then signal the root. */
static void flag_and_signal(kt_thread_t *t)
{
    t->counter = 1;
    seL4_Signal(t->arg[0]);
}

/* ---- SchedControl_ConfigureFlags */
KTEST(sched_configure_accepts_budget_equal_period)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(configure(sc, 1000, 1000, 0, 0, 0));
    KT_OK(configure(sc, 1000, 5000, 0, 7, 0));
    KT_OK(configure(sc, MIN_BUDGET_US, MIN_BUDGET_US, 0, 0, 0));
    KT_OK(configure(sc, MAX_PERIOD_US, MAX_PERIOD_US, 0, 0, 0));
}

KTEST(sched_configure_budget_below_minimum)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(configure(sc, MIN_BUDGET_US - 1, 1000, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
    KT_ERR(configure(sc, 0, 1000, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
}

KTEST(sched_configure_budget_above_maximum)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(configure(sc, MAX_PERIOD_US + 1, MAX_PERIOD_US + 1, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
    /* a huge value must not wrap around in the conversion to ticks */
    KT_ERR(configure(sc, ~0ul, ~0ul, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
}

KTEST(sched_configure_period_out_of_range)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(configure(sc, MIN_BUDGET_US, MIN_BUDGET_US - 1, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
    KT_ERR(configure(sc, 1000, MAX_PERIOD_US + 1, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
}

KTEST(sched_configure_budget_above_period)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(configure(sc, 2000, 1000, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, 1000);
    KT_ERR(configure(sc, 1001, 1000, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, 1000);
}

KTEST(sched_configure_too_many_extra_refills)
{
    KT_CAP(small, kt_alloc(seL4_SchedContextObject, seL4_MinSchedContextBits));
    KT_EQ(max_extra_refills(seL4_MinSchedContextBits), 0);
    KT_ERR(configure(small, 1000, 10000, 1, 0, 0), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 0);
    KT_OK(configure(small, 1000, 10000, 0, 0, 0));

    KT_CAP(big, kt_alloc(seL4_SchedContextObject, 10));
    seL4_Word max = max_extra_refills(10);
    KT_ERR(configure(big, 1000, 10000, max + 1, 0, 0), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, max);
    KT_ERR(configure(big, 1000, 10000, ~0ul, 0, 0), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, max);
    KT_OK(configure(big, 1000, 10000, max, 0, 0));
}

KTEST(sched_configure_needs_sched_context_cap)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(configure(ep, 1000, 1000, 0, 0, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_ERR(configure(seL4_CapInitThreadTCB, 1000, 1000, 0, 0, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(sched_configure_checks_times_before_the_cap)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, seL4_MinSchedContextBits));
    /* seL4 range-checks budget and period before it looks at the target cap ... */
    KT_ERR(configure(ep, 10, 1000, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, MAX_PERIOD_US);
    KT_ERR(configure(ep, 2000, 1000, 0, 0, 0), seL4_RangeError);
    KT_MR(0, MIN_BUDGET_US);
    KT_MR(1, 1000);
    /* ... and the cap before the number of refills */
    KT_ERR(configure(ep, 1000, 2000, 1000, 0, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_ERR(configure(sc, 1000, 2000, 1000, 0, 0), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 0);
}

KTEST(sched_configure_truncated)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    /* four words instead of five */
    seL4_SetMR(0, 1000);
    seL4_SetMR(1, 1000);
    seL4_SetMR(2, 0);
    seL4_SetMR(3, 0);
    seL4_SetCap(0, sc);
    KT_ERR(lark_invoke_error(kt_sched_control(), SchedControlConfigureFlags, 1, 4),
           seL4_TruncatedMessage);
    /* five words but no SC cap */
    for (int i = 0; i < 5; i++) {
        seL4_SetMR(i, 1000);
    }
    KT_ERR(lark_invoke_error(kt_sched_control(), SchedControlConfigureFlags, 0, 5),
           seL4_TruncatedMessage);
}

KTEST(sched_control_other_labels_illegal)
{
    KT_ERR(lark_invoke_error(kt_sched_control(), SchedContextBind, 0, 0), seL4_IllegalOperation);
    KT_ERR(lark_invoke_error(kt_sched_control(), TCBSuspend, 0, 0), seL4_IllegalOperation);
}

KTEST(sched_context_other_labels_illegal)
{
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(lark_invoke_error(sc, SchedControlConfigureFlags, 0, 0), seL4_IllegalOperation);
    KT_ERR(lark_invoke_error(sc, TCBResume, 0, 0), seL4_IllegalOperation);
}

/* ---- Bind / Unbind / UnbindObject */
KTEST(sched_bind_gives_passive_thread_the_cpu)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, spinner, KT_PRIO));
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_EQ(t->counter, 0);
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    yield_n(2);
    KT_NE(t->counter, 0);
}

KTEST(sched_configure_activates_bound_sc)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, spinner, KT_PRIO));
    KT_DO(kt_thread_start(t));
    /* a runnable thread may take an SC that is not configured yet: it still cannot run */
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    yield_n(3);
    KT_EQ(t->counter, 0);
    KT_OK(configure(sc, 1000, 1000, 0, 0, 0));
    yield_n(2);
    KT_NE(t->counter, 0);
}

KTEST(sched_bind_sc_already_bound_to_tcb)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, spinner, KT_PRIO));
    KT_DO(kt_thread_new_passive(b, spinner, KT_PRIO));
    KT_ERR(seL4_SchedContext_Bind(a->sc, b->tcb), seL4_IllegalOperation);
    /* seL4 checks per object type: the SC may still take a notification */
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_SchedContext_Bind(a->sc, ntfn));
    KT_ERR(seL4_SchedContext_Bind(a->sc, b->tcb), seL4_IllegalOperation);
}

KTEST(sched_bind_tcb_that_has_an_sc)
{
    kt_thread_t *a = &kt_threads[0];
    KT_DO(kt_thread_new(a, spinner, KT_PRIO));
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_ERR(seL4_SchedContext_Bind(sc, a->tcb), seL4_IllegalOperation);
    KT_ERR(seL4_SchedContext_Bind(sc, seL4_CapInitThreadTCB), seL4_IllegalOperation);
}

KTEST(sched_bind_notification_twice)
{
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_CAP(sc2, new_sc(8, 1000, 1000));
    KT_CAP(n1, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(n2, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_SchedContext_Bind(sc, n1));
    KT_ERR(seL4_SchedContext_Bind(sc, n2), seL4_IllegalOperation);
    KT_ERR(seL4_SchedContext_Bind(sc2, n1), seL4_IllegalOperation);
    KT_OK(seL4_SchedContext_Bind(sc2, n2));
    /* an SC bound to a notification may also take a thread (and the thread runs on it) */
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, spinner, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    yield_n(2);
    KT_NE(t->counter, 0);
    KT_ERR(seL4_SchedContext_Bind(sc, n2), seL4_IllegalOperation);
}

KTEST(sched_bind_wrong_cap_type)
{
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(seL4_SchedContext_Bind(sc, ep), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_ERR(seL4_SchedContext_Bind(sc, seL4_CapInitThreadCNode), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(sched_bind_without_cap_truncated)
{
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_ERR(lark_invoke_error(sc, SchedContextBind, 0, 0), seL4_TruncatedMessage);
    KT_ERR(lark_invoke_error(sc, SchedContextUnbindObject, 0, 0), seL4_TruncatedMessage);
}

KTEST(sched_bind_unconfigured_sc_to_blocked_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    t->arg[0] = ntfn;
    KT_DO(kt_thread_start(t));
    yield_n(2); /* it blocks in Wait */
    KT_OK(seL4_SchedContext_UnbindObject(t->sc, t->tcb));
    KT_CAP(fresh, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(seL4_SchedContext_Bind(fresh, t->tcb), seL4_IllegalOperation);
    KT_OK(seL4_SchedContext_Bind(t->sc, t->tcb));
    seL4_Signal(ntfn);
    yield_n(2);
    KT_EQ(t->counter, 1);
}

KTEST(sched_unbind_object_checks)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, spinner, KT_PRIO));
    KT_DO(kt_thread_new(b, spinner, KT_PRIO));
    KT_ERR(seL4_SchedContext_UnbindObject(a->sc, b->tcb), seL4_IllegalOperation);
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_ERR(seL4_SchedContext_UnbindObject(a->sc, ntfn), seL4_IllegalOperation);
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(seL4_SchedContext_UnbindObject(a->sc, ep), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_OK(seL4_SchedContext_UnbindObject(a->sc, a->tcb));
    KT_ERR(seL4_SchedContext_UnbindObject(a->sc, a->tcb), seL4_IllegalOperation);
    /* now free: it binds again, to b's neighbour a */
    KT_OK(seL4_SchedContext_Bind(a->sc, a->tcb));
}

KTEST(sched_unbind_object_notification)
{
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_CAP(n1, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(n2, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_SchedContext_Bind(sc, n1));
    KT_ERR(seL4_SchedContext_UnbindObject(sc, n2), seL4_IllegalOperation);
    KT_OK(seL4_SchedContext_UnbindObject(sc, n1));
    KT_OK(seL4_SchedContext_Bind(sc, n2));
    KT_OK(seL4_SchedContext_Unbind(sc));
    KT_OK(seL4_SchedContext_Bind(sc, n1));
}

KTEST(sched_unbind_own_sc_illegal)
{
    KT_ERR(seL4_SchedContext_Unbind(seL4_CapInitThreadSC), seL4_IllegalOperation);
    KT_ERR(seL4_SchedContext_UnbindObject(seL4_CapInitThreadSC, seL4_CapInitThreadTCB),
           seL4_IllegalOperation);
    /* still running on it */
    seL4_Yield();
    KT_TRUE(seL4_DebugCapIdentify(seL4_CapInitThreadSC) == KT_CAP_SCHED_CONTEXT);
}

KTEST(sched_unbind_stops_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO));
    KT_OK(configure(t->sc, 1000, 1000, 0, 0, 0));
    KT_DO(kt_thread_start(t));
    yield_n(2);
    KT_NE(t->counter, 0);
    KT_OK(seL4_SchedContext_Unbind(t->sc));
    seL4_Word c = t->counter;
    yield_n(5);
    KT_EQ(t->counter, c);
    KT_OK(seL4_SchedContext_Bind(t->sc, t->tcb));
    yield_n(2);
    KT_NE(t->counter, c);
}

KTEST(sched_delete_bound_sc_stops_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO));
    KT_OK(configure(t->sc, 1000, 1000, 0, 0, 0));
    KT_DO(kt_thread_start(t));
    yield_n(2);
    KT_NE(t->counter, 0);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->sc, KT_DEPTH));
    seL4_Word c = t->counter;
    yield_n(5);
    KT_EQ(t->counter, c);
    /* the thread has no SC any more: a new one binds */
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    yield_n(2);
    KT_NE(t->counter, c);
}

KTEST(sched_bound_notification_sc_lent_to_passive_waiter)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO + 1));
    t->arg[0] = ntfn;
    KT_DO(kt_thread_start(t)); /* runs at once (higher priority) and blocks in Wait */
    KT_EQ(t->counter, 0);
    /* make it passive: its SC now belongs to the notification */
    KT_OK(seL4_SchedContext_UnbindObject(t->sc, t->tcb));
    KT_OK(seL4_SchedContext_Bind(t->sc, ntfn));
    seL4_Signal(ntfn);
    KT_EQ(t->counter, 1);
    seL4_Signal(ntfn);
    KT_EQ(t->counter, 2);
    /* without the SC on the notification, a signal cannot make it run */
    KT_OK(seL4_SchedContext_UnbindObject(t->sc, ntfn));
    seL4_Signal(ntfn);
    yield_n(3);
    KT_EQ(t->counter, 2);
}

/* arg[0] = endpoint, arg[1] = reply object: waits for messages or bound signals, counts. */
static void endpoint_server(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_Recv(t->arg[0], &badge, t->arg[1]);
        t->counter++;
        t->result[0] = badge;
    }
}

KTEST(sched_bound_notification_wakes_passive_endpoint_server)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(badged, kt_mint(ntfn, seL4_AllRights, 0x8));
    KT_DO(kt_thread_new(t, endpoint_server, KT_PRIO + 1));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_OK(seL4_TCB_BindNotification(t->tcb, ntfn));
    KT_DO(kt_thread_start(t)); /* blocks in Recv on the endpoint */
    KT_OK(seL4_SchedContext_UnbindObject(t->sc, t->tcb));
    KT_OK(seL4_SchedContext_Bind(t->sc, ntfn));
    /* a signal to its bound notification lends it the notification's SC */
    seL4_Signal(badged);
    KT_EQ(t->counter, 1);
    KT_EQ(t->result[0], 0x8);
    seL4_Signal(badged);
    KT_EQ(t->counter, 2);
}

/* ---- Consumed */
KTEST(sched_consumed_fresh_sc_is_zero)
{
    KT_CAP(sc, new_sc(8, 1000, 1000));
    seL4_SchedContext_Consumed_t r = seL4_SchedContext_Consumed(sc);
    KT_OK(r.error);
    KT_EQ(r.consumed, 0);
}

KTEST(sched_consumed_counts_and_resets)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO));
    KT_OK(configure(t->sc, 1000, 1000, 0, 0, 0));
    KT_DO(kt_thread_start(t));
    yield_n(3); /* it spins three full timeslices of 1 ms */
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_SchedContext_Consumed_t r = seL4_SchedContext_Consumed(t->sc);
    KT_OK(r.error);
    KT_GE(r.consumed, 2900);
    KT_LE(r.consumed, 3300);
    r = seL4_SchedContext_Consumed(t->sc);
    KT_OK(r.error);
    KT_EQ(r.consumed, 0);
}

KTEST(sched_consumed_of_own_sc)
{
    seL4_SchedContext_Consumed_t r = seL4_SchedContext_Consumed(seL4_CapInitThreadSC);
    KT_OK(r.error);
    volatile seL4_Word n = 0;
    count_to(&n, 250000);
    /* The running SC is charged at Yield (not at Consumed itself, as on seL4) */
    seL4_Yield();
    r = seL4_SchedContext_Consumed(seL4_CapInitThreadSC);
    KT_OK(r.error);
    KT_GE(r.consumed, 500);
}

/* ---- YieldTo */
KTEST(sched_yield_to_checks)
{
    KT_CAP(unbound, new_sc(8, 1000, 1000));
    seL4_SchedContext_YieldTo_t r = seL4_SchedContext_YieldTo(unbound);
    KT_ERR(r.error, seL4_IllegalOperation);
    r = seL4_SchedContext_YieldTo(seL4_CapInitThreadSC);
    KT_ERR(r.error, seL4_IllegalOperation);
}

/* arg[0] = an SC whose thread's priority is above this thread's MCP. */
static void yield_to_above_mcp(kt_thread_t *t)
{
    seL4_SchedContext_YieldTo_t r = seL4_SchedContext_YieldTo(t->arg[0]);
    t->result[0] = (seL4_Word)r.error;
}

KTEST(sched_yield_to_priority_above_mcp)
{
    kt_thread_t *high = &kt_threads[0], *caller = &kt_threads[1];
    KT_DO(kt_thread_new(high, spinner, KT_PRIO + 2)); /* never started */
    KT_DO(kt_thread_new(caller, yield_to_above_mcp, KT_PRIO + 1)); /* MCP = KT_PRIO + 1 */
    caller->arg[0] = high->sc;
    caller->result[0] = ~0ul;
    KT_DO(kt_thread_start(caller)); /* higher priority: done before Resume returns */
    KT_TRUE(caller->done);
    KT_ERR(caller->result[0], seL4_IllegalOperation);
}

KTEST(sched_yield_to_runs_target_first)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO));
    KT_OK(configure(t->sc, 1000, 1000, 0, 0, 0));
    KT_DO(kt_thread_start(t));
    KT_EQ(t->counter, 0); /* same priority: queued behind us */
    seL4_SchedContext_YieldTo_t r = seL4_SchedContext_YieldTo(t->sc);
    KT_OK(r.error);
    KT_NE(t->counter, 0);
    /* the result is what the target consumed, reported when we run again: a timeslice */
    KT_GE(r.consumed, 900);
    KT_LE(r.consumed, 1200);
}

KTEST(sched_yield_to_lower_priority_returns_at_once)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO - 1));
    KT_DO(kt_thread_start(t));
    seL4_SchedContext_YieldTo_t r = seL4_SchedContext_YieldTo(t->sc);
    KT_OK(r.error);
    KT_EQ(t->counter, 0);
    KT_EQ(r.consumed, 0);
}

/* ---- priorities */
KTEST(sched_higher_priority_runs_first)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO + 1));
    KT_DO(kt_thread_start(t));
    /* it preempted us as soon as it became runnable */
    KT_EQ(t->counter, 1);
    KT_TRUE(t->done);
}

KTEST(sched_lower_priority_waits)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(t, flag_and_signal, KT_PRIO - 1));
    t->arg[0] = ntfn;
    KT_DO(kt_thread_start(t));
    yield_n(5); /* Yield never hands the CPU to a lower priority */
    KT_EQ(t->counter, 0);
    seL4_Word badge;
    seL4_Wait(ntfn, &badge); /* we block: now it runs */
    KT_EQ(t->counter, 1);
}

KTEST(sched_signal_preempts_for_higher_priority)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(badged, kt_mint(ntfn, seL4_AllRights, 0x42));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO + 1));
    t->arg[0] = ntfn;
    KT_DO(kt_thread_start(t));
    KT_EQ(t->counter, 0);
    seL4_Signal(badged);
    KT_EQ(t->counter, 1);
    KT_EQ(t->result[0], 0x42);
    seL4_Signal(badged);
    KT_EQ(t->counter, 2);
}

KTEST(sched_set_priority_above_root_preempts)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO - 1));
    KT_DO(kt_thread_start(t));
    KT_EQ(t->counter, 0);
    KT_OK(seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, KT_PRIO + 1));
    KT_EQ(t->counter, 1);
}

/* ---- Yield and round robin */
KTEST(sched_yield_alternates_same_priority)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, yielder, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_EQ(t->counter, 0);
    for (seL4_Word i = 1; i <= 10; i++) {
        seL4_Yield();
        KT_EQ(t->counter, i);
    }
}

KTEST(sched_yield_alone_returns)
{
    for (int i = 0; i < 100; i++) {
        seL4_Yield();
    }
    KT_TRUE(true);
}

/* arg[0] = the other thread, arg[1] = iterations, arg[2] = notification signalled at the end;
 * result[0] = the other's counter halfway. */
static void rr_spinner(kt_thread_t *t)
{
    kt_thread_t *other = (kt_thread_t *)t->arg[0];
    seL4_Word n = t->arg[1];
    for (seL4_Word i = 0; i < n; i++) {
        t->counter++;
        if (i == n / 2) {
            t->result[0] = other->counter;
        }
    }
    seL4_Signal(t->arg[2]);
}

KTEST(sched_round_robin_shares_priority)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(a, rr_spinner, KT_PRIO));
    KT_DO(kt_thread_new(b, rr_spinner, KT_PRIO));
    KT_OK(configure(a->sc, 500, 500, 0, 0, 0));
    KT_OK(configure(b->sc, 500, 500, 0, 0, 0));
    a->arg[0] = (seL4_Word)b;
    b->arg[0] = (seL4_Word)a;
    a->arg[1] = b->arg[1] = 1000000; /* several ms each: many 0.5 ms timeslices */
    KT_CAP(na, kt_mint(ntfn, seL4_AllRights, 1));
    KT_CAP(nb, kt_mint(ntfn, seL4_AllRights, 2));
    a->arg[2] = na;
    b->arg[2] = nb;
    KT_DO(kt_thread_start(a));
    KT_DO(kt_thread_start(b));
    seL4_Word seen = 0;
    while (seen != 3) {
        seL4_Word badge = 0;
        seL4_Wait(ntfn, &badge); /* off the CPU: the two share it */
        seen |= badge;
    }
    KT_NE(a->result[0], 0);
    KT_NE(b->result[0], 0);
    KT_NE(a->result[0], 1000000);
    KT_NE(b->result[0], 1000000);
}

/* ---- budget enforcement */
KTEST(sched_budget_limits_cpu_share)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO + 1));
    KT_OK(configure(t->sc, 2000, 10000, 0, 0, 0)); /* 20% */
    KT_DO(kt_thread_start(t));
    /* t spins above us; we only run while it waits for its next refill */
    volatile seL4_Word mine = 0;
    count_to(&mine, 8000000);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_Word theirs = t->counter;
    KT_NE(theirs, 0);
    /* both loops cost the same: their share of the iterations is their share of the CPU */
    seL4_Word share = theirs * 100 / (theirs + mine);
    KT_GE(share, 14);
    KT_LE(share, 26);
}

KTEST(sched_budget_shares_with_same_priority)
{
    kt_thread_t *limited = &kt_threads[0], *other = &kt_threads[1];
    KT_DO(kt_thread_new(limited, spinner, KT_PRIO + 1));
    KT_DO(kt_thread_new(other, spinner, KT_PRIO + 1));
    KT_OK(configure(limited->sc, 1000, 4000, 0, 0, 0)); /* 25% */
    KT_OK(configure(other->sc, 1000, 2000, 0, 0, 0));   /* 50% */
    KT_DO(kt_thread_start(limited));
    KT_DO(kt_thread_start(other));
    volatile seL4_Word mine = 0;
    count_to(&mine, 8000000);
    KT_OK(seL4_TCB_Suspend(limited->tcb));
    KT_OK(seL4_TCB_Suspend(other->tcb));
    seL4_Word a = limited->counter, b = other->counter;
    seL4_Word total = a + b + mine;
    KT_NE(a, 0);
    KT_NE(b, 0);
    KT_GE(a * 100 / total, 18);
    KT_LE(a * 100 / total, 31);
    KT_GE(b * 100 / total, 40);
    KT_LE(b * 100 / total, 56);
}

KTEST(sched_configure_running_thread_changes_budget)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO + 1));
    KT_OK(configure(t->sc, 1000, 10000, 0, 0, 0)); /* 10% */
    KT_DO(kt_thread_start(t));
    volatile seL4_Word mine = 0;
    count_to(&mine, 4000000);
    KT_OK(configure(t->sc, 5000, 10000, 0, 0, 0)); /* 50% */
    seL4_Word before_change = t->counter;
    /* The extra budget is first released one period after the current refill (no window
     * of the new period may see more than the new budget): let that pass, then measure. */
    count_to(&mine, 8000000);
    KT_TRUE(t->counter > before_change);
    seL4_Word before = t->counter, mine_before = mine;
    count_to(&mine, 16000000);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_Word first = before_change * 100 / (before_change + 4000000);
    seL4_Word later = (t->counter - before) * 100 / (t->counter - before + mine - mine_before);
    KT_GE(first, 5);
    KT_LE(first, 15);
    KT_GE(later, 40);
    KT_LE(later, 60);
}

/* ---- a used-up budget cannot be escaped */
/* t spins at KT_PRIO + 1 on 1 ms every 100 ms: by the time this returns it waits for its
 * next refill, 99 ms away. */
static int start_throttled(kt_thread_t *t)
{
    if (kt_thread_new(t, spinner, KT_PRIO + 1) != 0) {
        return -1;
    }
    seL4_Error err = configure(t->sc, 1000, 100000, 0, 0, 0);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "configure: %s", kt_err_name(err));
        return -1;
    }
    return kt_thread_start(t);
}

static void spin_ms(seL4_Word ms)
{
    volatile seL4_Word n = 0;
    count_to(&n, ms * 200000); /* about 5 instructions an iteration */
}

KTEST(sched_suspend_resume_keeps_budget_used)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_throttled(t));
    seL4_Word c = t->counter;
    KT_NE(c, 0);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    KT_OK(seL4_TCB_Resume(t->tcb));
    spin_ms(3);
    KT_EQ(t->counter, c);
}

KTEST(sched_priority_change_keeps_budget_used)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_throttled(t));
    seL4_Word c = t->counter;
    KT_OK(seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, KT_PRIO + 2));
    spin_ms(3);
    KT_EQ(t->counter, c);
}

KTEST(sched_rebinding_used_sc_keeps_budget_used)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(start_throttled(a));
    KT_DO(kt_thread_new_passive(b, spinner, KT_PRIO + 1));
    KT_DO(kt_thread_start(b)); /* runnable, but nothing to run on */
    KT_OK(seL4_SchedContext_UnbindObject(a->sc, a->tcb));
    KT_OK(seL4_SchedContext_Bind(a->sc, b->tcb));
    spin_ms(3);
    KT_EQ(b->counter, 0);
}

KTEST(sched_reconfigure_same_budget_keeps_budget_used)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(start_throttled(t));
    seL4_Word c = t->counter;
    KT_OK(configure(t->sc, 1000, 100000, 0, 0, 0));
    spin_ms(3);
    KT_EQ(t->counter, c);
}

KTEST(sched_many_threads_mixed_budgets)
{
    static const struct {
        seL4_Word prio, budget, period;
    } cfg[] = {
        {KT_PRIO + 2, 300, 3000}, {KT_PRIO + 2, 500, 5000}, {KT_PRIO + 1, 1000, 10000},
        {KT_PRIO + 1, 200, 2000}, {KT_PRIO + 3, 100, 4000}, {KT_PRIO + 1, 700, 7000},
    };
    enum { N = sizeof(cfg) / sizeof(cfg[0]) };
    for (int i = 0; i < N; i++) {
        kt_thread_t *t = &kt_threads[i];
        KT_DO(kt_thread_new(t, spinner, cfg[i].prio));
        KT_OK(configure(t->sc, cfg[i].budget, cfg[i].period, i % 3, i, i & 1));
    }
    for (int i = 0; i < N; i++) {
        KT_DO(kt_thread_start(&kt_threads[i]));
    }
    volatile seL4_Word mine = 0;
    count_to(&mine, 4000000);
    for (int i = 0; i < N; i++) {
        KT_OK(seL4_TCB_Suspend(kt_threads[i].tcb));
    }
    seL4_Word total = mine;
    for (int i = 0; i < N; i++) {
        total += kt_threads[i].counter;
    }
    /* every helper had its 10% or less (2.5% for the last-but-one), and we got the rest */
    for (int i = 0; i < N; i++) {
        KT_NE(kt_threads[i].counter, 0);
        KT_LE(kt_threads[i].counter * 1000 / total, cfg[i].budget * 1000 / cfg[i].period + 25);
    }
    KT_GE(mine * 100 / total, 35);
}

/* ---- timeout faults */
static int timeout_setup(kt_thread_t *t, seL4_CPtr *ep_out, seL4_Word budget, seL4_Word period,
                         seL4_Word sc_badge)
{
    seL4_CPtr ep = kt_alloc(seL4_EndpointObject, 0);
    if (ep == 0) {
        return -1;
    }
    seL4_CPtr badged = kt_mint(ep, seL4_AllRights, 0x99);
    if (badged == 0 || kt_thread_new(t, spinner, KT_PRIO) != 0) {
        return -1;
    }
    seL4_Error err = configure(t->sc, budget, period, 0, sc_badge, 0);
    if (err == seL4_NoError) {
        err = seL4_TCB_SetTimeoutEndpoint(t->tcb, badged);
    }
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "timeout setup: %s", kt_err_name(err));
        return -1;
    }
    *ep_out = ep;
    return kt_thread_start(t);
}

KTEST(sched_timeout_fault_message)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 10000, 0x55));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_EQ(seL4_MessageInfo_get_length(info), seL4_Timeout_Length);
    KT_EQ(badge, 0x99);
    KT_MR(seL4_Timeout_Data, 0x55);
    KT_GE(seL4_GetMR(seL4_Timeout_Consumed), 900);
    KT_LE(seL4_GetMR(seL4_Timeout_Consumed), 1100);
    KT_NE(t->counter, 0);
}

KTEST(sched_timeout_fault_reply_resumes)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 5000, 7));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    seL4_Word c1 = t->counter;
    for (int round = 0; round < 3; round++) {
        /* label 0: the thread carries on when its budget comes back */
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), &badge, reply);
        KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
        KT_MR(seL4_Timeout_Data, 7);
        KT_GE(seL4_GetMR(seL4_Timeout_Consumed), 900);
        KT_LE(seL4_GetMR(seL4_Timeout_Consumed), 1100);
        KT_TRUE(t->counter > c1);
        c1 = t->counter;
    }
}

KTEST(sched_timeout_fault_blocks_until_reply)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 2000, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_MR(seL4_Timeout_Data, 0);
    /* no reply yet: the thread stays blocked however long we wait */
    seL4_Word c = t->counter;
    volatile seL4_Word n = 0;
    for (int i = 0; i < 2000000; i++) {
        n++;
    }
    yield_n(3);
    KT_EQ(t->counter, c);
}

KTEST(sched_round_robin_sc_never_times_out)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 1000, 0x55));
    seL4_Word c = 0;
    for (int i = 0; i < 5; i++) {
        seL4_Yield(); /* it spins a whole timeslice, then round robin brings us back */
        KT_TRUE(t->counter > c);
        c = t->counter;
    }
}

KTEST(sched_budget_without_timeout_endpoint_throttles)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO + 1));
    KT_OK(configure(t->sc, 1000, 100000, 0, 0, 0)); /* 1 ms per 100 ms */
    KT_DO(kt_thread_start(t));
    /* we run again once its budget is gone, long before its next period */
    seL4_Word c = t->counter;
    KT_NE(c, 0);
    volatile seL4_Word n = 0;
    for (int i = 0; i < 1000000; i++) {
        n++;
    }
    KT_EQ(t->counter, c);
    KT_OK(seL4_TCB_Suspend(t->tcb));
}

/* arg[0] = a notification nobody waits on: a syscall every iteration, so the budget often
 * runs out on kernel entry (the syscall is restarted after the fault is handled). */
static void signalling_spinner(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
        seL4_Signal(t->arg[0]);
    }
}

KTEST(sched_timeout_fault_in_syscalls_restarts)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(t, signalling_spinner, KT_PRIO));
    t->arg[0] = ntfn;
    KT_OK(configure(t->sc, 500, 2000, 0, 0x31, 0));
    KT_OK(seL4_TCB_SetTimeoutEndpoint(t->tcb, ep));
    KT_DO(kt_thread_start(t));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = ~0ul;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0);
    for (int round = 0; round < 4; round++) {
        KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
        KT_EQ(seL4_MessageInfo_get_length(info), seL4_Timeout_Length);
        KT_MR(seL4_Timeout_Data, 0x31);
        KT_GE(seL4_GetMR(seL4_Timeout_Consumed), 450);
        KT_LE(seL4_GetMR(seL4_Timeout_Consumed), 600);
        seL4_Word c = t->counter;
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), &badge, reply);
        KT_TRUE(t->counter > c);
    }
}

KTEST(sched_timeout_fault_reply_nonzero_label_stops_thread)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 2000, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    seL4_Send(reply, seL4_MessageInfo_new(1, 0, 0, 0));
    seL4_Word c = t->counter;
    volatile seL4_Word n = 0;
    count_to(&n, 2000000); /* several periods */
    KT_EQ(t->counter, c);
    /* Resume restarts it, and it faults again when the budget runs out */
    KT_OK(seL4_TCB_Resume(t->tcb));
    info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_TRUE(t->counter > c);
}

static volatile seL4_Word redirected_runs;

/* Where a timeout handler sends the spinner: it never returns (its ra is not meaningful). */
static void __attribute__((noreturn, noinline)) redirected_entry(void)
{
    for (;;) {
        redirected_runs++;
    }
}

KTEST(sched_timeout_reply_sets_registers)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    redirected_runs = 0;
    KT_DO(timeout_setup(t, &ep, 1000, 2000, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    /* a one-word reply sets the FaultIP: the thread goes on somewhere else */
    seL4_SetMR(seL4_TimeoutReply_FaultIP, (seL4_Word)redirected_entry);
    info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_NE(redirected_runs, 0);
    seL4_Word c = t->counter;
    seL4_Word r = redirected_runs;
    info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_EQ(t->counter, c);
    KT_TRUE(redirected_runs > r);
}

KTEST(sched_timeout_handler_can_raise_budget)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 10000, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    /* round robin from now on (a fresh timeslice: the thread is not runnable, so seL4 does
     * not carry its used budget over): no more timeout faults, it shares the CPU with us */
    KT_OK(configure(t->sc, 1000, 1000, 0, 0, 0));
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Word c = t->counter;
    for (int i = 0; i < 4; i++) {
        seL4_Yield();
        KT_TRUE(t->counter > c);
        c = t->counter;
    }
    info = seL4_NBRecv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
}

KTEST(sched_timeout_endpoint_removed_throttles)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 3000, 0));
    KT_OK(seL4_TCB_SetTimeoutEndpoint(t->tcb, seL4_CapNull));
    /* no handler: the thread waits for its refills instead, and never blocks on ep */
    seL4_Word c = t->counter;
    for (int i = 0; i < 4; i++) {
        volatile seL4_Word n = 0;
        count_to(&n, 1000000);
        seL4_Yield();
        KT_TRUE(t->counter > c);
        c = t->counter;
    }
    seL4_Word badge = 0;
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
}

KTEST(sched_consumed_reset_by_timeout_fault)
{
    kt_thread_t *t = &kt_threads[0];
    seL4_CPtr ep;
    KT_DO(timeout_setup(t, &ep, 1000, 10000, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_GE(seL4_GetMR(seL4_Timeout_Consumed), 900);
    /* the fault message took the consumed time with it */
    seL4_SchedContext_Consumed_t r = seL4_SchedContext_Consumed(t->sc);
    KT_OK(r.error);
    KT_LE(r.consumed, 50);
}

KTEST(sched_delete_sc_waiting_for_refill)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO + 1));
    KT_OK(configure(t->sc, 500, 5000, 0, 0, 0));
    KT_DO(kt_thread_start(t)); /* spins 0.5 ms, then waits in the release queue */
    seL4_Word c = t->counter;
    KT_NE(c, 0);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->sc, KT_DEPTH));
    volatile seL4_Word n = 0;
    count_to(&n, 3000000); /* past the release time it had */
    KT_EQ(t->counter, c);
}

KTEST(sched_bind_to_suspended_thread_waits_for_resume)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, spinner, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_OK(seL4_TCB_Suspend(t->tcb));
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    yield_n(3);
    KT_EQ(t->counter, 0);
    KT_OK(seL4_TCB_Resume(t->tcb));
    yield_n(2);
    KT_NE(t->counter, 0);
}

KTEST(sched_yield_to_blocked_thread_returns)
{
    kt_thread_t *t = &kt_threads[0];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(t, waiter, KT_PRIO));
    t->arg[0] = ntfn;
    KT_DO(kt_thread_start(t));
    yield_n(2); /* it blocks in Wait */
    seL4_SchedContext_YieldTo_t r = seL4_SchedContext_YieldTo(t->sc);
    KT_OK(r.error);
    KT_EQ(t->counter, 0);
    KT_LE(r.consumed, 50);
}

static volatile char rr_log[32];
static volatile seL4_Word rr_log_len;

/* arg[0] = its letter: logs it and yields, five times. */
static void logging_yielder(kt_thread_t *t)
{
    for (int i = 0; i < 5; i++) {
        rr_log[rr_log_len++] = (char)t->arg[0];
        seL4_Yield();
    }
}

KTEST(sched_yield_round_robin_order)
{
    kt_memset((void *)rr_log, 0, sizeof(rr_log));
    rr_log_len = 0;
    kt_thread_t *th[3] = {&kt_threads[0], &kt_threads[1], &kt_threads[2]};
    for (int i = 0; i < 3; i++) {
        KT_DO(kt_thread_new(th[i], logging_yielder, KT_PRIO));
        th[i]->arg[0] = (seL4_Word)('a' + i);
        KT_DO(kt_thread_start(th[i])); /* queued behind us in this order */
    }
    KT_EQ(rr_log_len, 0);
    KT_TRUE(kt_wait_done(th[2], 20));
    KT_TRUE(th[0]->done && th[1]->done);
    /* each Yield sends its caller to the back of the queue: strict turns */
    KT_EQ(kt_strcmp((const char *)rr_log, "abcabcabcabcabc"), 0);
}

KTEST(sched_bind_queues_thread_first_in_its_priority)
{
    kt_memset((void *)rr_log, 0, sizeof(rr_log));
    rr_log_len = 0;
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, logging_yielder, KT_PRIO));
    KT_DO(kt_thread_new_passive(b, logging_yielder, KT_PRIO));
    a->arg[0] = 'a';
    b->arg[0] = 'b';
    KT_DO(kt_thread_start(a)); /* queued behind us */
    KT_DO(kt_thread_start(b)); /* no SC: not queued */
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_OK(seL4_SchedContext_Bind(sc, b->tcb)); /* seL4 queues it at the head */
    KT_EQ(rr_log_len, 0);
    KT_TRUE(kt_wait_done(a, 20));
    KT_TRUE(kt_wait_done(b, 20));
    KT_EQ(kt_strcmp((const char *)rr_log, "bababababa"), 0);
}

KTEST(sched_set_priority_queues_thread_first)
{
    kt_memset((void *)rr_log, 0, sizeof(rr_log));
    rr_log_len = 0;
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, logging_yielder, KT_PRIO));
    KT_DO(kt_thread_new(b, logging_yielder, KT_PRIO));
    a->arg[0] = 'a';
    b->arg[0] = 'b';
    KT_DO(kt_thread_start(a));
    KT_DO(kt_thread_start(b)); /* queued: a, b */
    /* even to the same value, seL4 requeues it at the head of its priority */
    KT_OK(seL4_TCB_SetPriority(b->tcb, seL4_CapInitThreadTCB, KT_PRIO));
    KT_EQ(rr_log_len, 0);
    KT_TRUE(kt_wait_done(a, 20));
    KT_TRUE(kt_wait_done(b, 20));
    KT_EQ(kt_strcmp((const char *)rr_log, "bababababa"), 0);
}

KTEST(sched_sporadic_budget_limits_cpu_share)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, spinner, KT_PRIO + 1));
    KT_OK(configure(t->sc, 1000, 4000, 4, 0, seL4_SchedContext_Sporadic)); /* 25% */
    KT_DO(kt_thread_start(t));
    volatile seL4_Word mine = 0;
    count_to(&mine, 8000000);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_Word share = t->counter * 100 / (t->counter + mine);
    KT_GE(share, 19);
    KT_LE(share, 31);
}

/* arg[0] = endpoint, arg[1] = reply object: takes one call, then spins on the caller's SC. */
static void spinning_server(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = 1;
    count_to(&t->counter, ~0ul);
}

/* arg[0] = endpoint: calls it once. */
static void caller(kt_thread_t *t)
{
    seL4_Call(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[0] = 1;
}

KTEST(sched_timeout_fault_of_passive_server_carries_client_badge)
{
    kt_thread_t *server = &kt_threads[0], *client = &kt_threads[1];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(tep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(server_reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(server, spinning_server, KT_PRIO + 1));
    server->arg[0] = ep;
    server->arg[1] = server_reply;
    KT_OK(seL4_TCB_SetTimeoutEndpoint(server->tcb, tep));
    KT_DO(kt_thread_start(server)); /* blocks in Recv at once */
    KT_EQ(server->result[0], 0);
    /* passive from now on: it runs only on SCs donated by its callers */
    KT_OK(seL4_SchedContext_UnbindObject(server->sc, server->tcb));
    KT_DO(kt_thread_new(client, caller, KT_PRIO + 1));
    client->arg[0] = ep;
    KT_OK(configure(client->sc, 1000, 10000, 0, 0x77, 0));
    KT_DO(kt_thread_start(client)); /* calls; the server spins on its SC until it is empty */
    KT_EQ(server->result[0], 1);
    KT_EQ(client->result[0], 0);
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = ~0ul;
    seL4_MessageInfo_t info = seL4_NBRecv(tep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_EQ(seL4_MessageInfo_get_length(info), seL4_Timeout_Length);
    KT_MR(seL4_Timeout_Data, 0x77);
    KT_GE(seL4_GetMR(seL4_Timeout_Consumed), 900);
    KT_LE(seL4_GetMR(seL4_Timeout_Consumed), 1100);
}

/* arg[0] = its own SC cap: deletes it, then reports the result. */
static void delete_own_sc(kt_thread_t *t)
{
    seL4_Error err = seL4_CNode_Delete(KT_ROOT, t->arg[0], KT_DEPTH);
    t->result[0] = (seL4_Word)err;
    t->counter = 1;
}

KTEST(sched_reply_with_empty_budget_raises_timeout_fault)
{
    kt_thread_t *server = &kt_threads[0], *client = &kt_threads[1];
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(tep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(server_reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_new(server, spinning_server, KT_PRIO + 1));
    server->arg[0] = ep;
    server->arg[1] = server_reply;
    KT_DO(kt_thread_start(server));
    KT_OK(seL4_SchedContext_UnbindObject(server->sc, server->tcb)); /* passive, no handler */
    KT_DO(kt_thread_new(client, caller, KT_PRIO + 1));
    client->arg[0] = ep;
    KT_OK(configure(client->sc, 1000, 100000, 0, 0x66, 0));
    KT_OK(seL4_TCB_SetTimeoutEndpoint(client->tcb, tep));
    KT_DO(kt_thread_start(client));
    /* the server spun the client's budget away and waits for its refill, 99 ms away */
    KT_EQ(server->result[0], 1);
    KT_NE(server->counter, 0);
    /* we answer the call in the server's place: the SC goes back to the client empty */
    seL4_Send(server_reply, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(client->result[0], 0);
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = ~0ul;
    seL4_MessageInfo_t info = seL4_NBRecv(tep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_Timeout);
    KT_MR(seL4_Timeout_Data, 0x66);
    KT_EQ(badge, 0);
}

KTEST(sched_thread_deleting_its_own_sc_stops)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, delete_own_sc, KT_PRIO + 1));
    t->arg[0] = t->sc;
    t->result[0] = ~0ul;
    KT_DO(kt_thread_start(t));
    /* the delete went through, but the thread has nothing to run on any more */
    KT_TRUE(kt_slot_empty(t->sc));
    yield_n(3);
    KT_EQ(t->counter, 0);
    KT_CAP(sc, new_sc(8, 1000, 1000));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    KT_EQ(t->counter, 1); /* higher priority: runs at once, past its Delete */
    KT_ERR(t->result[0], seL4_NoError);
}

static seL4_Word rng = 0x2545f4914f6cdd1dul;
static seL4_Word next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random SchedControl / SchedContext invocations on a mix of caps: whatever each returns,
 * the kernel stays consistent (the helpers keep being scheduled, we keep running). */
KTEST(sched_random_invocations_keep_kernel_consistent)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(sc1, new_sc(7, 1000, 1000));
    KT_CAP(sc2, kt_alloc(seL4_SchedContextObject, 9));
    KT_DO(kt_thread_new(a, yielder, KT_PRIO));
    KT_DO(kt_thread_new(b, waiter, KT_PRIO));
    b->arg[0] = ntfn;
    KT_DO(kt_thread_start(a));
    KT_DO(kt_thread_start(b));
    const seL4_CPtr scs[] = {sc1, sc2, a->sc, b->sc};
    const seL4_CPtr objs[] = {a->tcb, b->tcb, ntfn, ep, sc1, seL4_CapInitThreadTCB, seL4_CapNull};
    static const seL4_Word times[] = {0, 1, 19, 20, 21, 500, 1000, 5000, 100000,
                                      MAX_PERIOD_US, MAX_PERIOD_US + 1, ~0ul};
    for (int i = 0; i < 3000; i++) {
        seL4_Word r = next_random();
        seL4_CPtr sc = scs[r % 4];
        seL4_CPtr obj = objs[(r >> 8) % 7];
        switch ((r >> 16) % 8) {
        case 7:
            /* a new SC in sc1's slot: whatever the old one was bound to loses it */
            KT_OK(seL4_CNode_Delete(KT_ROOT, sc1, KT_DEPTH));
            KT_OK(seL4_Untyped_Retype(kt_pool, seL4_SchedContextObject, 7, KT_ROOT, 0, 0, sc1, 1));
            break;
        case 0:
        case 1: {
            seL4_Word budget = times[(r >> 24) % 12], period = times[(r >> 32) % 12];
            /* keep every configured SC runnable often enough for the test to finish */
            if (period > 100000 && period <= MAX_PERIOD_US) {
                period = 100000;
            }
            configure(sc, budget, period, (r >> 40) % 12, r >> 48, (r >> 44) & 1);
            break;
        }
        case 2: seL4_SchedContext_Bind(sc, obj); break;
        case 3: seL4_SchedContext_Unbind(sc); break;
        case 4: seL4_SchedContext_UnbindObject(sc, obj); break;
        case 5: seL4_SchedContext_Consumed(sc); break;
        default:
            if ((r >> 24) & 1) {
                seL4_Signal(ntfn);
            } else {
                seL4_SchedContext_YieldTo(sc);
            }
            break;
        }
        if (i % 64 == 0) {
            seL4_Yield();
        }
    }
    /* put everything back in order: the yielder on a fresh SC (the used ones may wait for
     * refills up to 100 ms away) */
    KT_OK(seL4_SchedContext_Unbind(a->sc));
    KT_OK(seL4_SchedContext_Unbind(b->sc));
    KT_OK(seL4_SchedContext_Unbind(sc1));
    KT_OK(seL4_SchedContext_Unbind(sc2));
    KT_CAP(fresh, new_sc(8, 1000, 1000));
    KT_OK(seL4_SchedContext_Bind(fresh, a->tcb));
    seL4_DebugDumpScheduler();
    seL4_Word c = a->counter;
    yield_n(3);
    KT_TRUE(a->counter > c);
}

/* ---- domains and debug */
KTEST(sched_domain_set_zero)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO));
    KT_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, t->tcb));
    KT_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, seL4_CapInitThreadTCB));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 10));
}

KTEST(sched_domain_set_invalid)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO));
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 1, t->tcb), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 255, t->tcb), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 0, ep), seL4_InvalidArgument);
    KT_MR(0, 1);
    /* the domain is checked before the thread cap is looked at */
    seL4_SetMR(0, 1);
    KT_ERR(lark_invoke_error(seL4_CapDomain, DomainSetSet, 0, 1), seL4_InvalidArgument);
    KT_MR(0, 0);
    seL4_SetMR(0, 0);
    KT_ERR(lark_invoke_error(seL4_CapDomain, DomainSetSet, 0, 1), seL4_TruncatedMessage);
    seL4_SetCap(0, t->tcb);
    KT_ERR(lark_invoke_error(seL4_CapDomain, DomainSetSet, 1, 0), seL4_TruncatedMessage);
    KT_ERR(lark_invoke_error(seL4_CapDomain, TCBSuspend, 0, 0), seL4_IllegalOperation);
}

/* One domain and a schedule of two entries (seL4's defaults): only entry 0 is
 * configurable, entry 1 stays the end marker. */
KTEST(sched_domain_schedule_configure)
{
    KT_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, 1000000));
    KT_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 0, 1000), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 0);
    KT_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 1, 1000), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 0);
    KT_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, 1ull << 56), seL4_InvalidArgument);
    KT_MR(0, 2);
    /* the starting entry cannot become an end marker */
    KT_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, 0), seL4_InvalidArgument);
    KT_MR(0, 2);
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 0);
    KT_ERR(lark_invoke_error(seL4_CapDomain, DomainScheduleConfigure, 0, 2), seL4_TruncatedMessage);
    KT_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, (1ull << 56) - 1));
}

KTEST(sched_domain_schedule_set_start)
{
    KT_OK(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0));
    KT_ERR(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 1), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 2), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 1);
    KT_ERR(lark_invoke_error(seL4_CapDomain, DomainScheduleSetStart, 0, 0), seL4_TruncatedMessage);
    /* still running, still scheduled as before */
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 10));
}

KTEST(sched_debug_dump_scheduler)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1], *c = &kt_threads[2];
    KT_CAP(ntfn, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(a, yielder, KT_PRIO));
    KT_DO(kt_thread_new(b, waiter, KT_PRIO + 1));
    KT_DO(kt_thread_new(c, spinner, KT_PRIO + 1));
    b->arg[0] = ntfn;
    KT_OK(configure(c->sc, 100, 100000, 0, 0, 0));
    KT_DO(kt_thread_start(a));
    KT_DO(kt_thread_start(b));
    KT_DO(kt_thread_start(c)); /* runs 100 us, then waits for its refill */
    seL4_DebugDumpScheduler();
    seL4_Yield();
    seL4_DebugDumpScheduler();
    KT_NE(a->counter, 0);
}
