/* Two-thread benchmark runs (run.c). */
#pragma once
#include "bench.h"

seL4_CPtr bench_other_space(void); /* the second address space, created on first use */
/* Starts first (in the other space) then second (root VSpace; NULL = none), waits until one
 * of them returns, stops both. */
void bench_run2(void (*first)(bench_thread_t *), seL4_Word first_prio, void (*second)(bench_thread_t *),
                seL4_Word second_prio);
