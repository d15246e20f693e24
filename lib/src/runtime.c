/* The C half of program start-up and exit (see <lark/runtime.h>). */
#include <lark/print.h>
#include <lark/runtime.h>
#include <stdint.h>

int main(void);
seL4_Word lark_tls_build(void *region, seL4_Word bytes);
_Noreturn void lark_runtime_start(seL4_BootInfo *bi, seL4_IPCBuffer *ipc_buffer);

/* The main thread's TLS block; programs with more thread-locals than this fail at start. */
static char main_tls[4096] __attribute__((aligned(64)));

static int is_root_task;

_Noreturn void lark_runtime_start(seL4_BootInfo *bi, seL4_IPCBuffer *ipc_buffer)
{
    seL4_Word tp = lark_tls_build(main_tls, sizeof main_tls);
    if (tp == 0) {
        seL4_DebugPutString("lark: thread-local data larger than the main TLS block\n");
        lark_exit(1);
    }
    __asm__ volatile("mv tp, %0" : : "r"(tp) : "memory");
    if (bi != NULL) {
        is_root_task = 1;
        seL4_InitBootInfo(bi);
        seL4_SetIPCBuffer(bi->ipcBuffer);
    } else {
        seL4_SetIPCBuffer(ipc_buffer);
    }
    lark_exit(main());
}

_Noreturn void lark_exit(int status)
{
    if (is_root_task) {
        lark_printf("lark: exit %d\n", status);
        seL4_DebugHalt();
    }
    for (;;) {
        lark_syscall_regs_t r = {.a0 = (seL4_Word)(intptr_t)status};
        lark_syscall(LARK_EXIT_SYSCALL, &r);
    }
}
