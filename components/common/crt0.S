/* Entry of a component started by the root server: unlike lib/crt0.S (which switches to a
 * 64 KiB stack of its own in .bss), it keeps the stack the spec gave the thread (sp = the
 * thread's stack top, below a guard page), so a component's RAM is what larkos.xml says.
 * a0 = thread index (0), a1 = IPC buffer address; then lark_runtime_start as lib/crt0 does. */
    .section .text.start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    mv s0, a0
    mv s1, a1
    la a0, lark_main_tls
    li a1, COMPONENT_TLS_BYTES
    call lark_tls_build          /* base of the main thread's TLS block, or 0 */
    mv tp, a0
    snez a2, a0
    li a0, 0                     /* not a root task: no BootInfo */
    mv a1, s1
    call lark_runtime_start
1:  j 1b

    .section .bss.lark_tls, "aw", @nobits
    .balign 64
    .global lark_main_tls
lark_main_tls:
    .space COMPONENT_TLS_BYTES
