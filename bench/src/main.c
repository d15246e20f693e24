/* The benchmark root task: prints `name: value instructions` per figure (the median of
 * BENCH_RUNS samples, minus the cost of reading the counter), then halts QEMU. */
#include "bench.h"

void bench_root_tls_init(void);
void bench_main(const seL4_BootInfo *bi, uint64_t first_count);

void bench_main(const seL4_BootInfo *bi, uint64_t first_count)
{
    bench_root_tls_init();
    seL4_SetIPCBuffer(bi->ipcBuffer);
    bench_puts("bench: LarkOS benchmarks, instructions under -icount shift=0, median of ");
    bench_putu(BENCH_RUNS);
    bench_puts(" samples\n");
    bench_figure("boot_to_roottask", first_count, "instructions");
    bench_env_init(bi);
    bench_figure("free_ram_128M", bench_free_ram(), "bytes");
    /* The root task's own SC gets the long budget of the benchmark threads too: with its boot
     * time slice (a few ms) it would run out at points that depend on the binary's layout,
     * and timer interrupts would land in its own measurements (retype, map). */
    seL4_Error err = seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, seL4_CapInitThreadSC,
                                                      BENCH_BUDGET_US, BENCH_BUDGET_US, 0, 0, 0);
    if (err != seL4_NoError) {
        bench_fatal("SchedControl_ConfigureFlags of the root task's SC", err);
    }
    bench_done_ntfn = bench_alloc(seL4_NotificationObject, 0);
    bench_measure_overhead();
    bench_puts("bench: counter read overhead ");
    bench_putu(bench_overhead);
    bench_puts(" instructions (subtracted from every figure)\n");

    bench_ipc();
    bench_sched();
    bench_irq();
    bench_vm();

    bench_puts("bench: done\n");
    seL4_DebugHalt();
    for (;;) {
    }
}
