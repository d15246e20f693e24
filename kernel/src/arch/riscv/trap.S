/* Trap entry and exit. While a user thread runs, sscratch holds its TCB pointer (the saved
 * context is the first member of struct tcb); while the kernel runs, sscratch is 0. The
 * kernel runs with interrupts off (sstatus.SIE = 0) and polls sip at preemption points, so
 * a trap taken with sscratch == 0 is a kernel bug and ends in a panic. Offsets: tcb.h. */
#define REGBYTES 8
#define REG_PC 31
#define REG_FAULT_IP 32
#define REG_SSTATUS 33

    .section .text
    .align 4
    .globl kernel_trap_entry
kernel_trap_entry:
    csrrw t6, sscratch, t6
    beqz t6, kernel_mode_trap
    sd x1, 0*REGBYTES(t6)
    sd x2, 1*REGBYTES(t6)
    sd x3, 2*REGBYTES(t6)
    sd x4, 3*REGBYTES(t6)
    sd x5, 4*REGBYTES(t6)
    sd x6, 5*REGBYTES(t6)
    sd x7, 6*REGBYTES(t6)
    sd x8, 7*REGBYTES(t6)
    sd x9, 8*REGBYTES(t6)
    sd x10, 9*REGBYTES(t6)
    sd x11, 10*REGBYTES(t6)
    sd x12, 11*REGBYTES(t6)
    sd x13, 12*REGBYTES(t6)
    sd x14, 13*REGBYTES(t6)
    sd x15, 14*REGBYTES(t6)
    sd x16, 15*REGBYTES(t6)
    sd x17, 16*REGBYTES(t6)
    sd x18, 17*REGBYTES(t6)
    sd x19, 18*REGBYTES(t6)
    sd x20, 19*REGBYTES(t6)
    sd x21, 20*REGBYTES(t6)
    sd x22, 21*REGBYTES(t6)
    sd x23, 22*REGBYTES(t6)
    sd x24, 23*REGBYTES(t6)
    sd x25, 24*REGBYTES(t6)
    sd x26, 25*REGBYTES(t6)
    sd x27, 26*REGBYTES(t6)
    sd x28, 27*REGBYTES(t6)
    sd x29, 28*REGBYTES(t6)
    sd x30, 29*REGBYTES(t6)
    csrr t0, sscratch
    sd t0, 30*REGBYTES(t6)
    csrw sscratch, zero
    csrr t0, sepc
    sd t0, REG_PC*REGBYTES(t6)
    sd t0, REG_FAULT_IP*REGBYTES(t6)
    csrr t0, sstatus
    sd t0, REG_SSTATUS*REGBYTES(t6)
    la sp, boot_stack_top
#if LARK_FASTPATH
    /* A Call or ReplyRecv (a7 = -1 / -2) of at most 4 words and no caps (a1 & 0x1ff <= 4)
     * tries the IPC fastpath (fastpath.h) first, cheapest test first so that other traps pay
     * little: the user's a0..a6 stay live, a7 becomes the TCB; the fastpath continues with
     * c_handle_trap when it cannot help. */
fastpath_dispatch:
    addi t0, a7, 2 /* SYS_REPLY_RECV -> 0, SYS_CALL -> 1 */
    sltiu t1, t0, 2
    beqz t1, 1f
    andi t1, a1, 0x1ff
    sltiu t1, t1, 5
    beqz t1, 1f
    csrr t1, scause
    addi t1, t1, -8 /* CAUSE_ECALL_U */
    bnez t1, 1f
    mv a7, t6
    bnez t0, 2f
    tail fastpath_reply_recv
2:  tail fastpath_call
1:
    /* every other trap, and a Call/ReplyRecv the fastpath leaves, forgets its scheduler
     * cache (fastpath.c: fp_sched.limit = 0) before the slowpath may change what it holds */
    .globl fastpath_fallback
fastpath_fallback:
    sd zero, fp_sched, t0
#endif
    csrr a0, scause
    csrr a1, stval
    tail c_handle_trap

kernel_mode_trap:
    /* t6 is lost (it held 0 now in sscratch's place): we only report and stop */
    csrr a0, scause
    csrr a1, stval
    csrr a2, sepc
    tail kernel_trap_panic

#if LARK_FASTPATH
    /* the fastpath found a0's VSpace not cached: cache it, then the slowpath does the call */
    .globl fastpath_vspace_miss
fastpath_vspace_miss:
    call fastpath_vspace_fill
    j fastpath_fallback

    /* the fastpath's scheduler cache did not answer: refresh it; when the checks hold, enter
     * again with the syscall's registers (nothing was changed), else take the slowpath */
    .globl fastpath_sched_miss
fastpath_sched_miss:
    call fastpath_sched_refresh
    beqz a0, fastpath_fallback
    ld t6, ks_cur_thread
    ld a0, 9*REGBYTES(t6)
    ld a1, 10*REGBYTES(t6)
    ld a2, 11*REGBYTES(t6)
    ld a3, 12*REGBYTES(t6)
    ld a4, 13*REGBYTES(t6)
    ld a5, 14*REGBYTES(t6)
    ld a6, 15*REGBYTES(t6)
    ld a7, 16*REGBYTES(t6)
    j fastpath_dispatch
#endif

    .globl restore_user_context
restore_user_context:
    ld t6, ks_cur_thread
    ld t0, REG_PC*REGBYTES(t6)
    csrw sepc, t0
    ld t0, REG_SSTATUS*REGBYTES(t6)
    csrw sstatus, t0
    /* the fastpath jumps here with t6 = ks_cur_thread, sepc and sstatus written */
    .globl fastpath_restore
fastpath_restore:
    csrw sscratch, t6
    ld x1, 0*REGBYTES(t6)
    ld x2, 1*REGBYTES(t6)
    ld x3, 2*REGBYTES(t6)
    ld x4, 3*REGBYTES(t6)
    ld x5, 4*REGBYTES(t6)
    ld x6, 5*REGBYTES(t6)
    ld x7, 6*REGBYTES(t6)
    ld x8, 7*REGBYTES(t6)
    ld x9, 8*REGBYTES(t6)
    ld x10, 9*REGBYTES(t6)
    ld x11, 10*REGBYTES(t6)
    ld x12, 11*REGBYTES(t6)
    ld x13, 12*REGBYTES(t6)
    ld x14, 13*REGBYTES(t6)
    ld x15, 14*REGBYTES(t6)
    ld x16, 15*REGBYTES(t6)
    ld x17, 16*REGBYTES(t6)
    ld x18, 17*REGBYTES(t6)
    ld x19, 18*REGBYTES(t6)
    ld x20, 19*REGBYTES(t6)
    ld x21, 20*REGBYTES(t6)
    ld x22, 21*REGBYTES(t6)
    ld x23, 22*REGBYTES(t6)
    ld x24, 23*REGBYTES(t6)
    ld x25, 24*REGBYTES(t6)
    ld x26, 25*REGBYTES(t6)
    ld x27, 26*REGBYTES(t6)
    ld x28, 27*REGBYTES(t6)
    ld x29, 28*REGBYTES(t6)
    ld x30, 29*REGBYTES(t6)
    ld x31, 30*REGBYTES(t6)
    sret
