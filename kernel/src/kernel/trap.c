/* C side of the trap path: classify, dispatch, schedule, return to user. */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/console.h>
#include <lark/fastpath.h>
#include <lark/fault.h>
#include <lark/irq.h>
#include <lark/preempt_stats.h>
#include <lark/sched.h>
#include <lark/syscall.h>
#include <lark/vspace.h>

void handle_user_trap(word_t scause, word_t stval)
{
    struct tcb *t = ks_cur_thread;
    t->ctx.regs[REG_PC] = t->ctx.regs[REG_FAULT_IP]; /* resume at the faulting instruction */
    switch (scause) {
    case CAUSE_ILLEGAL_INSN:
        if (fpu_handle_trap(t))
            return;
        break;
    case CAUSE_INSN_PAGE_FAULT:
    case CAUSE_INSN_ACCESS:
        cur_fault = (struct fault){.type = FAULT_VM, .addr = stval, .data = 1,
                                   .code = CAUSE_INSN_ACCESS};
        fault_handle(t);
        return;
    case CAUSE_LOAD_PAGE_FAULT:
    case CAUSE_LOAD_ACCESS:
        cur_fault = (struct fault){.type = FAULT_VM, .addr = stval, .data = 0,
                                   .code = CAUSE_LOAD_ACCESS};
        fault_handle(t);
        return;
    case CAUSE_STORE_PAGE_FAULT:
    case CAUSE_STORE_ACCESS:
        cur_fault = (struct fault){.type = FAULT_VM, .addr = stval, .data = 0,
                                   .code = CAUSE_STORE_ACCESS};
        fault_handle(t);
        return;
    default:
        break;
    }
    cur_fault = (struct fault){.type = FAULT_USER_EXCEPTION, .data = scause, .code = 0};
    fault_handle(t);
}

void handle_interrupt(word_t scause)
{
    word_t code = scause & ~SCAUSE_INTERRUPT;
    if (code == IRQ_S_TIMER) {
        sched_timer_interrupt();
    } else if (code == IRQ_S_EXTERNAL) {
        sched_check_budget();
        word_t irq = plic_claim();
        if (irq)
            irq_handle(irq);
    } else {
        kprintf("kernel: unexpected interrupt %lu ignored\n", code);
    }
}

bool preemption_point(void)
{
    bool pending = (csr_read(sip) & (SIP_STIP | SIP_SEIP)) != 0;
    preempt_stats_point(pending);
    return pending;
}

void kernel_idle_wait(void)
{
    preempt_stats_exit(); /* waiting is polling: the stretch ends here */
    while (!(csr_read(sip) & (SIP_STIP | SIP_SEIP)))
        __asm__ volatile("wfi");
    preempt_stats_entry();
    word_t sip = csr_read(sip);
    sched_update_timestamp();
    if (sip & SIP_STIP)
        handle_interrupt(SCAUSE_INTERRUPT | IRQ_S_TIMER);
    if (sip & SIP_SEIP)
        handle_interrupt(SCAUSE_INTERRUPT | IRQ_S_EXTERNAL);
}

struct tcb *active_vspace_thread; /* fastpath.c switches VSpaces too */

void return_to_user(void)
{
    /* the idle thread is the kernel waiting for an interrupt, never a user context */
    for (;;) {
        schedule();
        if (ks_cur_thread != ks_idle_thread)
            break;
        kernel_idle_wait();
    }
    /* a cap change may have retargeted a thread's VSpace (vspace_changed): re-read it */
    if (ks_cur_thread != active_vspace_thread) {
        vspace_activate(ks_cur_thread);
        active_vspace_thread = ks_cur_thread;
    }
    fpu_prepare_return(ks_cur_thread);
    preempt_stats_exit();
    restore_user_context();
}

NORETURN void c_handle_trap(word_t scause, word_t stval);
void c_handle_trap(word_t scause, word_t stval)
{
    preempt_stats_entry();
    sched_update_timestamp();
    if (scause & SCAUSE_INTERRUPT)
        handle_interrupt(scause);
    else if (!sched_check_budget())
        ; /* out of budget: the thread re-executes the ecall/instruction when it next runs */
    else if (scause == CAUSE_ECALL_U)
        handle_syscall((sword_t)ks_cur_thread->ctx.regs[REG_A7]);
    else
        handle_user_trap(scause, stval);
    return_to_user();
}

void vspace_changed(void)
{
    active_vspace_thread = NULL;
    fastpath_vspace_changed();
}
