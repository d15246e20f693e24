/* Root task entry: a0 = BootInfo (seL4 convention). The very first instruction reads the
 * instruction counter: that is the boot_to_roottask figure. */
    .section .text.start, "ax"
    .globl _start
_start:
    rdinstret s1
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
2:  la sp, bench_root_stack_top
    mv a0, s0
    mv a1, s1
    call bench_main
3:  j 3b

    .section .bss
    .balign 16
    .space 65536
bench_root_stack_top:
