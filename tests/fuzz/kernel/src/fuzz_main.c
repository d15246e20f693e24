/* The fuzzer's root task, run as the one test of a kernel-tests image. It builds the sandbox,
 * starts FZ_FUZZERS fuzzer threads (priorities 100, 110, 120, sporadic budgets so all of
 * them run) and a fault server that restarts a fuzzer when it faults, then supervises at
 * priority 200 on a periodic SC (Yield sleeps until the next period): restarts fuzzers that
 * stopped making progress (blocked in IPC nobody will answer), calls
 * LarkDebugCheckInvariants every FUZZ_CHECK_EVERY periods, and refills the sandbox every
 * FUZZ_EPOCH calls. Any violation prints the seed, the call count and the call ring. */
#include "fuzz.h"

const char *const kt_known_failing[] = {NULL};

extern const unsigned long fz_cfg_seed, fz_cfg_calls, fz_cfg_check_every, fz_cfg_trace_from;
void kt_tls_init(char *block, size_t size);

#define FZ_STACK_BYTES 16384
#define FZ_TLS_BYTES 512
#define FZ_EPOCH 10000
#define FZ_PROGRESS 50000
#define FZ_ROOT_PRIO 200
#define FZ_FAULT_PRIO 150
#define FZ_STALL_PERIODS 1      /* a fuzzer inside a blocking call this long is restarted */
#define FZ_IDLE_PERIODS 24      /* any fuzzer without progress this long is restarted */
#define FZ_DEAD_PERIODS 8000    /* no fuzzer made progress: the kernel lost them */

static char stacks[FZ_FUZZERS][FZ_STACK_BYTES] __attribute__((aligned(16)));
static char tls_blocks[FZ_FUZZERS][FZ_TLS_BYTES] __attribute__((aligned(64)));
static fz_sandbox_t sandbox;
static seL4_Word checks, fault_restarts, stall_restarts;
static seL4_Word fault_kinds[8];

static void print_stats(void)
{
    for (int i = 0; i < FZ_FUZZERS; i++) {
        fz_fuzzer_t *f = &fz_fuzzers[i];
        kt_printf("fuzz-kernel: fuzzer %d: %lu calls, %lu restarts, blocking %lu\n", i, f->calls,
                  f->restarts, f->blocking);
    }
    kt_printf("fuzz-kernel: %lu invariant checks, faults: cap %lu, unknown syscall %lu, user "
              "exception %lu, vm %lu; %lu stall restarts\n", checks, fault_kinds[1],
              fault_kinds[2], fault_kinds[3], fault_kinds[6], stall_restarts);
}

static void halt_failed(const char *why, seL4_Word code)
{
    print_stats();
    kt_printf("fuzz-kernel: FAIL seed %lu after %lu calls: %s (%lu)\n", fz_cfg_seed, fz_seq, why,
              code);
    fz_ring_print();
    seL4_DebugHalt();
}

static void restart(fz_fuzzer_t *f)
{
    seL4_TCB_Suspend(f->tcb);
    /* A Call to a passive victim lends the fuzzer's SC; if the victim then faults, the SC
     * stays there when the fuzzer is suspended (seL4 cancelIPC): take it back. */
    seL4_SchedContext_Unbind(f->sc);
    seL4_SchedContext_Bind(f->sc, f->tcb);
    kt_tls_init((char *)f->tls, FZ_TLS_BYTES);
    seL4_UserContext regs;
    kt_memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)fz_fuzzer_entry;
    regs.sp = f->stack_top;
    regs.gp = kt_read_gp();
    regs.tp = f->tls;
    regs.a0 = (seL4_Word)f;
    f->blocking = 0;
    f->restarts++;
    seL4_Error err = seL4_TCB_WriteRegisters(f->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (err != seL4_NoError) {
        halt_failed("cannot restart a fuzzer", err);
    }
}

