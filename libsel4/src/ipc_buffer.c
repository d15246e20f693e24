/* The per-thread IPC buffer pointer behind seL4_GetIPCBuffer(). lib/ crt0 sets it for the
 * main thread from BootInfo; new threads get it through lark_thread_tls_init. */
#include <sel4/functions.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer;
