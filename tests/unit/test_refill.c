/* MCS refill arithmetic (src/kernel/mcs_refill.c) against seL4's sporadic-server rules:
 * charging, splitting and merging refills, the minimum budget, reconfiguration, unblocking,
 * round robin, and the invariants after long random runs. */
#include "unit_support.h"
#include <lark/mcs_refill.h>

#define MIN 20  /* refill_min_budget in these tests */
#define WCET 10 /* refill_kernel_wcet */

static struct sched_context *new_sc(unsigned bits)
{
    refill_min_budget = MIN;
    refill_kernel_wcet = WCET;
    struct sched_context *sc = unit_alloc_object(bits);
    sc->size_bits = bits;
    return sc;
}

/* Refills from the head as {release, amount} pairs. */
static void expect_refills(struct sched_context *sc, const word_t (*want)[2], word_t n)
{
    assert_int_equal(refill_count(sc), n);
    for (word_t i = 0; i < n; i++) {
        assert_int_equal(refill_at(sc, i)->release, want[i][0]);
        assert_int_equal(refill_at(sc, i)->amount, want[i][1]);
    }
}

static void set_refills(struct sched_context *sc, word_t max, word_t budget, word_t period,
                        const word_t (*r)[2], word_t n)
{
    sc->refill_max = max;
    sc->budget = budget;
    sc->period = period;
    sc->refill_head = 0;
    sc->refill_tail = (uint32_t)(n - 1);
    for (word_t i = 0; i < n; i++) {
        sc->refills[i] = (struct refill){r[i][0], r[i][1]};
    }
}

static void absolute_max_matches_seL4(void **state)
{
    (void)state;
    assert_int_equal(refill_absolute_max(7), 2);
    assert_int_equal(refill_absolute_max(8), 10);
    assert_int_equal(refill_absolute_max(10), 58);
}

static void new_gives_one_full_refill(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 50);
    const word_t want[][2] = {{50, 100}};
    expect_refills(sc, want, 1);
    assert_int_equal(refill_sum(sc), 100);
    assert_true(sc_is_active(sc));
    assert_false(sc_is_round_robin(sc));
    free(sc);
}

static void ready_allows_one_kernel_wcet(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 50);
    assert_true(refill_ready(sc, 50));
    assert_true(refill_ready(sc, 50 - WCET));
    assert_false(refill_ready(sc, 50 - WCET - 1));
    free(sc);
}

static void capacity_and_sufficient(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 0);
    assert_int_equal(refill_capacity(sc, 30), 70);
    assert_int_equal(refill_capacity(sc, 100), 0);
    assert_int_equal(refill_capacity(sc, 200), 0);
    assert_true(refill_sufficient(sc, 100 - MIN));
    assert_false(refill_sufficient(sc, 100 - MIN + 1));
    free(sc);
}

static void charge_whole_single_refill_moves_it_a_period(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 0);
    refill_charge(sc, 100);
    const word_t want[][2] = {{1000, 100}};
    expect_refills(sc, want, 1);
    free(sc);
}

static void charge_part_splits_the_head(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 0);
    refill_charge(sc, 30);
    const word_t want[][2] = {{30, 70}, {1000, 30}};
    expect_refills(sc, want, 2);
    /* the next use is adjacent to the last: it merges into the tail */
    refill_charge(sc, 30);
    const word_t want2[][2] = {{60, 40}, {1000, 60}};
    expect_refills(sc, want2, 2);
    free(sc);
}

static void charge_into_full_buffer_merges_tail(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 2, 100, 1000, 0);
    refill_charge(sc, 30);
    refill_unblock_check(sc, 500); /* blocked, woke at 500: head moves to 500 */
    const word_t woke[][2] = {{500, 70}, {1000, 30}};
    expect_refills(sc, woke, 2);
    refill_charge(sc, 30);
    /* no room for {1500, 30}: the tail grows and ends where the new refill would */
    const word_t want[][2] = {{530, 40}, {1470, 60}};
    expect_refills(sc, want, 2);
    assert_int_equal(refill_sum(sc), 100);
    free(sc);
}

static void head_below_minimum_merges_into_next(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 0);
    refill_charge(sc, 90); /* head {90, 10} is too small to run on */
    const word_t want[][2] = {{990, 100}};
    expect_refills(sc, want, 1);
    free(sc);
}

static void charge_across_refills(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    const word_t start[][2] = {{0, 50}, {500, 50}};
    set_refills(sc, 4, 100, 1000, start, 2);
    refill_charge(sc, 70);
    const word_t want[][2] = {{520, 30}, {1000, 50}, {1500, 20}};
    expect_refills(sc, want, 3);
    assert_int_equal(refill_sum(sc), 100);
    free(sc);
}

