/* Root task entry: a0 = BootInfo (abi.md 7). Sets gp, a stack, clears .bss, then C. */
#define KT_ROOT_STACK_BYTES 65536
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    mv s0, a0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la sp, kt_root_stack
    li t0, KT_ROOT_STACK_BYTES
    add sp, sp, t0
    mv a0, s0
    call kt_root_main
3:  j 3b
