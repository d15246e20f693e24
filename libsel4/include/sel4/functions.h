/* Access to the calling thread's IPC buffer. Each thread has its own pointer in TLS (through
 * tp), so several threads of one address space each use their own buffer. */
#pragma once

#include <sel4/shared_types.h>

extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)
{
    __sel4_ipc_buffer = ipc_buffer;
}

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

static inline seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}

static inline void seL4_SetMR(int i, seL4_Word mr)
{
    seL4_GetIPCBuffer()->msg[i] = mr;
}

static inline seL4_Word seL4_GetUserData(void)
{
    return seL4_GetIPCBuffer()->userData;
}

static inline void seL4_SetUserData(seL4_Word data)
{
    seL4_GetIPCBuffer()->userData = data;
}

static inline seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

static inline seL4_CPtr seL4_GetCap(int i)
{
    return (seL4_CPtr)seL4_GetIPCBuffer()->caps_or_badges[i];
}

static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = (seL4_Word)cptr;
}

static inline void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                          seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    if (receiveCNode != seL4_Null) {
        *receiveCNode = ipc->receiveCNode;
    }
    if (receiveIndex != seL4_Null) {
        *receiveIndex = ipc->receiveIndex;
    }
    if (receiveDepth != seL4_Null) {
        *receiveDepth = ipc->receiveDepth;
    }
}

static inline void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                          seL4_Word receiveDepth)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    ipc->receiveCNode = receiveCNode;
    ipc->receiveIndex = receiveIndex;
    ipc->receiveDepth = receiveDepth;
}