static void charge_wraps_around_the_buffer(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 3, 90, 1000, 0);
    word_t now = 0;
    for (int i = 0; i < 10; i++) {
        refill_unblock_check(sc, now);
        refill_charge(sc, 30);
        now = refill_head(sc)->release + 200;
        assert_int_equal(refill_sum(sc), 90);
        assert_true(refill_count(sc) <= 3);
    }
    free(sc);
}

static void round_robin_timeslice(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, MIN_REFILLS, 100, 0, 0);
    assert_true(sc_is_round_robin(sc));
    assert_false(refill_charge_round_robin(sc, 30, 5));
    assert_int_equal(refill_head(sc)->amount, 70);
    /* less than the minimum left: the slice is over and a full one starts now */
    assert_true(refill_charge_round_robin(sc, 60, 10));
    const word_t want[][2] = {{10, 100}};
    expect_refills(sc, want, 1);
    assert_true(refill_charge_round_robin(sc, 500, 20));
    assert_int_equal(refill_head(sc)->amount, 100);
    free(sc);
}

static void unblock_merges_due_refills(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    const word_t start[][2] = {{0, 30}, {40, 30}, {100, 40}};
    set_refills(sc, 4, 100, 1000, start, 3);
    refill_unblock_check(sc, 200);
    const word_t want[][2] = {{200, 100}};
    expect_refills(sc, want, 1);
    free(sc);
}

static void unblock_keeps_future_refills(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    const word_t start[][2] = {{0, 30}, {1000, 70}};
    set_refills(sc, 4, 100, 1000, start, 2);
    refill_unblock_check(sc, 200);
    const word_t want[][2] = {{200, 30}, {1000, 70}};
    expect_refills(sc, want, 2);
    /* a head not due yet is left alone */
    const word_t later[][2] = {{500, 100}};
    set_refills(sc, 4, 100, 1000, later, 1);
    refill_unblock_check(sc, 100);
    expect_refills(sc, later, 1);
    free(sc);
}

static void unblock_ignores_round_robin(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, MIN_REFILLS, 100, 0, 0);
    refill_unblock_check(sc, 500);
    const word_t want[][2] = {{0, 100}};
    expect_refills(sc, want, 1);
    free(sc);
}

static void update_trims_a_larger_head(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 100, 1000, 0);
    refill_update(sc, 4, 50, 1000, 10);
    const word_t want[][2] = {{10, 50}};
    expect_refills(sc, want, 1);
    assert_int_equal(sc->budget, 50);
    free(sc);
}

static void update_releases_extra_one_period_later(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 30, 1000, 0);
    refill_update(sc, 4, 100, 500, 10);
    const word_t want[][2] = {{10, 30}, {510, 70}};
    expect_refills(sc, want, 2);
    assert_int_equal(sc->period, 500);
    free(sc);
}

static void update_keeps_a_future_head(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 30, 1000, 0);
    refill_charge(sc, 30); /* head {1000, 30} */
    refill_update(sc, 4, 100, 2000, 100);
    const word_t want[][2] = {{1000, 30}, {3000, 70}};
    expect_refills(sc, want, 2);
    free(sc);
}

static void update_to_fewer_refills_keeps_the_head(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    const word_t start[][2] = {{0, 10}, {0, 10}, {0, 10}, {0, 10}, {100, 30}, {300, 30}};
    set_refills(sc, 6, 100, 1000, start, 6);
    sc->refill_head = 4; /* head {100, 30}, then {300, 30}, wrapping to index 0 */
    sc->refill_tail = 1;
    refill_update(sc, 2, 60, 1000, 200);
    const word_t want[][2] = {{200, 30}, {1200, 30}};
    expect_refills(sc, want, 2);
    assert_int_equal(sc->refill_head, 0);
    free(sc);
}

static void update_to_round_robin(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(8);
    refill_new(sc, 4, 30, 1000, 0);
    refill_update(sc, MIN_REFILLS, 200, 0, 50);
    const word_t want[][2] = {{50, 200}};
    expect_refills(sc, want, 1);
    assert_true(sc_is_round_robin(sc));
    free(sc);
}

