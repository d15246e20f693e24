/* A second thread in the root task's own address space. It gets its own IPC buffer frame and
 * its own TLS block (lark_thread_tls_init), so seL4_GetIPCBuffer() differs between the two
 * threads of one VSpace, as in seL4. */
#include "demo.h"
#include "protocol.h"

#include <lark/print.h>
#include <lark/runtime.h>
#include <lark/thread.h>

#define WORKER_IPC_BUFFER 0x20100000ul
#define WORKER_PRIORITY 200

static char worker_stack[16384] __attribute__((aligned(16)));
static char worker_tls[512] __attribute__((aligned(64)));

struct worker_args {
    seL4_CPtr ep;   /* endpoint minted with DEMO_WORKER_BADGE */
    seL4_CPtr tcb;  /* its own TCB, to suspend itself when done */
};
static struct worker_args args;

static _Noreturn void worker_main(void *arg)
{
    struct worker_args *a = arg;
    seL4_IPCBuffer *mine = seL4_GetIPCBuffer();
    lark_printf("worker: second thread of the root task, IPC buffer at %p\n", (void *)mine);
    for (int i = 0; i < 5; i++) {
        seL4_SetMR(i, 7);
    }
    seL4_MessageInfo_t info = seL4_Call(a->ep, seL4_MessageInfo_new(DEMO_LABEL_ADD, 0, 0, 5));
    lark_printf("worker: sum of 5 sevens = %lu (%s)\n", seL4_GetMR(0),
                seL4_MessageInfo_get_label(info) == 0 && seL4_GetMR(0) == 35 ? "ok" : "WRONG");
    seL4_TCB_Suspend(a->tcb);
    for (;;) {
    }
}

int demo_spawn_worker(lark_alloc_t *a, const seL4_BootInfo *bi, seL4_CPtr ep)
{
    seL4_CPtr ep_copy = lark_alloc_slots(a, 2), fault_ep = ep_copy + 1;
    if (ep_copy == seL4_CapNull ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, ep_copy, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                        seL4_AllRights, DEMO_WORKER_BADGE) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, fault_ep, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                        seL4_AllRights, DEMO_WORKER_FAULT_BADGE) != seL4_NoError) {
        lark_printf("demo: minting the worker's endpoints failed\n");
        return -1;
    }
    lark_thread_config_t cfg = {
        .sched_control = bi->schedcontrol.start,
        .priority = WORKER_PRIORITY,
        .fault_ep = fault_ep,
        .budget_us = 10000,
        .period_us = 10000,
        .ipc_buffer_vaddr = WORKER_IPC_BUFFER,
        .tls_region = worker_tls,
        .tls_bytes = sizeof worker_tls,
    };
    lark_thread_t t;
    seL4_Error err = lark_thread_create(a, &cfg, &t);
    if (err != seL4_NoError) {
        lark_printf("demo: creating the worker thread failed: error %d\n", (int)err);
        return -1;
    }
    args = (struct worker_args){ep_copy, t.tcb};
    seL4_DebugNameThread(t.tcb, "demo-worker");
    err = lark_thread_start(&t, worker_main, &args, worker_stack + sizeof worker_stack);
    if (err != seL4_NoError) {
        lark_printf("demo: starting the worker failed: error %d\n", (int)err);
        return -1;
    }
    lark_printf("demo: worker thread started in the root task's VSpace (TLS at %#lx, IPC buffer %#lx)\n", t.tls,
                WORKER_IPC_BUFFER);
    return 0;
}
