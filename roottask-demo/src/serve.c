/* The root task's side of the conversations: answer DEMO_LABEL_ADD calls from the child's and
 * the worker's badges, and take the child's exit (an UnknownSyscall fault, lib/ runtime
 * protocol) from the fault badge. */
#include "demo.h"
#include "protocol.h"

#include <lark/print.h>
#include <lark/runtime.h>

static int handle_fault(seL4_Word badge, seL4_MessageInfo_t info)
{
    seL4_Word label = (seL4_Word)seL4_MessageInfo_get_label(info);
    if (badge == DEMO_FAULT_BADGE && label == seL4_Fault_UnknownSyscall &&
        seL4_GetMR(seL4_UnknownSyscall_Syscall) == LARK_EXIT_SYSCALL) {
        int status = (int)seL4_GetMR(seL4_UnknownSyscall_A0);
        lark_printf("demo: child exited with status %d (exit fault at pc %#lx)\n", status,
                    seL4_GetMR(seL4_UnknownSyscall_FaultIP));
        return status;
    }
    lark_printf("demo: %s faulted: fault type %lu, MR0 %#lx MR1 %#lx MR2 %#lx\n",
                badge == DEMO_FAULT_BADGE ? "child" : "worker", label, seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2));
    return -1;
}

int demo_serve(seL4_CPtr ep, seL4_CPtr reply)
{
    int child_status = -1, child_done = 0, worker_done = 0, unexpected = 0;
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    for (;;) {
        if (badge == DEMO_FAULT_BADGE || badge == DEMO_WORKER_FAULT_BADGE) {
            /* No reply: the faulted thread stays blocked. */
            int status = handle_fault(badge, info);
            if (badge == DEMO_WORKER_FAULT_BADGE) {
                worker_done = 1;
                unexpected = 1;
            } else {
                child_done = 1;
                child_status = status;
            }
            if (child_done && worker_done) {
                break;
            }
            info = seL4_Recv(ep, &badge, reply);
            continue;
        }
        seL4_MessageInfo_t answer;
        if ((badge == DEMO_CHILD_BADGE || badge == DEMO_WORKER_BADGE) &&
            seL4_MessageInfo_get_label(info) == DEMO_LABEL_ADD) {
            seL4_Word n = (seL4_Word)seL4_MessageInfo_get_length(info), sum = 0;
            for (seL4_Word i = 0; i < n; i++) {
                sum += seL4_GetMR((int)i);
            }
            lark_printf("demo: call from badge %#lx: %lu words, sum %lu\n", badge, n, sum);
            seL4_SetMR(0, sum);
            answer = seL4_MessageInfo_new(0, 0, 0, 1);
            worker_done |= badge == DEMO_WORKER_BADGE;
        } else {
            lark_printf("demo: unexpected message: badge %#lx label %llu\n", badge, seL4_MessageInfo_get_label(info));
            answer = seL4_MessageInfo_new(seL4_IllegalOperation, 0, 0, 0);
            unexpected = 1;
        }
        if (child_done && worker_done) {
            seL4_Send(reply, answer);  /* MCS: sending on the reply object replies */
            break;
        }
        info = seL4_ReplyRecv(ep, answer, &badge, reply);
    }
    return unexpected ? -1 : child_status;
}
