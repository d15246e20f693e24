/* The seL4 MCS system calls with seL4's names and signatures, built on lark_syscall.
 * The plain forms move MR0..MR3 between the IPC buffer and registers; the *WithMRs forms take
 * them from / give them to the caller's variables instead (NULL: not used). */
#pragma once

#include <sel4/shared_types.h>
#include <sel4/functions.h>
#include <sel4/syscall_numbers.h>
#include <sel4/arch/syscall_trap.h>

static inline void lark_regs_from_ipc_buffer(lark_syscall_regs_t *r)
{
    for (int i = 0; i < seL4_FastMessageRegisters; i++) {
        r->mr[i] = seL4_GetMR(i);
    }
}

static inline void lark_regs_to_ipc_buffer(const lark_syscall_regs_t *r)
{
    for (int i = 0; i < seL4_FastMessageRegisters; i++) {
        seL4_SetMR(i, r->mr[i]);
    }
}

static inline void lark_regs_from_vars(lark_syscall_regs_t *r, seL4_MessageInfo_t info, seL4_Word *mr0,
                                       seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word *v[4] = {mr0, mr1, mr2, mr3};
    for (int i = 0; i < 4; i++) {
        r->mr[i] = (v[i] != seL4_Null && seL4_MessageInfo_get_length(info) > (seL4_Uint64)i) ? *v[i] : 0;
    }
}

static inline void lark_regs_to_vars(const lark_syscall_regs_t *r, seL4_Word *mr0, seL4_Word *mr1,
                                     seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word *v[4] = {mr0, mr1, mr2, mr3};
    for (int i = 0; i < 4; i++) {
        if (v[i] != seL4_Null) {
            *v[i] = r->mr[i];
        }
    }
}

static inline seL4_MessageInfo_t lark_info_of(const lark_syscall_regs_t *r)
{
    seL4_MessageInfo_t info;
    info.words[0] = r->info;
    return info;
}

static inline void lark_set_sender(const lark_syscall_regs_t *r, seL4_Word *sender)
{
    if (sender != seL4_Null) {
        *sender = r->a0;
    }
}

/* ---- send-only */
static inline void lark_send_common(long sys, seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    lark_syscall_regs_t r = {.a0 = dest, .info = msgInfo.words[0]};
    lark_regs_from_ipc_buffer(&r);
    lark_syscall(sys, &r);
}

static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    lark_send_common(seL4_SysSend, dest, msgInfo);
}

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    lark_send_common(seL4_SysNBSend, dest, msgInfo);
}

static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1,
                                    seL4_Word *mr2, seL4_Word *mr3)
{
    lark_syscall_regs_t r = {.a0 = dest, .info = msgInfo.words[0]};
    lark_regs_from_vars(&r, msgInfo, mr0, mr1, mr2, mr3);
    lark_syscall(seL4_SysSend, &r);
}

static inline void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                      seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    lark_syscall_regs_t r = {.a0 = dest, .info = msgInfo.words[0]};
    lark_regs_from_vars(&r, msgInfo, mr0, mr1, mr2, mr3);
    lark_syscall(seL4_SysNBSend, &r);
}

static inline void seL4_Signal(seL4_CPtr dest)
{
    lark_syscall_regs_t r = {.a0 = dest, .info = seL4_MessageInfo_new(0, 0, 0, 0).words[0]};
    lark_syscall(seL4_SysSend, &r);
}

/* ---- receive-only */
static inline seL4_MessageInfo_t lark_recv_common(long sys, seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    lark_syscall_regs_t r = {.a0 = src, .reply = reply};
    lark_syscall(sys, &r);
    lark_regs_to_ipc_buffer(&r);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    return lark_recv_common(seL4_SysRecv, src, sender, reply);
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    return lark_recv_common(seL4_SysNBRecv, src, sender, reply);
}

static inline seL4_MessageInfo_t seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    return lark_recv_common(seL4_SysWait, src, sender, 0);
}

static inline seL4_MessageInfo_t seL4_NBWait(seL4_CPtr src, seL4_Word *sender)
{
    return lark_recv_common(seL4_SysNBWait, src, sender, 0);
}

static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBWait(src, sender);
}

