/* The demo root task's parts. */
#pragma once

#include <lark/alloc.h>
#include <sel4/sel4.h>

void demo_print_bootinfo(const seL4_BootInfo *bi);

/* Starts the embedded child program in a new address space with one cap: ep minted with
 * DEMO_CHILD_BADGE. Its faults go to ep with DEMO_FAULT_BADGE. Returns 0 or -1 (printed). */
int demo_spawn_child(lark_alloc_t *a, const seL4_BootInfo *bi, seL4_CPtr ep);

/* Starts a second thread in the root task's own VSpace with its own IPC buffer and TLS; it
 * calls ep with DEMO_WORKER_BADGE once, then suspends itself. Returns 0 or -1 (printed). */
int demo_spawn_worker(lark_alloc_t *a, const seL4_BootInfo *bi, seL4_CPtr ep);

/* Serves the child's and the worker's requests on ep until the child has exited and the
 * worker has called; returns the child's exit status, or -1 on any unexpected message. */
int demo_serve(seL4_CPtr ep, seL4_CPtr reply);
