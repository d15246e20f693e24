/* A second thread in the root task's own address space. It gets its own IPC buffer frame and
 * its own TLS block (lark_thread_tls_init), so seL4_GetIPCBuffer() differs between the two
 * threads of one VSpace, as in seL4. */
#include "demo.h"
#include "protocol.h"

#include <lark/print.h>
#include <lark/runtime.h>

#define WORKER_IPC_BUFFER 0x20100000ul
#define WORKER_PRIORITY 200

static char worker_stack[16384] __attribute__((aligned(16)));
static char worker_tls[512] __attribute__((aligned(64)));

struct worker_args {
    seL4_CPtr ep;   /* endpoint minted with DEMO_WORKER_BADGE */
    seL4_CPtr tcb;  /* its own TCB, to suspend itself when done */
};
static struct worker_args args;

static _Noreturn void worker_main(struct worker_args *a)
{
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
    seL4_CPtr ipc_frame, tcb, sc, ep_copy, fault_ep;
    ep_copy = lark_alloc_slots(a, 2);
    fault_ep = ep_copy + 1;
    if (ep_copy == seL4_CapNull ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, ep_copy, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                        seL4_AllRights, DEMO_WORKER_BADGE) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, fault_ep, seL4_WordBits, seL4_CapInitThreadCNode, ep, seL4_WordBits,
                        seL4_AllRights, DEMO_WORKER_FAULT_BADGE) != seL4_NoError ||
        lark_alloc_object(a, seL4_RISCV_4K_Page, 0, &ipc_frame) != seL4_NoError ||
        lark_map_frame(a, seL4_CapInitThreadVSpace, ipc_frame, WORKER_IPC_BUFFER, seL4_ReadWrite,
                       seL4_RISCV_ExecuteNever) != seL4_NoError ||
        lark_alloc_object(a, seL4_TCBObject, 0, &tcb) != seL4_NoError ||
        seL4_TCB_Configure(tcb, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, WORKER_IPC_BUFFER,
                           ipc_frame) != seL4_NoError ||
        lark_alloc_object(a, seL4_SchedContextObject, seL4_MinSchedContextBits, &sc) != seL4_NoError ||
        seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, sc, 10000, 10000, 0, 0, 0) != seL4_NoError ||
        seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, WORKER_PRIORITY, WORKER_PRIORITY, sc, fault_ep) !=
            seL4_NoError) {
        lark_printf("demo: setting up the worker thread failed\n");
        return -1;
    }
    seL4_Word tls = lark_thread_tls_init(worker_tls, sizeof worker_tls, (seL4_IPCBuffer *)WORKER_IPC_BUFFER);
    if (tls == 0) {
        lark_printf("demo: worker TLS block too small (%lu bytes needed)\n", lark_tls_region_bytes());
        return -1;
    }
    args = (struct worker_args){ep_copy, tcb};
    seL4_Word gp;
    __asm__("mv %0, gp" : "=r"(gp));
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)worker_main;
    regs.sp = (seL4_Word)(worker_stack + sizeof worker_stack);
    regs.gp = gp;
    regs.tp = tls;
    regs.a0 = (seL4_Word)&args;
    seL4_DebugNameThread(tcb, "demo-worker");
    if (seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs) != seL4_NoError) {
        lark_printf("demo: starting the worker failed\n");
        return -1;
    }
    lark_printf("demo: worker thread started in the root task's VSpace (TLS at %#lx, IPC buffer %#lx)\n", tls,
                WORKER_IPC_BUFFER);
    return 0;
}
