/* Program entry: a0 = BootInfo (root task) or 0, a1 = IPC buffer (other programs).
 * Sets gp, sp and tp here in assembly, so no compiled code ever runs with a stale tp, then
 * lark_runtime_start(a0, a1, tls_ok) never returns. */
    .section .text.start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, lark_stack_top
    mv s0, a0
    mv s1, a1
    la a0, lark_main_tls
    li a1, LARK_MAIN_TLS_BYTES
    call lark_tls_build          /* base of the main thread's TLS block, or 0 */
    mv tp, a0
    snez a2, a0
    mv a0, s0
    mv a1, s1
    call lark_runtime_start
1:  j 1b

    .section .bss.lark_stack, "aw", @nobits
    .balign 16
lark_stack_bottom:
    .space 65536
    .global lark_stack_top
lark_stack_top:

    /* The main thread's TLS block; a program with more thread-locals fails at start. */
    .balign 64
    .global lark_main_tls
lark_main_tls:
    .space LARK_MAIN_TLS_BYTES
