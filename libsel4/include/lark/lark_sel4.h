/* LarkOS-only extensions of the seL4 ABI (numbers documented in kernel/README.md). Never
 * included by <sel4/sel4.h>: code that uses them does not run on a real seL4. */
#pragma once

#include <sel4/sel4.h>

/* Invocation label of Untyped_Describe on an untyped cap (the KataOS addition). */
#define LARK_LABEL_UNTYPED_DESCRIBE 0x4C00
/* Debug syscall: print every non-null slot of a CNode on the console. */
#define LARK_SYS_DEBUG_DUMP_CNODE (-64)
/* Debug syscall: the kernel checks its own invariants (kernel/README.md lists them). */
#define LARK_SYS_DEBUG_CHECK_INVARIANTS (-65)

typedef struct lark_Untyped_Describe {
    int error;
    seL4_Word remainingBytes; /* MR0: bytes not yet retyped (above the watermark) */
    seL4_Word sizeBits;       /* MR1 */
} lark_Untyped_Describe_t;

static inline lark_Untyped_Describe_t lark_Untyped_Describe(seL4_Untyped _service)
{
    lark_Untyped_Describe_t result = {0, 0, 0};
    result.error = (int)lark_invoke_error(_service, LARK_LABEL_UNTYPED_DESCRIBE, 0, 0);
    if (result.error == seL4_NoError) {
        result.remainingBytes = seL4_GetMR(0);
        result.sizeBits = seL4_GetMR(1);
    }
    return result;
}

/* The CNode cptr is looked up in the caller's CSpace at depth 64. */
static inline void lark_DebugDumpCNode(seL4_CNode cnode)
{
    lark_syscall_regs_t r = {.a0 = cnode};
    lark_syscall(LARK_SYS_DEBUG_DUMP_CNODE, &r);
}

/* 0 when every invariant holds; else the code of the first violation, which the kernel
 * also prints (what, which object) on the console. Checks what the caller's CSpace reaches
 * plus the scheduler's queues. */
static inline seL4_Word lark_DebugCheckInvariants(void)
{
    lark_syscall_regs_t r = {0};
    lark_syscall(LARK_SYS_DEBUG_CHECK_INVARIANTS, &r);
    return r.a0;
}

/* Debug syscall: the kernel's preemption figures since the last call, which it then resets.
 * Instruction counts are retired instructions (rdinstret) of one kernel entry without a poll
 * for a pending interrupt (kernel/README.md, "LarkOS ABI extensions"). */
#define LARK_SYS_PREEMPT_STATS (-66)

typedef struct lark_PreemptStats {
    seL4_Word worstStretch;        /* a0: longest stretch without a poll, instructions */
    seL4_Word restarts;            /* a1: preemption points that found an interrupt pending */
    seL4_Word worstPendingStretch; /* a2: longest stretch that ended with one pending */
    seL4_Word points;              /* a3: preemption points polled */
    seL4_Word entries;             /* a4: kernel entries (traps and wake-ups from idle) */
    seL4_Word worstKind;           /* a5: 1 entry..point, 2 point..point, 3 point..exit,
                                      4 entry..exit */
} lark_PreemptStats_t;

static inline lark_PreemptStats_t lark_PreemptStats(void)
{
    lark_syscall_regs_t r = {0};
    lark_syscall(LARK_SYS_PREEMPT_STATS, &r);
    lark_PreemptStats_t s = {r.a0, r.info, r.mr[0], r.mr[1], r.mr[2], r.mr[3]};
    return s;
}

#include <lark/bootinfo_extra.h>
