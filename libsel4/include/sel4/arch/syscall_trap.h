/* The one trap into the kernel every syscall goes through (abi.md 1): a7 = number, a0 = cptr
 * in / badge out, a1 = message info in/out, a2..a5 = MR0..MR3 in/out, a6 = reply cptr (MCS),
 * t0 = destination of NBSendRecv/NBSendWait. The kernel preserves every other register.
 *
 * On a non-RISC-V host (unit tests) the function is only declared: the test supplies a
 * recording version, which lets the marshalling of every wrapper be checked on the host. */
#pragma once

#include <sel4/simple_types.h>

typedef struct lark_syscall_regs {
    seL4_Word a0;     /* cptr in, badge out */
    seL4_Word info;   /* a1 */
    seL4_Word mr[4];  /* a2..a5 */
    seL4_Word reply;  /* a6, input only */
    seL4_Word dest;   /* t0, input only */
} lark_syscall_regs_t;

#if defined(__riscv) && __riscv_xlen == 64
static inline void lark_syscall(long sysno, lark_syscall_regs_t *r)
{
    register seL4_Word a0 __asm__("a0") = r->a0;
    register seL4_Word a1 __asm__("a1") = r->info;
    register seL4_Word a2 __asm__("a2") = r->mr[0];
    register seL4_Word a3 __asm__("a3") = r->mr[1];
    register seL4_Word a4 __asm__("a4") = r->mr[2];
    register seL4_Word a5 __asm__("a5") = r->mr[3];
    register seL4_Word a6 __asm__("a6") = r->reply;
    register seL4_Word t0 __asm__("t0") = r->dest;
    register long a7 __asm__("a7") = sysno;
    /* "memory": the kernel reads and writes the IPC buffer behind the compiler's back. */
    __asm__ volatile("ecall"
                 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                 : "r"(a6), "r"(t0), "r"(a7)
                 : "memory");
    r->a0 = a0;
    r->info = a1;
    r->mr[0] = a2;
    r->mr[1] = a3;
    r->mr[2] = a4;
    r->mr[3] = a5;
}
#else
void lark_syscall(long sysno, lark_syscall_regs_t *r);
#endif
