/* Ready queues, their two-level bitmap and the release queue (src/kernel/sched_queue.c). */
#include "unit_support.h"
#include <lark/mcs_refill.h>
#include <lark/sched_queue.h>

static struct tcb *new_tcb(word_t prio)
{
    struct tcb *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    t->priority = prio;
    return t;
}

/* A thread whose SC's head refill is released at `release`. */
static struct tcb *new_waiting_tcb(word_t release)
{
    struct tcb *t = new_tcb(0);
    struct sched_context *sc = unit_alloc_object(8);
    refill_new(sc, 2, 100, 1000, release);
    t->sc = sc;
    return t;
}

static void free_tcb(struct tcb *t)
{
    free(t->sc);
    free(t);
}

static void bitmap_empty_is_minus_one(void **state)
{
    (void)state;
    struct ready_bitmap b = {0};
    assert_int_equal(bitmap_highest(&b), -1);
}

static void bitmap_finds_every_priority(void **state)
{
    (void)state;
    for (unsigned p = 0; p < NUM_PRIORITIES; p++) {
        struct ready_bitmap b = {0};
        bitmap_set(&b, p);
        assert_int_equal(bitmap_highest(&b), p);
        bitmap_clear(&b, p);
        assert_int_equal(bitmap_highest(&b), -1);
        assert_int_equal(b.l1, 0);
    }
}

static void bitmap_highest_of_many(void **state)
{
    (void)state;
    struct ready_bitmap b = {0};
    bitmap_set(&b, 3);
    bitmap_set(&b, 64);
    bitmap_set(&b, 200);
    bitmap_set(&b, 255);
    assert_int_equal(bitmap_highest(&b), 255);
    bitmap_clear(&b, 255);
    assert_int_equal(bitmap_highest(&b), 200);
    bitmap_clear(&b, 200);
    assert_int_equal(bitmap_highest(&b), 64);
    /* clearing one bit of a word keeps the word's other bits visible */
    bitmap_set(&b, 65);
    bitmap_clear(&b, 65);
    assert_int_equal(bitmap_highest(&b), 64);
    bitmap_clear(&b, 64);
    assert_int_equal(bitmap_highest(&b), 3);
    bitmap_clear(&b, 3);
    assert_int_equal(bitmap_highest(&b), -1);
}

/* Random sets of priorities against a plain scan: every l1 pattern and every bit position
 * of the branch-free search get exercised. */
static void bitmap_highest_matches_a_scan(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        struct ready_bitmap b = {0};
        bool set[NUM_PRIORITIES] = {false};
        seed = seed * 1103515245u + 12345u;
        unsigned count = (seed >> 16) % 6;
        for (unsigned k = 0; k < count; k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned p = (seed >> 8) % NUM_PRIORITIES;
            bitmap_set(&b, p);
            set[p] = true;
        }
        int expect = -1;
        for (int p = NUM_PRIORITIES - 1; p >= 0; p--) {
            if (set[p]) {
                expect = p;
                break;
            }
        }
        assert_int_equal(bitmap_highest(&b), expect);
    }
}

static void queue_is_fifo_per_priority(void **state)
{
    (void)state;
    static struct ready_queues rq;
    memset(&rq, 0, sizeof(rq));
    struct tcb *a = new_tcb(10), *b = new_tcb(10), *c = new_tcb(10);
    rq_enqueue(&rq, a);
    rq_enqueue(&rq, b);
    rq_enqueue(&rq, c);
    assert_ptr_equal(rq_highest(&rq), a);
    rq_dequeue(&rq, a);
    assert_ptr_equal(rq_highest(&rq), b);
    rq_dequeue(&rq, b);
    assert_ptr_equal(rq_highest(&rq), c);
    rq_dequeue(&rq, c);
    assert_null(rq_highest(&rq));
    assert_int_equal(bitmap_highest(&rq.bitmap), -1);
    free(a);
    free(b);
    free(c);
}

static void enqueue_head_goes_first(void **state)
{
    (void)state;
    static struct ready_queues rq;
    memset(&rq, 0, sizeof(rq));
    struct tcb *a = new_tcb(7), *b = new_tcb(7);
    rq_enqueue(&rq, a);
    rq_enqueue_head(&rq, b);
    assert_ptr_equal(rq_highest(&rq), b);
    assert_ptr_equal(rq.q[7].tail, a);
    rq_dequeue(&rq, b);
    rq_dequeue(&rq, a);
    /* head insertion into an empty queue sets head, tail and the bitmap */
    rq_enqueue_head(&rq, a);
    assert_ptr_equal(rq.q[7].head, a);
    assert_ptr_equal(rq.q[7].tail, a);
    assert_int_equal(bitmap_highest(&rq.bitmap), 7);
    rq_dequeue(&rq, a);
    free(a);
    free(b);
}

