/* Kernel entry points from the trap path (K1: src/kernel/syscall.c, src/kernel/trap.c). */
#ifndef LARK_SYSCALL_H
#define LARK_SYSCALL_H
#include "tcb.h"

/* a7 of an ecall from user mode; the user context is saved in ks_cur_thread. */
void handle_syscall(sword_t number);
/* Other traps from user mode (scause, stval as the hardware gave them). */
void handle_user_trap(word_t scause, word_t stval);
/* Supervisor interrupts (timer, external via PLIC). */
void handle_interrupt(word_t scause);

/* Preemption point for long operations: true if a timer or device interrupt is pending
 * and the operation should stop (returning EXCEPTION_PREEMPTED). */
bool preemption_point(void);

/* For the scheduler when nothing is runnable: wait (wfi) in the kernel until an interrupt
 * is pending, then handle it (timer -> sched_timer_interrupt, PLIC -> irq_handle). Returns
 * after one round; the caller re-checks its queues. */
void kernel_idle_wait(void);
/* schedule(), wait in the kernel while the idle thread is chosen, then return to
 * ks_cur_thread's user context (trap.c). */
NORETURN void return_to_user(void);

#endif
