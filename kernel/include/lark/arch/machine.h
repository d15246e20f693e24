/* Platform facts the boot code reads from the FDT and the drivers use (K1). */
#ifndef LARK_ARCH_MACHINE_H
#define LARK_ARCH_MACHINE_H
#include "../types.h"
#include "riscv.h"

extern word_t timebase_hz; /* from /cpus/timebase-frequency; 10 MHz on QEMU virt */
static inline word_t us_to_ticks(word_t us) { return us * (timebase_hz / 1000000); }
static inline word_t ticks_to_us(word_t t) { return t / (timebase_hz / 1000000); }
static inline word_t timer_now(void) { return rdtime(); } /* inline: every kernel entry reads it */
void timer_set_deadline(word_t t);  /* through SBI */

void plic_init(paddr_t base, word_t ndev);
void plic_enable(word_t irq, bool on);
word_t plic_claim(void);            /* 0 if none */
void plic_complete(word_t irq);

/* Lazy FPU: the thread whose F/D state is in the FPU registers. */
struct tcb;
extern struct tcb *fpu_owner;
void fpu_prepare_return(struct tcb *t);  /* set FS in the user's sstatus */
bool fpu_handle_trap(struct tcb *t);     /* illegal insn with FS off: load state, retry */
void fpu_release(struct tcb *t);         /* TCB deleted/disabled: forget ownership */

NORETURN void restore_user_context(void); /* trap.S: return to ks_cur_thread */

#endif
