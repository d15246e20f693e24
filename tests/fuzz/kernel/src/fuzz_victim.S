/* The victims' code: a server loop that touches no memory, alone on its page. The root task
 * maps this page (read-only) into the sandbox VSpace at the same address, and starts the
 * victim TCBs here with s1 = endpoint, s2 = reply, s3 = notification (sandbox cptrs). Whatever
 * the fuzzers do to a victim (new registers, space, SC, priority) it faults or blocks; it
 * never runs the fuzzer's own code, which is not mapped there. */
    .section .text.victim, "ax"
    .balign 4096
    .globl fz_victim_loop
fz_victim_loop:
    li a7, -7           /* Recv(s1, reply s2) */
    mv a0, s1
    mv a6, s2
    ecall
    li a7, -2           /* ReplyRecv: answer the caller, wait for the next */
    li a1, 0
    mv a0, s1
    mv a6, s2
    ecall
    li a7, -5           /* Send: signal s3 */
    li a1, 0
    mv a0, s3
    ecall
    li a7, -11          /* Yield */
    ecall
    j fz_victim_loop
    .balign 4096