/* Fuzzer faults (cap faults of blocking calls, unknown syscalls) arrive here, badge = id+1. */
static void fault_server(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
        fault_kinds[seL4_MessageInfo_get_label(info) & 7]++;
        if (badge >= 1 && badge <= FZ_FUZZERS) {
            fault_restarts++;
            restart(&fz_fuzzers[badge - 1]);
        }
    }
}

static int ok(seL4_Error err, const char *what)
{
    if (err != seL4_NoError) {
        kt_printf("fuzz-kernel: setup: %s: %s\n", what, kt_err_name(err));
        return -1;
    }
    return 0;
}

static int setup(void)
{
    seL4_CPtr fault_ep = kt_alloc(seL4_EndpointObject, 0);
    seL4_CPtr fault_reply = kt_alloc(seL4_ReplyObject, 0);
    if (fault_ep == 0 || fault_reply == 0) {
        return -1;
    }
    sandbox.untyped = kt_alloc_untyped(22);
    sandbox.cnode = kt_alloc(seL4_CapTableObject, FZ_SB_BITS);
    if (sandbox.untyped == 0 || sandbox.cnode == 0 || fz_sandbox_build(&sandbox) != 0) {
        return -1;
    }
    kt_thread_t *server = &kt_threads[FZ_FUZZERS];
    if (kt_thread_new(server, fault_server, FZ_FAULT_PRIO) != 0) {
        return -1;
    }
    server->arg[0] = fault_ep;
    server->arg[1] = fault_reply;
    if (kt_thread_start(server) != 0) {
        return -1;
    }
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - FZ_SB_BITS).words[0];
    for (int i = 0; i < FZ_FUZZERS; i++) {
        fz_fuzzer_t *f = &fz_fuzzers[i];
        kt_thread_t *t = &kt_threads[i];
        if (kt_thread_new(t, NULL, 100 + 10 * (seL4_Word)i) != 0) {
            return -1;
        }
        f->id = i;
        f->tcb = t->tcb;
        f->sc = t->sc;
        f->ipc_vaddr = t->ipc_vaddr;
        f->stack_top = (seL4_Word)&stacks[i][FZ_STACK_BYTES];
        f->tls = (seL4_Word)tls_blocks[i];
        f->prng = fz_cfg_seed * 0x100000001b3ul + (seL4_Word)i * 0x9e3779b97f4a7c15ul;
        f->quota = fz_cfg_calls / FZ_FUZZERS + (i == 0 ? fz_cfg_calls % FZ_FUZZERS : 0);
        seL4_CPtr ep = kt_mint(fault_ep, seL4_AllRights, (seL4_Word)i + 1);
        if (ep == 0) {
            return -1;
        }
        if (ok(seL4_SchedControl_ConfigureFlags(kt_sched_control(), f->sc, 3000, 10000, 4, 0, 0),
               "fuzzer SC") != 0 ||
            ok(seL4_TCB_SetSpace(f->tcb, ep, sandbox.cnode, guard, seL4_CapInitThreadVSpace, 0),
               "fuzzer space") != 0) {
            return -1;
        }
    }
    return 0;
}

static seL4_Word total_calls(void)
{
    seL4_Word n = 0;
    for (int i = 0; i < FZ_FUZZERS; i++) {
        n += fz_fuzzers[i].calls;
    }
    return n;
}

static void check_invariants(void)
{
    checks++;
    seL4_Word rc = lark_DebugCheckInvariants();
    if (rc != 0) {
        halt_failed("kernel invariant violated", rc);
    }
}

/* Suspend every fuzzer, refill the sandbox, restart them. */
static void new_epoch(void)
{
    for (int i = 0; i < FZ_FUZZERS; i++) {
        seL4_TCB_Suspend(fz_fuzzers[i].tcb);
    }
    check_invariants();
    if (fz_sandbox_build(&sandbox) != 0) {
        halt_failed("cannot rebuild the sandbox", 0);
    }
    check_invariants();
    for (int i = 0; i < FZ_FUZZERS; i++) {
        if (!fz_fuzzers[i].done) {
            restart(&fz_fuzzers[i]);
        }
    }
}

