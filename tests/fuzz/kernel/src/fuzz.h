/* The kernel syscall fuzzer: a root task (linked with the kernel-tests framework) that builds
 * a sandbox CNode full of objects, runs fuzzer threads whose CSpace is that CNode alone, and
 * checks the kernel's invariants (LarkDebugCheckInvariants) while they issue random calls. */
#pragma once
#include "kt.h"

/* ---- the deterministic PRNG (splitmix64): one state per fuzzer */
static inline seL4_Word fz_next(seL4_Word *s)
{
    seL4_Word z = (*s += 0x9e3779b97f4a7c15ul);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
    return z ^ (z >> 31);
}
static inline seL4_Word fz_below(seL4_Word *s, seL4_Word n) { return fz_next(s) % n; }

/* ---- the sandbox: one CNode of 2^FZ_SB_BITS slots, the fuzzers' whole CSpace */
#define FZ_SB_BITS 8
#define FZ_SB_SLOTS (1u << FZ_SB_BITS)
#define FZ_SB_POPULATED 48 /* slots 1..47 hold the objects built; the rest start empty */
#define FZ_SB_SELF 1       /* the sandbox CNode itself (no guard: depth 8 names a slot) */
#define FZ_SB_VSPACE 29    /* a page table made a VSpace root (victims run there) */
#define FZ_VICTIM_MCP 90   /* victims stay below the fuzzers (priorities 100..120) */

typedef struct fz_sandbox {
    seL4_CPtr cnode;       /* root CNode slot of the sandbox CNode cap */
    seL4_CPtr untyped;     /* root-only untyped every sandbox object comes from */
} fz_sandbox_t;
/* (Re)fill the sandbox: revokes the untyped, empties every slot, builds the objects. */
int fz_sandbox_build(fz_sandbox_t *sb);

/* ---- one recorded call */
typedef struct fz_call {
    seL4_Word seq;                  /* global call number */
    seL4_Word fuzzer;
    long sysno;
    seL4_Word a0, info, mr[4], reply, dest;
    seL4_Word extra[3];             /* extra cap cptrs (IPC buffer caps_or_badges) */
    seL4_Word ipc[4];               /* MR4..MR7 (IPC buffer) */
} fz_call_t;

#define FZ_RING 16
void fz_ring_print(void);

/* ---- fuzzer threads */
#define FZ_FUZZERS 3
typedef struct fz_fuzzer {
    int id;
    seL4_CPtr tcb, sc, ipc_frame;
    seL4_Word ipc_vaddr, stack_top, tls;
    seL4_Word prng;
    seL4_Word quota;
    volatile seL4_Word calls;       /* issued so far */
    volatile seL4_Word blocking;    /* inside a syscall that may block (watchdog hint) */
    volatile seL4_Word restarts;
    volatile int done;
} fz_fuzzer_t;

extern fz_fuzzer_t fz_fuzzers[FZ_FUZZERS];
extern volatile seL4_Word fz_seq;   /* calls issued by all fuzzers */
extern volatile seL4_Word fz_violation;
extern volatile seL4_Word fz_call_results[12]; /* Calls answered, by reply label (seL4_Error) */ /* nonzero: a fuzzer's own -65 call found a violation */
extern seL4_Word fz_trace_from;     /* print every call from this number on (0: never) */
void fz_fuzzer_entry(fz_fuzzer_t *f);
/* Is v inside the root task image? (never handed to the kernel as a register value, so a
 * thread the fuzzers resume cannot run the fuzzer's own code) */
bool fz_in_image(seL4_Word v);
