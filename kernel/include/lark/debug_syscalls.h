/* The debug syscalls of a printing seL4 build plus the LarkOS ones (K1:
 * src/kernel/debug_syscalls.c). None of them can fail or fault: a bad cptr is reported on the
 * console (or, for DebugCapIdentify, as type 0) and the caller resumes. */
#ifndef LARK_DEBUG_SYSCALLS_H
#define LARK_DEBUG_SYSCALLS_H
#include "tcb.h"

/* DebugPutChar, DebugDumpScheduler, DebugHalt, DebugCapIdentify, DebugSnapshot,
 * DebugNameThread, LarkOS DebugDumpCNode (-64). */
void handle_debug_syscall(struct tcb *t, sword_t number);

#endif
