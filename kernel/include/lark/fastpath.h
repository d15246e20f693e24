/* The IPC fastpath for Call and ReplyRecv (src/kernel/fastpath.c). Built in unless the kernel
 * is compiled with FASTPATH=0 (LARK_FASTPATH 0): then every syscall takes the slowpath.
 *
 * trap.S enters it for an ecall with a7 = Call or ReplyRecv whose message info (a1) has at
 * most 4 words (the message registers) and no extra caps, once the user context is saved,
 * with the user's a0..a6 still in registers (a7 = the current TCB). When the syscall is not
 * the simple case it changes nothing and continues with c_handle_trap (the slowpath), as if
 * it did not exist. Otherwise it does what the slowpath would have done (same registers,
 * badges, reply and SC state, queue order) and resumes the receiver in user mode. */
#ifndef LARK_FASTPATH_H
#define LARK_FASTPATH_H
#include "tcb.h"

#ifndef LARK_FASTPATH
#define LARK_FASTPATH 1
#endif

NORETURN void fastpath_call(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2,
                            word_t mr3, word_t reply_cptr, struct tcb *cur);
NORETURN void fastpath_reply_recv(word_t cptr, word_t info, word_t mr0, word_t mr1,
                                  word_t mr2, word_t mr3, word_t reply_cptr, struct tcb *cur);

/* The ASID table changed: VSpaces the fastpath found valid may not be any more. */
#if LARK_FASTPATH
void fastpath_vspace_changed(void);
void fastpath_vspace_fill(struct tcb *t); /* trap.S, when the fastpath misses its caches */
bool fastpath_sched_refresh(void);
#else
static inline void fastpath_vspace_changed(void) {}
#endif

/* invariants.c (-65): what t remembers of its VSpace, when current, is what a lookup gives
 * (the host tests of invariants.c link no fastpath) */
#if LARK_FASTPATH && !defined(LARK_HOST)
bool fastpath_vspace_answer_ok(const struct tcb *t);
#else
static inline bool fastpath_vspace_answer_ok(const struct tcb *t) { (void)t; return true; }
#endif

/* trap.c */
NORETURN void c_handle_trap(word_t scause, word_t stval);
extern struct tcb *active_vspace_thread; /* whose VSpace satp holds (NULL: re-activate) */

#endif
