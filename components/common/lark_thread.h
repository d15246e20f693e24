/* Entry points for a component's extra threads (`<thread entry="...">` in larkos.xml).
 *
 * The root server starts an extra thread at its entry symbol with sp = the thread's stack top,
 * a0 = its thread index and a1 = its IPC buffer address, but with tp = 0: the spec gives it no
 * TLS block, so C code there could not even find its IPC buffer (a thread-local).
 *     LARK_THREAD_ENTRY(pong_helper_entry, helper_main)
 * defines the symbol pong_helper_entry, which sets gp, builds a TLS block of its own (in .bss)
 * holding that IPC buffer, points tp at it and calls `void helper_main(seL4_Word index)`. */
#pragma once

#include <lark/runtime.h>
#include <sel4/sel4.h>

#define LARK_THREAD_TLS_BYTES 512

#define LARK_THREAD_ENTRY(entry, fn)                                                                   \
    static char entry##_tls[LARK_THREAD_TLS_BYTES] __attribute__((aligned(64), used));              \
    void fn(seL4_Word index);                                                                          \
    __asm__(".section .text\n"                                                                         \
            ".global " #entry "\n"                                                                     \
            ".type " #entry ", @function\n" #entry ":\n"                                               \
            "    .option push\n"                                                                       \
            "    .option norelax\n"                                                                    \
            "    la gp, __global_pointer$\n"                                                           \
            "    .option pop\n"                                                                        \
            "    mv s0, a0\n"                                                                          \
            "    mv s1, a1\n"                                                                          \
            "    la a0, " #entry "_tls\n"                                                              \
            "    li a1, " LARK_THREAD_STR(LARK_THREAD_TLS_BYTES) "\n"                                  \
            "    mv a2, s1\n"                                                                          \
            "    call lark_thread_tls_init\n"                                                          \
            "    beqz a0, 1f\n"                                                                        \
            "    mv tp, a0\n"                                                                          \
            "    mv a0, s0\n"                                                                          \
            "    call " #fn "\n"                                                                       \
            "1:  j 1b\n"                                                                               \
            ".size " #entry ", . - " #entry "\n"                                                       \
            ".previous\n")

#define LARK_THREAD_STR2(x) #x
#define LARK_THREAD_STR(x) LARK_THREAD_STR2(x)
