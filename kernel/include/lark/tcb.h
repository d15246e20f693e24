/* The thread control block (2^11 bytes) and thread states. Owner of the code: K2
 * (src/object/tcb.c, src/kernel/thread.c); the layout is shared with the trap asm. */
#ifndef LARK_TCB_H
#define LARK_TCB_H
#include "cte.h"
#include "errors.h"

/* Saved user context. The trap entry (arch/riscv/trap.S) stores x1..x31 at regs[0..30]
 * and knows the offsets below; keep them in sync (static asserts in tcb.c). */
enum ctx_reg {
    REG_RA = 0, REG_SP = 1, REG_GP = 2, REG_TP = 3, REG_T0 = 4, REG_T1 = 5, REG_T2 = 6,
    REG_S0 = 7, REG_S1 = 8, REG_A0 = 9, REG_A1 = 10, REG_A2 = 11, REG_A3 = 12, REG_A4 = 13,
    REG_A5 = 14, REG_A6 = 15, REG_A7 = 16, REG_S2 = 17, REG_S11 = 26, REG_T3 = 27,
    REG_T6 = 30,
    REG_PC = 31,       /* where the thread resumes (seL4 NextIP) */
    REG_FAULT_IP = 32, /* sepc at the last trap: the trapping instruction */
    REG_SSTATUS = 33,  /* the user's sstatus (SPIE, FS) */
    CTX_WORDS = 34,
};
#define REG_XN(n) ((n) - 1) /* index of register xN */
#define MR_REG(i) (REG_A2 + (i)) /* MR0..MR3 live in a2..a5 */
#define BADGE_REG REG_A0
#define MSGINFO_REG REG_A1
#define REPLY_REG REG_A6     /* MCS reply cptr */
#define NBSEND_DEST_REG REG_T0

struct user_context {
    word_t regs[CTX_WORDS];
    word_t fregs[32]; /* f0..f31 (D), saved lazily */
    word_t fcsr;
};
#define CTX_OFFSET_FREGS (CTX_WORDS * 8)
#define CTX_OFFSET_FCSR ((CTX_WORDS + 32) * 8)

enum thread_state {
    TS_INACTIVE = 0,
    TS_RUNNING,
    TS_RESTART,          /* resumes at REG_FAULT_IP (re-executes the syscall) */
    TS_BLOCKED_ON_RECEIVE,
    TS_BLOCKED_ON_SEND,
    TS_BLOCKED_ON_REPLY,
    TS_BLOCKED_ON_NOTIFICATION,
    TS_IDLE,
};

/* Slots inside the TCB object: caps the thread holds on its own (seL4's TCB CNode). */
enum tcb_slot {
    TCB_CSPACE_SLOT = 0,
    TCB_VSPACE_SLOT,
    TCB_IPC_BUFFER_SLOT,
    TCB_FAULT_EP_SLOT,   /* MCS: the fault endpoint cap is copied here */
    TCB_TIMEOUT_EP_SLOT, /* MCS: timeout fault endpoint */
    TCB_NUM_SLOTS,
};

#define TCB_FLAG_FPU_DISABLED BIT(0)

struct sched_context;
struct notification;
struct reply;
struct endpoint;

struct tcb {
    struct user_context ctx; /* first: sscratch points here, trap.S saves into it */
    struct cte slots[TCB_NUM_SLOTS];

    word_t state;            /* enum thread_state */
    word_t blocking_object;  /* kernel ptr of the endpoint/notification/reply blocked on */
    word_t blocking_badge;   /* BlockedOnSend: the badge being sent */
    bool blocking_can_grant, blocking_can_grant_reply, blocking_is_call;

    word_t priority, mcp, domain;
    word_t flags;            /* TCB_FLAG_* */
    word_t ipc_buffer;       /* user vaddr of the IPC buffer */

    struct sched_context *sc;     /* MCS: bound scheduling context (NULL: passive) */
    struct sched_context *yield_to;
    struct reply *reply;          /* reply object this thread waits on (BlockedOnReply) or
                                     that receives its caller (BlockedOnReceive) */
    struct notification *bound_notification;

    struct tcb *sched_next, *sched_prev; /* ready queue */
    struct tcb *ep_next, *ep_prev;       /* endpoint / notification queue */
    struct tcb *release_next, *release_prev; /* MCS release queue */
    bool in_ready_queue, in_release_queue;

    struct fault fault;       /* the fault being delivered / waiting for a reply */
    char name[32];            /* DebugNameThread */
    /* fastpath.c: the satp its VSpace cap gave, while that slot holds fp_vspace_cap and the
     * ASID table is as at fp_vspace_epoch (0, as Retype leaves it, is never current) */
    cap_t fp_vspace_cap;
    word_t fp_vspace_satp, fp_vspace_epoch;
};
_Static_assert(sizeof(struct tcb) <= (1u << 11), "TCB object is 2^11 bytes");

static inline struct tcb *tcb_from_cap(cap_t c) { return (struct tcb *)cap_kptr(c); }

/* --- src/kernel/thread.c and src/object/tcb.c (K2) --- */
void tcb_init(struct tcb *t);                    /* fresh object from Retype (memory zeroed) */
word_t tcb_get_mr(struct tcb *t, const word_t *ipcbuf, unsigned i); /* MRi, registers first */
void tcb_set_mr(struct tcb *t, word_t *ipcbuf, unsigned i, word_t v);
void thread_set_state(struct tcb *t, word_t state);
bool thread_is_runnable(const struct tcb *t);
void thread_suspend(struct tcb *t);
void thread_restart(struct tcb *t);
/* Tear-down when the last cap to a TCB goes: unbinds SC, notification, cancels IPC. Called
 * by delete.c before it empties the TCB's own slots (they may hold the last caps of other
 * objects, deleted preemptibly afterwards). */
void tcb_finalise(struct tcb *t);
/* K1 (src/arch/riscv/vspace.c): kernel pointer to the thread's IPC buffer (the frame cap in
 * TCB_IPC_BUFFER_SLOT + the offset of t->ipc_buffer in it), or NULL if it has none. */
word_t *tcb_ipc_buffer_kptr(struct tcb *t);
/* src/object/tcb.c: the IPC buffer the kernel may write into (seL4 lookupIPCBuffer with
 * isReceiver): only through a read-write frame cap, else NULL. Replies, received messages
 * and received caps go through this one; a read-only buffer can still be sent from. */
word_t *tcb_ipc_buffer_for_receive(struct tcb *t);
/* Decode the TCB invocations (labels 2..17). */
struct invocation;
exception_t decode_tcb_invocation(struct invocation *inv);

#endif
