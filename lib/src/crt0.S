/* Program entry: a0 = BootInfo (root task) or 0, a1 = IPC buffer (other programs).
 * Sets gp and sp, then lark_runtime_start(a0, a1) never returns. */
    .section .text.start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, lark_stack_top
    call lark_runtime_start
1:  j 1b

    .section .bss.lark_stack, "aw", @nobits
    .balign 16
lark_stack_bottom:
    .space 65536
    .global lark_stack_top
lark_stack_top:
