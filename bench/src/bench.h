/* The benchmark root task: shared declarations. Everything here is built on the seL4 libsel4
 * API only (<sel4/sel4.h>), so the same sources build against a real seL4 libsel4 of the
 * configuration in shared/spec/abi.md (riscv64, Sv39, MCS, printing on). */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Samples per figure: the median of BENCH_RUNS measured iterations, after BENCH_WARMUP
 * iterations that warm the caches of QEMU's translator and the kernel's code paths. */
#define BENCH_RUNS 1024
#define BENCH_WARMUP 16
#define BENCH_ITERS (BENCH_RUNS + BENCH_WARMUP)

/* Budget = period of every SC: 5 s, 5e9 instructions under -icount shift=0, so no budget
 * runs out inside a benchmark. */
#define BENCH_BUDGET_US 5000000ul

#define BENCH_DEPTH seL4_WordBits /* every cptr is resolved in the root CNode, depth 64 */

/* ---- counters: under -icount shift=0 instret counts guest instructions exactly */
static inline uint64_t bench_count(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v) : : "memory");
    return v;
}

/* Delays iteration i by (i mod 101) rounds of a loop of about 5 instructions, so the samples
 * start at every phase of the kernel's 10 MHz timer tick (100 instructions). Without it, a
 * kernel path that depends on the current tick is taken in all samples or in none, and which
 * one depends only on the layout of the binary. Called before the clock starts. */
static inline void bench_phase_shift(int i)
{
    for (volatile int n = i % 101; n > 0; n--) {
    }
}

/* ---- output (seL4_DebugPutChar) */
void bench_puts(const char *s);
void bench_putu(uint64_t v);
void bench_figure(const char *name, uint64_t value, const char *unit);
void bench_error(const char *figure, const char *what, seL4_Error err);
void bench_fatal(const char *what, seL4_Error err) __attribute__((noreturn));

/* ---- statistics */
uint64_t bench_median(uint64_t *samples, size_t n); /* sorts samples in place */
extern uint64_t bench_overhead;                     /* median of two back-to-back reads */
void bench_measure_overhead(void);
/* The median of the measured part of a sample array (warm-up dropped), minus the overhead;
 * prints the spread of the samples on a "bench: spread" line. */
uint64_t bench_result_named(const char *name, uint64_t *samples);
/* Prints `name: median instructions`. */
void bench_report(const char *name, uint64_t *samples);

/* ---- environment: slots, objects, virtual addresses, mappings */
extern const seL4_BootInfo *bench_bi;
void bench_env_init(const seL4_BootInfo *bi);
seL4_CPtr bench_slot(void);
seL4_CPtr bench_slots(seL4_Word n); /* n consecutive free root CNode slots */
/* One object retyped from the largest RAM untyped into a fresh slot; fatal on failure. */
seL4_CPtr bench_alloc(seL4_Word type, seL4_Word size_bits);
seL4_Word bench_vaddr(seL4_Word pages); /* a fresh virtual range (same in every space) */
/* Maps frame in vspace at vaddr, creating page tables as needed. */
seL4_Error bench_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr);
seL4_CPtr bench_copy(seL4_CPtr cap);
seL4_Word bench_free_ram(void); /* sum of the non-device untypeds the root task got */
/* A 4K frame cap of device memory at paddr (0 when no device untyped covers it). */
seL4_CPtr bench_device_frame(seL4_Word paddr);
void bench_memset(void *p, int c, size_t n);
void bench_memcpy(void *d, const void *s, size_t n);

/* ---- a second address space: the image mapped again (shared code and data) */
seL4_CPtr bench_space_new(void);

/* ---- threads: TCB + SC + IPC buffer, CSpace = the root CNode, a static stack */
#define BENCH_MAX_THREADS 4
typedef struct bench_thread bench_thread_t;
struct bench_thread {
    seL4_CPtr tcb, sc;
    seL4_Word ipc_vaddr;
    void (*fn)(bench_thread_t *);
    seL4_Word arg;
};
/* Creates and starts a thread at priority prio in vspace. It runs fn(t), then signals the
 * done notification and suspends itself. */
void bench_thread_start(bench_thread_t *t, seL4_CPtr vspace, seL4_Word prio, void (*fn)(bench_thread_t *),
                        seL4_Word arg);
/* Same, on a stack of its own that bench_threads_reset does not hand out again (one such
 * thread: the watchdog of run.c). */
void bench_thread_start_reserved(bench_thread_t *t, seL4_CPtr vspace, seL4_Word prio, void (*fn)(bench_thread_t *),
                                 seL4_Word arg);
void bench_thread_stop(bench_thread_t *t);
void bench_threads_reset(void); /* all threads stopped: stacks and TLS blocks are free again */
/* The root task (priority 255) blocks here until a thread's fn has returned. */
void bench_wait_done(void);
extern seL4_CPtr bench_done_ntfn;

/* ---- device tree of the extra boot info */
/* First node whose "compatible" list holds `compatible`: its first reg address and its
 * first interrupt. Returns 0 on success. */
int bench_fdt_find(const seL4_BootInfo *bi, const char *compatible, seL4_Word *reg, seL4_Word *irq);

/* ---- the benchmarks; each prints its figures or a "bench: ERROR" line */
void bench_ipc(void);
void bench_sched(void);
void bench_irq(void);
void bench_vm(void);