static void supervise(void)
{
    seL4_Word last[FZ_FUZZERS] = {0}, still[FZ_FUZZERS] = {0};
    seL4_Word last_total = 0, dead = 0, period = 0;
    seL4_Word next_epoch = FZ_EPOCH, next_progress = FZ_PROGRESS;
    for (;;) {
        period++;
        bool all_done = true;
        for (int i = 0; i < FZ_FUZZERS; i++) {
            fz_fuzzer_t *f = &fz_fuzzers[i];
            if (f->done) {
                continue;
            }
            all_done = false;
            if (f->calls != last[i]) {
                last[i] = f->calls;
                still[i] = 0;
            } else if (++still[i] >= (f->blocking ? FZ_STALL_PERIODS : FZ_IDLE_PERIODS)) {
                still[i] = 0;
                stall_restarts++;
                restart(f);
            }
        }
        if (all_done) {
            return;
        }
        seL4_Word total = total_calls();
        dead = total == last_total ? dead + 1 : 0;
        last_total = total;
        if (dead >= FZ_DEAD_PERIODS) {
            seL4_DebugDumpScheduler(); /* where did the fuzzers go? */
            halt_failed("no fuzzer made progress (hang)", dead);
        }
        if (fz_violation != 0) {
            halt_failed("kernel invariant violated (seen by a fuzzer)", fz_violation);
        }
        if (period % fz_cfg_check_every == 0) {
            check_invariants();
        }
        if (total >= next_epoch) {
            next_epoch += FZ_EPOCH;
            new_epoch();
        }
        if (total >= next_progress) {
            next_progress += FZ_PROGRESS;
            kt_printf("fuzz-kernel: %lu calls\n", total);
        }
        seL4_Yield(); /* the rest of this period's budget: sleep until the next */
    }
}

KTEST(kernel_fuzz)
{
    fz_trace_from = fz_cfg_trace_from;
    kt_printf("fuzz-kernel: seed %lu, %lu calls, %d fuzzers, invariant check every %lu periods\n",
              fz_cfg_seed, fz_cfg_calls, FZ_FUZZERS, fz_cfg_check_every);
    KT_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, FZ_ROOT_PRIO));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), seL4_CapInitThreadSC, 250, 1000, 2,
                                           0, 0));
    if (setup() != 0) {
        halt_failed("setup failed", 0);
    }
    check_invariants();
    for (int i = 0; i < FZ_FUZZERS; i++) {
        restart(&fz_fuzzers[i]);
    }
    supervise();
    for (int i = 0; i < FZ_FUZZERS; i++) {
        seL4_TCB_Suspend(fz_fuzzers[i].tcb);
    }
    check_invariants();
    seL4_Word restarts = 0;
    for (int i = 0; i < FZ_FUZZERS; i++) {
        restarts += fz_fuzzers[i].restarts;
    }
    kt_printf("fuzz-kernel: %lu invariant checks, %lu fuzzer restarts (%lu faults, %lu stalls)\n",
              checks, restarts, fault_restarts, stall_restarts);
    kt_printf("fuzz-kernel: faults by kind: cap %lu, unknown syscall %lu, user exception %lu, "
              "vm %lu\n", fault_kinds[1], fault_kinds[2], fault_kinds[3], fault_kinds[6]);
    kt_printf("fuzz-kernel: Call replies by error:");
    for (int i = 0; i < 12; i++) {
        kt_printf(" %s %lu", i < 11 ? kt_err_name((seL4_Word)i) : "other", fz_call_results[i]);
    }
    kt_printf("\n");
    kt_printf("fuzz-kernel: seed %lu, %lu calls, clean\n", fz_cfg_seed, total_calls());
    seL4_DebugHalt();
}