static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3,
                                                  seL4_CPtr reply)
{
    lark_syscall_regs_t r = {.a0 = src, .reply = reply};
    lark_syscall(seL4_SysRecv, &r);
    lark_regs_to_vars(&r, mr0, mr1, mr2, mr3);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_WaitWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    lark_syscall_regs_t r = {.a0 = src};
    lark_syscall(seL4_SysWait, &r);
    lark_regs_to_vars(&r, mr0, mr1, mr2, mr3);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

/* ---- send then receive */
static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    lark_syscall_regs_t r = {.a0 = dest, .info = msgInfo.words[0]};
    lark_regs_from_ipc_buffer(&r);
    lark_syscall(seL4_SysCall, &r);
    lark_regs_to_ipc_buffer(&r);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    lark_syscall_regs_t r = {.a0 = dest, .info = msgInfo.words[0]};
    lark_regs_from_vars(&r, msgInfo, mr0, mr1, mr2, mr3);
    lark_syscall(seL4_SysCall, &r);
    lark_regs_to_vars(&r, mr0, mr1, mr2, mr3);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo, seL4_Word *sender,
                                                seL4_CPtr reply)
{
    lark_syscall_regs_t r = {.a0 = src, .info = msgInfo.words[0], .reply = reply};
    lark_regs_from_ipc_buffer(&r);
    lark_syscall(seL4_SysReplyRecv, &r);
    lark_regs_to_ipc_buffer(&r);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                       seL4_Word *sender, seL4_Word *mr0, seL4_Word *mr1,
                                                       seL4_Word *mr2, seL4_Word *mr3, seL4_CPtr reply)
{
    lark_syscall_regs_t r = {.a0 = src, .info = msgInfo.words[0], .reply = reply};
    lark_regs_from_vars(&r, msgInfo, mr0, mr1, mr2, mr3);
    lark_syscall(seL4_SysReplyRecv, &r);
    lark_regs_to_vars(&r, mr0, mr1, mr2, mr3);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

/* NBSendRecv / NBSendWait: the send goes to dest (t0), the receive happens on src (a0). */
static inline seL4_MessageInfo_t seL4_NBSendRecv(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_CPtr src,
                                                 seL4_Word *sender, seL4_CPtr reply)
{
    lark_syscall_regs_t r = {.a0 = src, .info = msgInfo.words[0], .reply = reply, .dest = dest};
    lark_regs_from_ipc_buffer(&r);
    lark_syscall(seL4_SysNBSendRecv, &r);
    lark_regs_to_ipc_buffer(&r);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_NBSendRecvWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                        seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                        seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3,
                                                        seL4_CPtr reply)
{
    lark_syscall_regs_t r = {.a0 = src, .info = msgInfo.words[0], .reply = reply, .dest = dest};
    lark_regs_from_vars(&r, msgInfo, mr0, mr1, mr2, mr3);
    lark_syscall(seL4_SysNBSendRecv, &r);
    lark_regs_to_vars(&r, mr0, mr1, mr2, mr3);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_NBSendWait(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_CPtr src,
                                                 seL4_Word *sender)
{
    lark_syscall_regs_t r = {.a0 = src, .info = msgInfo.words[0], .dest = dest};
    lark_regs_from_ipc_buffer(&r);
    lark_syscall(seL4_SysNBSendWait, &r);
    lark_regs_to_ipc_buffer(&r);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline seL4_MessageInfo_t seL4_NBSendWaitWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                        seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                        seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    lark_syscall_regs_t r = {.a0 = src, .info = msgInfo.words[0], .dest = dest};
    lark_regs_from_vars(&r, msgInfo, mr0, mr1, mr2, mr3);
    lark_syscall(seL4_SysNBSendWait, &r);
    lark_regs_to_vars(&r, mr0, mr1, mr2, mr3);
    lark_set_sender(&r, sender);
    return lark_info_of(&r);
}

static inline void seL4_Yield(void)
{
    lark_syscall_regs_t r = {0};
    lark_syscall(seL4_SysYield, &r);
}

/* Sets this thread's TLS register (tp on RISC-V) through the kernel. */
static inline void seL4_SetTLSBase(seL4_Word tls_base)
{
    lark_syscall_regs_t r = {.a0 = tls_base};
    lark_syscall(seL4_SysSetTLSBase, &r);
}

/* ---- debug syscalls (printing build) */
static inline void seL4_DebugPutChar(char c)
{
    lark_syscall_regs_t r = {.a0 = (seL4_Word)(unsigned char)c};
    lark_syscall(seL4_SysDebugPutChar, &r);
}

static inline void seL4_DebugPutString(const char *str)
{
    for (; *str != '\0'; str++) {
        seL4_DebugPutChar(*str);
    }
}

static inline void seL4_DebugDumpScheduler(void)
{
    lark_syscall_regs_t r = {0};
    lark_syscall(seL4_SysDebugDumpScheduler, &r);
}

/* On LarkOS this powers the machine off through SBI SRST; it does not return. */
static inline void seL4_DebugHalt(void)
{
    lark_syscall_regs_t r = {0};
    lark_syscall(seL4_SysDebugHalt, &r);
}

static inline void seL4_DebugSnapshot(void)
{
    lark_syscall_regs_t r = {0};
    lark_syscall(seL4_SysDebugSnapshot, &r);
}

static inline seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    lark_syscall_regs_t r = {.a0 = cap};
    lark_syscall(seL4_SysDebugCapIdentify, &r);
    return (seL4_Uint32)r.a0;
}

/* The name travels as a NUL-terminated string in the IPC buffer's message words. */
static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)&seL4_GetIPCBuffer()->msg[0];
    seL4_Word max = seL4_MsgMaxLength * sizeof(seL4_Word) - 1;
    seL4_Word i = 0;
    for (; i < max && name[i] != '\0'; i++) {
        dst[i] = name[i];
    }
    dst[i] = '\0';
    lark_syscall_regs_t r = {.a0 = tcb};
    lark_syscall(seL4_SysDebugNameThread, &r);
}
