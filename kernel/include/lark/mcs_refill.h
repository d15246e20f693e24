/* MCS refill arithmetic (K2: src/kernel/mcs_refill.c). Pure: unit-tested on the host.
 *
 * A scheduling context's budget is split into refills {release, amount} kept in a circular
 * buffer of refill_max entries (refill_head .. refill_tail, inclusive). Invariants after
 * every operation on a sporadic (periodic) SC: 1 <= count <= refill_max, the amounts sum to
 * the budget, the head holds at least the minimum budget, and each refill ends no later than
 * the next one starts (r[i].release + r[i].amount <= r[i+1].release, seL4 refill_ordered).
 * A round-robin SC (period 0) has one refill: the rest of its timeslice. */
#ifndef LARK_MCS_REFILL_H
#define LARK_MCS_REFILL_H
#include "objects.h"

#define MIN_REFILLS 2          /* seL4: every SC can hold at least two refills */
#define KERNEL_WCET_US 10      /* our estimate of the kernel's worst-case entry, as seL4's */
#define MIN_BUDGET_US (2 * KERNEL_WCET_US)
#define MAX_PERIOD_US (60ULL * 60 * 1000 * 1000) /* one hour, as seL4 */

/* Smallest useful budget in ticks; sched_init sets it from the timebase. */
extern word_t refill_min_budget;
/* The kernel's worst-case run time per entry in ticks (KERNEL_WCET_US). */
extern word_t refill_kernel_wcet;

static inline bool sc_is_round_robin(const struct sched_context *sc) { return sc->period == 0; }
static inline bool sc_is_active(const struct sched_context *sc) { return sc->refill_max > 0; }
/* How many refills fit an SC of 2^bits bytes (seL4 refill_absolute_max). */
static inline word_t refill_absolute_max(unsigned bits) { return SC_REFILLS_FOR_BITS(bits); }

word_t refill_count(const struct sched_context *sc);
/* Inline: the exit of every kernel entry reads the head refill (sched.c). */
static inline struct refill *refill_head(struct sched_context *sc) { return &sc->refills[sc->refill_head]; }
struct refill *refill_tail(struct sched_context *sc);
/* The i-th refill from the head (0 = head). */
struct refill *refill_at(struct sched_context *sc, word_t i);

/* Fresh budget: one refill of `budget` released at `now`. period 0 makes it round robin. */
void refill_new(struct sched_context *sc, word_t max_refills, word_t budget, word_t period,
                word_t now);
/* Reconfigure an SC that is in use, without letting the new budget be exceeded in any
 * window of the new period (seL4 refill_update). */
void refill_update(struct sched_context *sc, word_t max_refills, word_t budget, word_t period,
                   word_t now);
bool refill_ready(struct sched_context *sc, word_t now);
/* Budget left in the head refill after `usage` ticks (0 if usage exceeds it). */
static inline word_t refill_capacity(struct sched_context *sc, word_t usage)
{
    word_t amount = refill_head(sc)->amount;
    return usage >= amount ? 0 : amount - usage;
}
bool refill_sufficient(struct sched_context *sc, word_t usage);
/* Charge `usage` ticks to a sporadic SC: consumed budget comes back one period after it was
 * released (split of the head, merge into the tail when full). */
void refill_charge(struct sched_context *sc, word_t usage);
/* Charge a round-robin SC; true if its timeslice is used up (then it is renewed at `now`). */
bool refill_charge_round_robin(struct sched_context *sc, word_t usage, word_t now);
/* A thread wakes on this SC: refills already due are merged and moved to `now`. */
void refill_unblock_check(struct sched_context *sc, word_t now);
/* Sum of all refill amounts (the invariant: == budget for sporadic SCs). */
word_t refill_sum(struct sched_context *sc);

#endif
