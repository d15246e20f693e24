/* First instructions: OpenSBI enters _start in S-mode, MMU off, a0 = hart id, a1 = FDT
 * paddr. We run at physical addresses until Sv39 is on; `la` is pc-relative, so it yields
 * physical addresses here and virtual ones after the jump. The boot page table maps
 *   - physical 0 .. 64 GiB at PPTR_OFFSET (1 GiB leaves, global): the kernel window;
 *   - the GiB holding the kernel at its own physical address (identity), only so the jump
 *     to the high half survives turning the MMU on; kernel_main drops it. */
#define PPTR_OFFSET 0xffffffc000000000
#define WINDOW_GIB 64
#define PTE_KERNEL 0xef /* V R W X G A D */

    .section .text.boot, "ax"
    .globl _start
_start:
    csrw sie, zero
    csrw sstatus, zero
    /* boot page table (in .data, already zero) */
    la t0, kernel_root_pt
    li t1, 0                 /* GiB index */
    li t2, WINDOW_GIB
1:  slli t3, t1, 28          /* ((i << 30) >> 12) << 10 */
    ori t3, t3, PTE_KERNEL
    addi t4, t1, 256
    slli t4, t4, 3
    add t4, t4, t0
    sd t3, 0(t4)
    addi t1, t1, 1
    blt t1, t2, 1b
    /* identity entry for the GiB of _start */
    la t1, _start
    srli t1, t1, 30
    slli t3, t1, 28
    ori t3, t3, PTE_KERNEL
    slli t4, t1, 3
    add t4, t4, t0
    sd t3, 0(t4)
    /* satp = Sv39 | ppn(root) */
    srli t1, t0, 12
    li t2, 8
    slli t2, t2, 60
    or t1, t1, t2
    sfence.vma
    csrw satp, t1
    sfence.vma
    /* jump to the high-half alias of _high */
    ld t0, high_entry
    jr t0

    .align 3
high_entry:
    .dword _high

_high:
    la sp, boot_stack_top
    /* clear .bss (the stack is in it, but nothing is on it yet) */
    la t0, __bss_start
    la t1, __bss_end
2:  bgeu t0, t1, 3f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 2b
3:  la t0, kernel_trap_entry
    csrw stvec, t0
    csrw sscratch, zero
    call kernel_main
4:  wfi
    j 4b

    .section .data.pagetables, "aw"
    .align 12
    .globl kernel_root_pt
kernel_root_pt:
    .zero 4096

    .section .bss.stack, "aw", @nobits
    .align 12
    .globl boot_stack_top
boot_stack:
    .zero 16384
boot_stack_top:
