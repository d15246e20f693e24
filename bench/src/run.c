/* Runs a benchmark made of up to two threads: `first` in the second address space, `second`
 * in the root VSpace. Both are created with the root task still at priority 255, so neither
 * runs before the root blocks in bench_wait_done; `first` is made runnable first. */
#include "bench.h"
#include "run.h"

static seL4_CPtr other_space;
static bench_thread_t threads[2];

seL4_CPtr bench_other_space(void)
{
    if (other_space == 0) {
        other_space = bench_space_new();
    }
    return other_space;
}

void bench_run2(void (*first)(bench_thread_t *), seL4_Word first_prio, void (*second)(bench_thread_t *),
                seL4_Word second_prio)
{
    seL4_Poll(bench_done_ntfn, NULL); /* a stale signal would end the run at once */
    bench_thread_start(&threads[0], bench_other_space(), first_prio, first, 0);
    if (second != NULL) {
        bench_thread_start(&threads[1], seL4_CapInitThreadVSpace, second_prio, second, 0);
    }
    bench_wait_done();
    bench_thread_stop(&threads[0]);
    if (second != NULL) {
        bench_thread_stop(&threads[1]);
    }
    bench_threads_reset();
}
