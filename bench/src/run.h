/* Two-thread benchmark runs (run.c). */
#pragma once
#include "bench.h"

seL4_CPtr bench_other_space(void); /* the second address space, created on first use */
/* Starts first (in the other space) then second (root VSpace; NULL = none), waits until one
 * of them returns, stops both. False if the threads deadlocked (see bench_stalled). */
bool bench_run2(void (*first)(bench_thread_t *), seL4_Word first_prio, void (*second)(bench_thread_t *),
                seL4_Word second_prio);
/* Same, but the server (first) is made passive: it must start with bench_ready_then_recv,
 * which tells the root task it is initialised and waits for its first client. */
bool bench_run2_passive(void (*server)(bench_thread_t *), seL4_Word server_prio, void (*client)(bench_thread_t *),
                        seL4_Word client_prio);
seL4_MessageInfo_t bench_ready_then_recv(seL4_CPtr ep, seL4_Word *badge, seL4_CPtr reply);
/* Reports a figure whose run deadlocked. */
void bench_stalled(const char *figure);
