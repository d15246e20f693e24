/* The LarkOS user runtime: program entry, exit and thread-local storage.
 *
 * Entry (crt0 `_start`, linked first by lib/user.ld): sets gp and a 64 KiB stack, builds the
 * main thread's TLS block and points tp at it, sets the IPC buffer pointer, then calls
 *     int main(void);
 * - a root task is entered by the kernel with a0 = BootInfo: the IPC buffer is
 *   bi->ipcBuffer and seL4_GetBootInfo() returns bi;
 * - any other program is started by its creator with a0 = 0 and a1 = its IPC buffer address
 *   (set with seL4_TCB_WriteRegisters); seL4_GetBootInfo() returns NULL.
 * When main returns, lark_exit(status) runs. */
#pragma once

#include <sel4/sel4.h>

/* Root task: prints "lark: exit N" and powers the machine off (seL4_DebugHalt).
 * Other programs: raise an UnknownSyscall fault with syscall number LARK_EXIT_SYSCALL (0x4C45, a number seL4 never uses) and
 * a0 = status, so the creator (the fault handler) learns the status; without a fault
 * handler the kernel suspends the thread. Never returns. */
#define LARK_EXIT_SYSCALL 0x4C45
_Noreturn void lark_exit(int status);

/* Bytes a thread's TLS block needs (plus alignment slack) for lark_thread_tls_init. */
seL4_Word lark_tls_region_bytes(void);

/* Prepares a TLS block for a new thread of this address space in [region, region + bytes):
 * copies the .tdata image, zeroes .tbss, and stores ipc_buffer as that thread's
 * __sel4_ipc_buffer. Returns the value for the thread's tp (pass it to seL4_TCB_SetTLSBase or
 * put it in seL4_UserContext.tp), or 0 if the region is too small. */
seL4_Word lark_thread_tls_init(void *region, seL4_Word bytes, seL4_IPCBuffer *ipc_buffer);