/* A small deterministic generator: the same runs every time. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static word_t rnd(word_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (word_t)(rng_state % n) : 0;
}

static void check_invariants(struct sched_context *sc)
{
    word_t n = refill_count(sc);
    assert_true(n >= 1 && n <= sc->refill_max);
    assert_int_equal(refill_sum(sc), sc->budget);
    assert_true(refill_head(sc)->amount >= MIN);
    for (word_t i = 0; i < n; i++) {
        assert_true(refill_at(sc, i)->amount > 0);
        /* seL4 refill_ordered: each refill ends before the next one starts */
        if (i + 1 < n) {
            assert_true(refill_at(sc, i)->release + refill_at(sc, i)->amount <=
                        refill_at(sc, i + 1)->release);
        }
    }
}

static void random_runs_keep_the_invariants(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(10);
    for (int run = 0; run < 200; run++) {
        word_t period = 100 + rnd(5000);
        word_t budget = MIN + rnd(period - MIN + 1);
        word_t max = MIN_REFILLS + rnd(refill_absolute_max(10) - MIN_REFILLS + 1);
        word_t now = rnd(1000);
        refill_new(sc, max, budget, period, now);
        for (int step = 0; step < 300; step++) {
            if (!refill_ready(sc, now)) {
                now = refill_head(sc)->release;
            }
            if (rnd(3) == 0) {
                now += rnd(period);
                refill_unblock_check(sc, now);
            }
            word_t cap = refill_capacity(sc, 0);
            word_t usage = rnd(4) == 0 ? cap + rnd(budget) : 1 + rnd(cap);
            refill_charge(sc, usage);
            now += usage;
            check_invariants(sc);
            if (rnd(50) == 0) {
                word_t np = 100 + rnd(5000), nb = MIN + rnd(np - MIN + 1);
                word_t nm = MIN_REFILLS + rnd(refill_absolute_max(10) - MIN_REFILLS + 1);
                refill_update(sc, nm, nb, np, now);
                check_invariants(sc);
            }
        }
    }
    free(sc);
}

/* Over any window of one period, a thread that runs whenever it may never gets more than
 * its budget (the sporadic-server guarantee). */
static void greedy_thread_never_exceeds_budget_per_period(void **state)
{
    (void)state;
    struct sched_context *sc = new_sc(10);
    enum { STEPS = 400 };
    static word_t start[STEPS], len[STEPS];
    for (int run = 0; run < 50; run++) {
        word_t period = 1000 + rnd(4000);
        word_t budget = MIN * 2 + rnd(period / 2);
        refill_new(sc, MIN_REFILLS + rnd(8), budget, period, 0);
        word_t now = 0;
        int n = 0;
        for (; n < STEPS; n++) {
            if (!refill_ready(sc, now)) {
                now = refill_head(sc)->release;
            }
            refill_unblock_check(sc, now);
            word_t usage = 1 + rnd(refill_capacity(sc, 0)); /* never more than it has */
            start[n] = now;
            len[n] = usage;
            refill_charge(sc, usage);
            now += usage + rnd(3) * rnd(period / 4); /* sometimes blocks a while */
        }
        for (int i = 0; i < n; i++) {
            word_t window_end = start[i] + period, used = 0;
            for (int j = i; j < n && start[j] < window_end; j++) {
                word_t end = start[j] + len[j] < window_end ? start[j] + len[j] : window_end;
                used += end - start[j];
            }
            assert_true(used <= budget + WCET * 4);
        }
    }
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absolute_max_matches_seL4),
        cmocka_unit_test(new_gives_one_full_refill),
        cmocka_unit_test(ready_allows_one_kernel_wcet),
        cmocka_unit_test(capacity_and_sufficient),
        cmocka_unit_test(charge_whole_single_refill_moves_it_a_period),
        cmocka_unit_test(charge_part_splits_the_head),
        cmocka_unit_test(charge_into_full_buffer_merges_tail),
        cmocka_unit_test(head_below_minimum_merges_into_next),
        cmocka_unit_test(charge_across_refills),
        cmocka_unit_test(charge_wraps_around_the_buffer),
        cmocka_unit_test(round_robin_timeslice),
        cmocka_unit_test(unblock_merges_due_refills),
        cmocka_unit_test(unblock_keeps_future_refills),
        cmocka_unit_test(unblock_ignores_round_robin),
        cmocka_unit_test(update_trims_a_larger_head),
        cmocka_unit_test(update_releases_extra_one_period_later),
        cmocka_unit_test(update_keeps_a_future_head),
        cmocka_unit_test(update_to_fewer_refills_keeps_the_head),
        cmocka_unit_test(update_to_round_robin),
        cmocka_unit_test(random_runs_keep_the_invariants),
        cmocka_unit_test(greedy_thread_never_exceeds_budget_per_period),
    };
    return cmocka_run_group_tests_name("refill", tests, NULL, NULL);
}