static void highest_priority_wins(void **state)
{
    (void)state;
    static struct ready_queues rq;
    memset(&rq, 0, sizeof(rq));
    struct tcb *low = new_tcb(0), *mid = new_tcb(100), *high = new_tcb(255);
    rq_enqueue(&rq, low);
    rq_enqueue(&rq, high);
    rq_enqueue(&rq, mid);
    assert_ptr_equal(rq_highest(&rq), high);
    rq_dequeue(&rq, high);
    assert_ptr_equal(rq_highest(&rq), mid);
    rq_dequeue(&rq, mid);
    assert_ptr_equal(rq_highest(&rq), low);
    rq_dequeue(&rq, low);
    free(low);
    free(mid);
    free(high);
}

static void dequeue_middle_relinks(void **state)
{
    (void)state;
    static struct ready_queues rq;
    memset(&rq, 0, sizeof(rq));
    struct tcb *a = new_tcb(1), *b = new_tcb(1), *c = new_tcb(1);
    rq_enqueue(&rq, a);
    rq_enqueue(&rq, b);
    rq_enqueue(&rq, c);
    rq_dequeue(&rq, b);
    assert_false(b->in_ready_queue);
    assert_null(b->sched_next);
    assert_null(b->sched_prev);
    assert_ptr_equal(a->sched_next, c);
    assert_ptr_equal(c->sched_prev, a);
    rq_dequeue(&rq, c); /* the tail */
    assert_ptr_equal(rq.q[1].tail, a);
    assert_null(a->sched_next);
    rq_dequeue(&rq, a);
    free(a);
    free(b);
    free(c);
}

static void double_enqueue_and_stray_dequeue_are_harmless(void **state)
{
    (void)state;
    static struct ready_queues rq;
    memset(&rq, 0, sizeof(rq));
    struct tcb *a = new_tcb(5), *b = new_tcb(5);
    rq_enqueue(&rq, a);
    rq_enqueue(&rq, a);
    rq_enqueue_head(&rq, a);
    rq_dequeue(&rq, b); /* never queued */
    assert_ptr_equal(rq.q[5].head, a);
    assert_ptr_equal(rq.q[5].tail, a);
    assert_null(a->sched_next);
    rq_dequeue(&rq, a);
    rq_dequeue(&rq, a);
    assert_null(rq_highest(&rq));
    free(a);
    free(b);
}

static void release_queue_sorted_by_release(void **state)
{
    (void)state;
    struct tcb *head = NULL;
    struct tcb *t30 = new_waiting_tcb(30), *t10 = new_waiting_tcb(10), *t20 = new_waiting_tcb(20);
    relq_insert(&head, t30);
    relq_insert(&head, t10);
    relq_insert(&head, t20);
    assert_ptr_equal(head, t10);
    assert_ptr_equal(t10->release_next, t20);
    assert_ptr_equal(t20->release_next, t30);
    assert_null(t30->release_next);
    assert_ptr_equal(t30->release_prev, t20);
    assert_int_equal(relq_key(head), 10);
    relq_remove(&head, t20);
    assert_false(t20->in_release_queue);
    assert_ptr_equal(t10->release_next, t30);
    relq_remove(&head, t10);
    assert_ptr_equal(head, t30);
    assert_null(t30->release_prev);
    relq_remove(&head, t30);
    assert_null(head);
    free_tcb(t10);
    free_tcb(t20);
    free_tcb(t30);
}

static void release_queue_ties_keep_arrival_order(void **state)
{
    (void)state;
    struct tcb *head = NULL;
    struct tcb *a = new_waiting_tcb(50), *b = new_waiting_tcb(50), *c = new_waiting_tcb(50);
    relq_insert(&head, a);
    relq_insert(&head, b);
    relq_insert(&head, c);
    assert_ptr_equal(head, a);
    assert_ptr_equal(a->release_next, b);
    assert_ptr_equal(b->release_next, c);
    /* inserting twice or removing a thread that is not queued changes nothing */
    struct tcb *stray = new_waiting_tcb(1);
    relq_insert(&head, b);
    relq_remove(&head, stray);
    free_tcb(stray);
    assert_ptr_equal(a->release_next, b);
    assert_ptr_equal(b->release_next, c);
    relq_remove(&head, a);
    relq_remove(&head, b);
    relq_remove(&head, c);
    assert_null(head);
    free_tcb(a);
    free_tcb(b);
    free_tcb(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bitmap_empty_is_minus_one),
        cmocka_unit_test(bitmap_finds_every_priority),
        cmocka_unit_test(bitmap_highest_of_many),
        cmocka_unit_test(bitmap_highest_matches_a_scan),
        cmocka_unit_test(queue_is_fifo_per_priority),
        cmocka_unit_test(enqueue_head_goes_first),
        cmocka_unit_test(highest_priority_wins),
        cmocka_unit_test(dequeue_middle_relinks),
        cmocka_unit_test(double_enqueue_and_stray_dequeue_are_harmless),
        cmocka_unit_test(release_queue_sorted_by_release),
        cmocka_unit_test(release_queue_ties_keep_arrival_order),
    };
    return cmocka_run_group_tests_name("sched_queue", tests, NULL, NULL);
}
