#include <lark/runtime.h>
#include <lark/thread.h>
#include <stdint.h>

seL4_Error lark_thread_create(lark_alloc_t *a, const lark_thread_config_t *cfg, lark_thread_t *t)
{
    *t = (lark_thread_t){0};
    seL4_Error err = lark_alloc_object(a, seL4_RISCV_4K_Page, 0, &t->ipc_frame);
    if (err == seL4_NoError) {
        err = lark_map_frame(a, seL4_CapInitThreadVSpace, t->ipc_frame, cfg->ipc_buffer_vaddr, seL4_ReadWrite,
                             seL4_RISCV_ExecuteNever);
    }
    if (err == seL4_NoError) {
        t->ipc_buffer = (seL4_IPCBuffer *)cfg->ipc_buffer_vaddr;
        err = lark_alloc_object(a, seL4_TCBObject, 0, &t->tcb);
    }
    if (err == seL4_NoError) {
        /* cspace_root_data 0: keep the root CNode cap's own guard. */
        err = seL4_TCB_Configure(t->tcb, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0,
                                 cfg->ipc_buffer_vaddr, t->ipc_frame);
    }
    if (err == seL4_NoError) {
        err = lark_alloc_object(a, seL4_SchedContextObject, seL4_MinSchedContextBits, &t->sc);
    }
    if (err == seL4_NoError) {
        err = seL4_SchedControl_ConfigureFlags(cfg->sched_control, t->sc, cfg->budget_us, cfg->period_us, 0, 0,
                                               seL4_SchedContext_NoFlag);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, cfg->priority, cfg->priority, t->sc,
                                      cfg->fault_ep);
    }
    if (err == seL4_NoError) {
        t->tls = lark_thread_tls_init(cfg->tls_region, cfg->tls_bytes, t->ipc_buffer);
        if (t->tls == 0) {
            err = seL4_NotEnoughMemory;
        }
    }
    return err;
}

seL4_Error lark_thread_start(const lark_thread_t *t, void (*entry)(void *), void *arg, void *stack_top)
{
    seL4_Word gp;
    __asm__("mv %0, gp" : "=r"(gp));
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)(uintptr_t)entry;
    regs.sp = (seL4_Word)(uintptr_t)stack_top & ~(seL4_Word)15;
    regs.gp = gp;
    regs.tp = t->tls;
    regs.a0 = (seL4_Word)(uintptr_t)arg;
    return seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs);
}
