/* Benchmark threads and the second address space. A thread has its own TCB, SchedContext
 * (budget = period, long enough that no timer interrupt falls inside a run), IPC buffer, one
 * of the static stacks and TLS blocks below; its CSpace is the root CNode. A second space is
 * a new VSpace with the image frames mapped again at the same addresses, so code, data and the
 * stacks are shared, but every switch between the two is a real address-space switch. */
#include "bench.h"

#define STACK_BYTES 16384
#define TLS_BYTES 256

extern char __image_start[];
extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_size[];

/* One stack and TLS block per pool thread, one for the reserved thread (the watchdog), and a
 * last TLS block for the root task. */
#define RESERVED_INDEX BENCH_MAX_THREADS
#define ROOT_TLS_INDEX (BENCH_MAX_THREADS + 1)
static char stacks[BENCH_MAX_THREADS + 1][STACK_BYTES] __attribute__((aligned(16)));
static char tls_blocks[BENCH_MAX_THREADS + 2][TLS_BYTES] __attribute__((aligned(64)));
static bool reserved_used;
static int threads_used;
seL4_CPtr bench_done_ntfn;

/* RISC-V TLS variant I: tp points at the block, .tdata first, .tbss after it. */
static void tls_init(char *block)
{
    size_t tdata = (size_t)(__tdata_end - __tdata_start);
    size_t tbss_end = (size_t)(__tbss_start - __tdata_start) + (size_t)__tbss_size;
    if (tbss_end > TLS_BYTES) {
        bench_fatal("TLS block too small", seL4_NoError);
    }
    bench_memset(block, 0, TLS_BYTES);
    bench_memcpy(block, __tdata_start, tdata);
}

void bench_root_tls_init(void);
void bench_root_tls_init(void)
{
    char *block = tls_blocks[ROOT_TLS_INDEX];
    tls_init(block);
    __asm__ volatile("mv tp, %0" : : "r"(block) : "memory");
}

static seL4_Word read_gp(void)
{
    seL4_Word gp;
    __asm__ volatile("mv %0, gp" : "=r"(gp));
    return gp;
}

static void thread_entry(bench_thread_t *t)
{
    seL4_SetIPCBuffer((seL4_IPCBuffer *)t->ipc_vaddr);
    t->fn(t);
    seL4_Signal(bench_done_ntfn);
    for (;;) {
        seL4_TCB_Suspend(t->tcb);
    }
}

seL4_CPtr bench_space_new(void)
{
    seL4_CPtr vspace = bench_alloc(seL4_RISCV_PageTableObject, 0);
    seL4_Error err = seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace);
    if (err != seL4_NoError) {
        bench_fatal("ASIDPool_Assign of a new VSpace", err);
    }
    const seL4_SlotRegion *img = &bench_bi->userImageFrames;
    for (seL4_CPtr f = img->start; f < img->end; f++) {
        seL4_Word v = (seL4_Word)__image_start + ((f - img->start) << seL4_PageBits);
        err = bench_map(bench_copy(f), vspace, v);
        if (err != seL4_NoError) {
            bench_fatal("mapping the image in a new VSpace", err);
        }
    }
    return vspace;
}

static void start_at(int index, bench_thread_t *t, seL4_CPtr vspace, seL4_Word prio, void (*fn)(bench_thread_t *),
                     seL4_Word arg)
{
    t->fn = fn;
    t->arg = arg;
    t->tcb = bench_alloc(seL4_TCBObject, 0);
    t->sc = bench_alloc(seL4_SchedContextObject, 8);
    seL4_Error err = seL4_SchedControl_ConfigureFlags(bench_bi->schedcontrol.start, t->sc, BENCH_BUDGET_US,
                                                      BENCH_BUDGET_US, 0, 0, 0);
    if (err != seL4_NoError) {
        bench_fatal("SchedControl_ConfigureFlags", err);
    }
    seL4_CPtr ipc = bench_alloc(seL4_RISCV_4K_Page, 0);
    t->ipc_vaddr = bench_vaddr(1);
    err = bench_map(ipc, vspace, t->ipc_vaddr);
    if (err != seL4_NoError) {
        bench_fatal("mapping an IPC buffer", err);
    }
    err = seL4_TCB_Configure(t->tcb, seL4_CapInitThreadCNode, 0, vspace, 0, t->ipc_vaddr, ipc);
    if (err != seL4_NoError) {
        bench_fatal("TCB_Configure", err);
    }
    err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, prio, prio, t->sc, 0);
    if (err != seL4_NoError) {
        bench_fatal("TCB_SetSchedParams", err);
    }
    tls_init(tls_blocks[index]);
    seL4_UserContext regs;
    bench_memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)thread_entry;
    regs.sp = (seL4_Word)&stacks[index][STACK_BYTES];
    regs.gp = read_gp();
    regs.tp = (seL4_Word)tls_blocks[index];
    regs.a0 = (seL4_Word)t;
    err = seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (err != seL4_NoError) {
        bench_fatal("TCB_WriteRegisters", err);
    }
}

void bench_thread_start(bench_thread_t *t, seL4_CPtr vspace, seL4_Word prio, void (*fn)(bench_thread_t *),
                        seL4_Word arg)
{
    if (threads_used >= BENCH_MAX_THREADS) {
        bench_fatal("more than BENCH_MAX_THREADS threads at once", seL4_NoError);
    }
    start_at(threads_used++, t, vspace, prio, fn, arg);
}

void bench_thread_start_reserved(bench_thread_t *t, seL4_CPtr vspace, seL4_Word prio, void (*fn)(bench_thread_t *),
                                 seL4_Word arg)
{
    if (reserved_used) {
        bench_fatal("the reserved thread slot is taken", seL4_NoError);
    }
    reserved_used = true;
    start_at(RESERVED_INDEX, t, vspace, prio, fn, arg);
}

void bench_thread_stop(bench_thread_t *t)
{
    seL4_Error err = seL4_TCB_Suspend(t->tcb);
    if (err != seL4_NoError) {
        bench_fatal("TCB_Suspend", err);
    }
}

void bench_threads_reset(void)
{
    threads_used = 0;
}

void bench_wait_done(void)
{
    seL4_Wait(bench_done_ntfn, NULL);
}
