/* Extra threads in the caller's own CSpace and VSpace (what sel4test-style tests and demos
 * need): a TCB, its own scheduling context, its own IPC buffer frame and its own TLS block, so
 * seL4_GetIPCBuffer() works in the new thread. */
#pragma once

#include <lark/alloc.h>

typedef struct lark_thread {
    seL4_CPtr tcb;
    seL4_CPtr sc;
    seL4_CPtr ipc_frame;
    seL4_IPCBuffer *ipc_buffer;  /* where the buffer is mapped in this VSpace */
    seL4_Word tls;               /* the thread's tp */
} lark_thread_t;

typedef struct lark_thread_config {
    seL4_CPtr sched_control;     /* BootInfo.schedcontrol.start for a root task */
    seL4_Word priority;          /* also its MCP; authority is seL4_CapInitThreadTCB */
    seL4_CPtr fault_ep;          /* cptr in this CSpace, or seL4_CapNull */
    seL4_Time budget_us, period_us;
    seL4_Word ipc_buffer_vaddr;  /* a free, page-aligned address of this VSpace */
    void *tls_region;            /* lark_tls_region_bytes() or more */
    seL4_Word tls_bytes;
} lark_thread_config_t;

/* Creates the thread, suspended. On an error, *t holds what was made so far. */
seL4_Error lark_thread_create(lark_alloc_t *a, const lark_thread_config_t *cfg, lark_thread_t *t);

/* Starts it running entry(arg) with sp = stack_top (16-byte aligned) and the caller's gp.
 * entry must never return (there is nothing to return to). */
seL4_Error lark_thread_start(const lark_thread_t *t, void (*entry)(void *), void *arg, void *stack_top);
