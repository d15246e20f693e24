/* MCS refill arithmetic: the sporadic-server rules of seL4's MCS kernel, written for LarkOS.
 * Pure (no globals but the minimum budget), so tests/unit checks the invariants directly. */
#include <lark/mcs_refill.h>

word_t refill_min_budget = 1;
word_t refill_kernel_wcet = 0;

static word_t next_index(const struct sched_context *sc, word_t i)
{
    return i + 1 == sc->refill_max ? 0 : i + 1;
}

word_t refill_count(const struct sched_context *sc)
{
    if (sc->refill_tail >= sc->refill_head) {
        return sc->refill_tail - sc->refill_head + 1;
    }
    return sc->refill_max - sc->refill_head + sc->refill_tail + 1;
}

struct refill *refill_tail(struct sched_context *sc) { return &sc->refills[sc->refill_tail]; }

struct refill *refill_at(struct sched_context *sc, word_t i)
{
    return &sc->refills[(sc->refill_head + i) % sc->refill_max];
}

static bool refill_single(const struct sched_context *sc)
{
    return sc->refill_head == sc->refill_tail;
}

static bool refill_full(const struct sched_context *sc)
{
    return refill_count(sc) == sc->refill_max;
}

static struct refill pop_head(struct sched_context *sc)
{
    struct refill r = *refill_head(sc);
    sc->refill_head = next_index(sc, sc->refill_head);
    return r;
}

static void add_tail(struct sched_context *sc, struct refill r)
{
    sc->refill_tail = next_index(sc, sc->refill_tail);
    *refill_tail(sc) = r;
}

void refill_new(struct sched_context *sc, word_t max_refills, word_t budget, word_t period,
                word_t now)
{
    sc->period = period;
    sc->budget = budget;
    sc->refill_max = max_refills;
    sc->refill_head = 0;
    sc->refill_tail = 0;
    sc->refills[0].release = now;
    sc->refills[0].amount = budget;
}

void refill_update(struct sched_context *sc, word_t max_refills, word_t budget, word_t period,
                   word_t now)
{
    /* Keep only the head, moved to index 0 so the smaller refill_max cannot cut it off. */
    sc->refills[0] = *refill_head(sc);
    sc->refill_head = 0;
    sc->refill_tail = 0;
    sc->refill_max = max_refills;
    sc->period = period;
    sc->budget = budget;
    if (refill_ready(sc, now)) {
        refill_head(sc)->release = now;
    }
    if (period == 0 || refill_head(sc)->amount >= budget) {
        refill_head(sc)->amount = budget;
        return;
    }
    /* More budget than the head holds: the rest comes one period after the head, so no
     * window of `period` sees more than `budget` (seL4 refill_update). */
    struct refill extra = {refill_head(sc)->release + period, budget - refill_head(sc)->amount};
    add_tail(sc, extra);
}

bool refill_ready(struct sched_context *sc, word_t now)
{
    /* Due within one kernel entry counts as due, as in seL4: the kernel's own run time would
     * otherwise make a thread miss a release it is about to reach. */
    return refill_head(sc)->release <= now + refill_kernel_wcet;
}


bool refill_sufficient(struct sched_context *sc, word_t usage)
{
    return refill_capacity(sc, usage) >= refill_min_budget;
}

/* Schedule consumed budget to come back later; overlapping or touching refills merge, and
 * a full buffer merges into the tail (the budget is delayed, never lost). */
static void schedule_used(struct sched_context *sc, struct refill used)
{
    struct refill *tail = refill_tail(sc);
    if (tail->release + tail->amount >= used.release) {
        tail->amount += used.amount;
    } else if (refill_full(sc)) {
        tail->release = used.release + used.amount - (tail->amount + used.amount);
        tail->amount += used.amount;
    } else {
        add_tail(sc, used);
    }
}

void refill_charge(struct sched_context *sc, word_t usage)
{
    /* Whole refills used up: each returns one period after its release. */
    while (usage > 0 && refill_head(sc)->amount <= usage) {
        usage -= refill_head(sc)->amount;
        if (refill_single(sc)) {
            refill_head(sc)->release += sc->period;
        } else {
            struct refill old = pop_head(sc);
            old.release += sc->period;
            schedule_used(sc, old);
        }
    }
    /* Part of the head used: split it. */
    if (usage > 0) {
        struct refill used = {refill_head(sc)->release + sc->period, usage};
        refill_head(sc)->amount -= usage;
        refill_head(sc)->release += usage;
        schedule_used(sc, used);
    }
    /* A head below the minimum budget cannot run: merge it into the next refill, keeping
     * the end of that refill in place. */
    while (!refill_single(sc) && refill_head(sc)->amount < refill_min_budget) {
        struct refill old = pop_head(sc);
        refill_head(sc)->release -= old.amount;
        refill_head(sc)->amount += old.amount;
    }
}

bool refill_charge_round_robin(struct sched_context *sc, word_t usage, word_t now)
{
    struct refill *head = refill_head(sc);
    head->amount = usage >= head->amount ? 0 : head->amount - usage;
    if (head->amount >= refill_min_budget) {
        return false;
    }
    head->amount = sc->budget;
    head->release = now;
    return true;
}

void refill_unblock_check(struct sched_context *sc, word_t now)
{
    if (sc_is_round_robin(sc) || !refill_ready(sc, now)) {
        return;
    }
    refill_head(sc)->release = now;
    /* Refills that are due by the end of the head join it. */
    while (!refill_single(sc)) {
        struct refill *head = refill_head(sc);
        struct refill *next = &sc->refills[next_index(sc, sc->refill_head)];
        if (next->release > head->release + head->amount) {
            break;
        }
        struct refill old = pop_head(sc);
        refill_head(sc)->release = old.release;
        refill_head(sc)->amount += old.amount;
    }
}

word_t refill_sum(struct sched_context *sc)
{
    word_t sum = 0;
    for (word_t i = 0; i < refill_count(sc); i++) {
        sum += refill_at(sc, i)->amount;
    }
    return sum;
}
