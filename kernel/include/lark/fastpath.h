/* The IPC fastpath for Call and ReplyRecv (src/kernel/fastpath.c). Built in unless the kernel
 * is compiled with FASTPATH=0 (LARK_FASTPATH 0): then every syscall takes the slowpath.
 *
 * The trap path calls fastpath_syscall() for every ecall, after sched_update_timestamp() and
 * before anything else. It returns only when the syscall is not the simple case; then the
 * slowpath runs as if the fastpath did not exist. Otherwise it never returns: it did what the
 * slowpath would have done (same registers, badges, reply and SC state, queue order) and
 * resumed the receiver in user mode. */
#ifndef LARK_FASTPATH_H
#define LARK_FASTPATH_H
#include "tcb.h"

#ifndef LARK_FASTPATH
#define LARK_FASTPATH 1
#endif

#if LARK_FASTPATH
void fastpath_syscall(struct tcb *cur);
#else
static inline void fastpath_syscall(struct tcb *cur) { (void)cur; }
#endif

/* trap.c: the thread whose VSpace satp holds (NULL: re-activate on the next exit). */
extern struct tcb *active_vspace_thread;

#endif
