/* The C half of program start-up and exit (see <lark/runtime.h>). */
#include <lark/print.h>
#include <lark/runtime.h>
#include <stdint.h>

int main(void);
_Noreturn void lark_runtime_start(seL4_BootInfo *bi, seL4_IPCBuffer *ipc_buffer, int tls_ok);

static int is_root_task;

/* crt0 has set gp, sp and tp (tls_ok = 0: the TLS block did not fit, tp is 0). */
_Noreturn void lark_runtime_start(seL4_BootInfo *bi, seL4_IPCBuffer *ipc_buffer, int tls_ok)
{
    is_root_task = bi != NULL;
    if (!tls_ok) {
        seL4_DebugPutString("lark: thread-local data larger than the main TLS block\n");
        if (is_root_task) {
            seL4_DebugHalt();
        }
        for (;;) {
            lark_syscall_regs_t r = {.a0 = 1};
            lark_syscall(LARK_EXIT_SYSCALL, &r);
        }
    }
    if (bi != NULL) {
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
