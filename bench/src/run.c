/* Runs a benchmark made of up to two threads: `first` in the second address space, `second`
 * in the root VSpace. Both are created with the root task still at priority 255, so neither
 * runs before the root blocks in bench_wait_done; `first` is made runnable first.
 *
 * A watchdog thread at priority 1 runs only when every other thread is blocked, which in a
 * benchmark run means the threads deadlocked (a lost wakeup, a broken syscall): it wakes the
 * root task, which reports the run's figures as not measured instead of hanging until the
 * QEMU timeout and losing every later figure too. */
#include "bench.h"
#include "run.h"

static seL4_CPtr other_space;
static bench_thread_t threads[2];
static seL4_CPtr ready_ep; /* a passive server reports here that it is initialised */
static bench_thread_t watchdog;
static seL4_CPtr watchdog_arm;
static volatile int stalled;

#define WATCHDOG_PRIO 1

static void watchdog_thread(bench_thread_t *t)
{
    (void)t;
    for (;;) {
        seL4_Wait(watchdog_arm, NULL);
        /* Running at all means nothing else can run: the root waits in vain. */
        stalled = 1;
        seL4_NBSend(ready_ep, seL4_MessageInfo_new(0, 0, 0, 0));
        seL4_Signal(bench_done_ntfn);
    }
}

static void arm_watchdog(void)
{
    if (watchdog_arm == 0) {
        watchdog_arm = bench_alloc(seL4_NotificationObject, 0);
        ready_ep = bench_alloc(seL4_EndpointObject, 0);
        bench_thread_start_reserved(&watchdog, seL4_CapInitThreadVSpace, WATCHDOG_PRIO, watchdog_thread, 0);
    }
    stalled = 0;
    seL4_Signal(watchdog_arm);
}

seL4_CPtr bench_other_space(void)
{
    if (other_space == 0) {
        other_space = bench_space_new();
    }
    return other_space;
}

seL4_MessageInfo_t bench_ready_then_recv(seL4_CPtr ep, seL4_Word *badge, seL4_CPtr reply)
{
    return seL4_NBSendRecv(ready_ep, seL4_MessageInfo_new(0, 0, 0, 0), ep, badge, reply);
}

static bool run(void (*first)(bench_thread_t *), seL4_Word first_prio, void (*second)(bench_thread_t *),
                seL4_Word second_prio, bool passive)
{
    arm_watchdog();
    seL4_Poll(bench_done_ntfn, NULL); /* a stale signal would end the run at once */
    bench_thread_start(&threads[0], bench_other_space(), first_prio, first, 0);
    if (passive) {
        /* As sel4bench does under MCS: the server runs on its own SC until it waits for
         * clients, then loses it and runs on the SC each Call donates. */
        seL4_Wait(ready_ep, NULL);
        if (!stalled) {
            seL4_Error err = seL4_SchedContext_UnbindObject(threads[0].sc, threads[0].tcb);
            if (err != seL4_NoError) {
                bench_fatal("SchedContext_UnbindObject (making the server passive)", err);
            }
        }
    }
    if (second != NULL && !stalled) {
        bench_thread_start(&threads[1], seL4_CapInitThreadVSpace, second_prio, second, 0);
    }
    if (!stalled) {
        bench_wait_done();
    }
    bench_thread_stop(&threads[0]);
    if (second != NULL && threads[1].tcb != 0) {
        bench_thread_stop(&threads[1]);
    }
    bench_memset(threads, 0, sizeof(threads));
    bench_threads_reset();
    return !stalled;
}

bool bench_run2(void (*first)(bench_thread_t *), seL4_Word first_prio, void (*second)(bench_thread_t *),
                seL4_Word second_prio)
{
    return run(first, first_prio, second, second_prio, false);
}

bool bench_run2_passive(void (*server)(bench_thread_t *), seL4_Word server_prio, void (*client)(bench_thread_t *),
                        seL4_Word client_prio)
{
    return run(server, server_prio, client, client_prio, true);
}

void bench_stalled(const char *figure)
{
    bench_error(figure, "every benchmark thread blocked before the run ended (deadlock)", seL4_NoError);
}
