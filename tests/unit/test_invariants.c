/* The kernel invariant checker (src/kernel/invariants.c, syscall -65) on hand-built kernel
 * states: a consistent one passes, and each kind of corruption is reported with its code. */
#include "unit_support.h"
#include <lark/invariants.h>
#include <lark/sched.h>
#include <stdio.h>

/* What invariants.c needs from the rest of the kernel. */
struct tcb *ks_cur_thread;
struct ready_queues ks_ready;
struct tcb *ks_release_head;
word_t ks_cur_time;
void kprintf(const char *fmt, ...)
{
    (void)fmt;
}
bool thread_is_runnable(const struct tcb *t)
{
    return t->state == TS_RUNNING || t->state == TS_RESTART;
}

static struct tcb *caller, *other;
static struct cte *cnode;         /* 2^4 slots, the caller's CSpace */
static struct endpoint *ep;
static struct sched_context *sc;
static void *ut_mem;              /* 2^12 bytes the untyped in slot 1 covers */

static paddr_t pa(const void *p) { return kptr_to_paddr(p); }

static int setup(void **state)
{
    (void)state;
    memset(&ks_ready, 0, sizeof(ks_ready));
    ks_release_head = NULL;
    caller = unit_alloc_object(TCB_SIZE_BITS);
    other = unit_alloc_object(TCB_SIZE_BITS);
    cnode = unit_alloc_object(4 + SLOT_SIZE_BITS);
    ep = unit_alloc_object(ENDPOINT_SIZE_BITS);
    sc = unit_alloc_object(8);
    ut_mem = unit_alloc_object(12);
    caller->state = other->state = TS_RUNNING;
    caller->priority = other->priority = 100;
    ks_cur_thread = caller;
    /* the caller's CSpace root: slot 0 of its TCB, derived from slot 2 of the CNode */
    cte_insert_new(NULL, &cnode[2], cap_cnode(pa(cnode), 4, 60, 0));
    cte_insert(cnode[2].cap, &cnode[2], &caller->slots[TCB_CSPACE_SLOT]);
    /* an untyped with an endpoint retyped from it, and the other thread */
    cte_insert_new(NULL, &cnode[1], cap_untyped(pa(ut_mem), 12, false, 16));
    cte_insert_new(&cnode[1], &cnode[3], cap_endpoint(pa(ut_mem), 0, RIGHTS_ALL));
    cte_insert_new(NULL, &cnode[4], cap_endpoint(pa(ep), 0, RIGHTS_ALL));
    cte_insert_new(NULL, &cnode[5], cap_thread(pa(other)));
    /* a periodic SC bound to the other thread: 2 refills summing to the budget */
    sc->size_bits = 8;
    sc->refill_max = 4;
    sc->period = 1000;
    sc->budget = 300;
    sc->refill_head = 0;
    sc->refill_tail = 1;
    sc->refills[0] = (struct refill){10, 100};
    sc->refills[1] = (struct refill){500, 200};
    sc->tcb = other;
    other->sc = sc;
    cte_insert_new(NULL, &cnode[6], cap_sched_context(pa(sc), 8));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(caller);
    free(other);
    free(cnode);
    free(ep);
    free(sc);
    free(ut_mem);
    return 0;
}

static void a_consistent_state_passes(void **state)
{
    (void)state;
    assert_int_equal(check_kernel_invariants(caller), INV_OK);
    /* the other thread ready at its priority, and blocked on the endpoint, both pass */
    rq_enqueue(&ks_ready, other);
    assert_int_equal(check_kernel_invariants(caller), INV_OK);
    rq_dequeue(&ks_ready, other);
    other->state = TS_BLOCKED_ON_RECEIVE;
    other->blocking_object = (word_t)(uintptr_t)ep;
    ep->head_state = (uintptr_t)other | EP_RECV;
    ep->tail = other;
    assert_int_equal(check_kernel_invariants(caller), INV_OK);
}

static void a_broken_mdb_link_is_found(void **state)
{
    (void)state;
    cnode[3].mdb_prev = (uintptr_t)&cnode[4];
    assert_int_equal(check_kernel_invariants(caller), INV_MDB_LINK);
}

static void an_empty_slot_in_the_mdb_is_found(void **state)
{
    (void)state;
    cnode[3].cap = cap_null();
    assert_int_equal(check_kernel_invariants(caller), INV_MDB_EMPTY);
}

static void a_child_above_the_watermark_is_found(void **state)
{
    (void)state;
    cnode[3].cap = cap_endpoint(pa(ut_mem) + 64, 0, RIGHTS_ALL);
    assert_int_equal(check_kernel_invariants(caller), INV_MDB_ORDER);
}

static void a_bitmap_bit_without_a_queue_is_found(void **state)
{
    (void)state;
    bitmap_set(&ks_ready.bitmap, 7);
    assert_int_equal(check_kernel_invariants(caller), INV_BITMAP);
}

static void a_thread_at_the_wrong_priority_is_found(void **state)
{
    (void)state;
    rq_enqueue(&ks_ready, other);
    other->priority = 101;
    assert_int_equal(check_kernel_invariants(caller), INV_READY_QUEUE);
}

static void a_blocked_thread_in_a_ready_queue_is_found(void **state)
{
    (void)state;
    rq_enqueue(&ks_ready, other);
    other->state = TS_BLOCKED_ON_NOTIFICATION;
    assert_int_equal(check_kernel_invariants(caller), INV_READY_QUEUE);
}

static void the_current_thread_queued_is_found(void **state)
{
    (void)state;
    caller->sc = NULL;
    rq_enqueue(&ks_ready, caller);
    assert_int_equal(check_kernel_invariants(caller), INV_CUR_QUEUED);
}

static void a_queued_thread_in_the_wrong_state_is_found(void **state)
{
    (void)state;
    other->blocking_object = (word_t)(uintptr_t)ep;
    ep->head_state = (uintptr_t)other | EP_SEND;
    ep->tail = other;
    other->state = TS_BLOCKED_ON_RECEIVE;
    assert_int_equal(check_kernel_invariants(caller), INV_EP_QUEUE);
}

static void a_blocked_thread_missing_from_its_queue_is_found(void **state)
{
    (void)state;
    other->state = TS_BLOCKED_ON_SEND;
    other->blocking_object = (word_t)(uintptr_t)ep;
    assert_int_equal(check_kernel_invariants(caller), INV_TCB_BLOCKED);
}

static void refills_not_summing_to_the_budget_are_found(void **state)
{
    (void)state;
    sc->refills[1].amount = 150;
    assert_int_equal(check_kernel_invariants(caller), INV_REFILL);
}

static void refills_out_of_release_order_are_found(void **state)
{
    (void)state;
    sc->refills[1].release = 5;
    assert_int_equal(check_kernel_invariants(caller), INV_REFILL);
}

static void an_sc_naming_another_thread_is_found(void **state)
{
    (void)state;
    sc->tcb = caller;
    assert_int_equal(check_kernel_invariants(caller), INV_SC_LINK);
}

static void an_unsorted_release_queue_is_found(void **state)
{
    (void)state;
    caller->sc = NULL;
    other->in_release_queue = true;
    struct tcb *third = unit_alloc_object(TCB_SIZE_BITS);
    struct sched_context *sc3 = unit_alloc_object(8);
    *sc3 = *sc;
    sc3->refills[0].release = 5; /* earlier than the other's 10, yet queued after it */
    sc3->tcb = third;
    third->sc = sc3;
    third->state = TS_RUNNING;
    third->in_release_queue = true;
    ks_release_head = other;
    other->release_next = third;
    third->release_prev = other;
    assert_int_equal(check_kernel_invariants(caller), INV_RELEASE_QUEUE);
    ks_release_head = NULL;
    free(third);
    free(sc3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_consistent_state_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(a_broken_mdb_link_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(an_empty_slot_in_the_mdb_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(a_child_above_the_watermark_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bitmap_bit_without_a_queue_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(a_thread_at_the_wrong_priority_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(a_blocked_thread_in_a_ready_queue_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(the_current_thread_queued_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(a_queued_thread_in_the_wrong_state_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(a_blocked_thread_missing_from_its_queue_is_found, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(refills_not_summing_to_the_budget_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(refills_out_of_release_order_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(an_sc_naming_another_thread_is_found, setup, teardown),
        cmocka_unit_test_setup_teardown(an_unsorted_release_queue_is_found, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
