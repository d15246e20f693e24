/* Entry of the bare-metal bench programs. OpenSBI (fw_jump, QEMU virt) enters here in
 * S-mode at 0x80200000 with a0 = hart id, a1 = device tree. Only hart 0 runs (-smp 1). */
    .section .text.entry, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      tp, __tls_base
    /* The compiler may use the FPU for the runtime's load-time double maths, and the RVV
     * kernels need the vector unit: both are off until sstatus.FS / sstatus.VS leave Off. */
    li      t0, (1 << 13) | (1 << 9)
    csrs    sstatus, t0
    la      t0, trap_entry
    csrw    stvec, t0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    bench_main
    call    platform_exit

    /* Any trap is a bug in the program under test: report it and fail the run. */
    .align 2
trap_entry:
    la      sp, __stack_top
    csrr    a0, scause
    csrr    a1, sepc
    csrr    a2, stval
    call    platform_trap
1:  j       1b
