/* System call numbers, passed in a7 (abi.md 1). */
#pragma once

typedef enum {
    seL4_SysCall = -1,
    seL4_SysReplyRecv = -2,
    seL4_SysNBSendRecv = -3,
    seL4_SysNBSendWait = -4,
    seL4_SysSend = -5,
    seL4_SysNBSend = -6,
    seL4_SysRecv = -7,
    seL4_SysNBRecv = -8,
    seL4_SysWait = -9,
    seL4_SysNBWait = -10,
    seL4_SysYield = -11,
    seL4_SysDebugPutChar = -12,
    seL4_SysDebugDumpScheduler = -13,
    seL4_SysDebugHalt = -14,
    seL4_SysDebugCapIdentify = -15,
    seL4_SysDebugSnapshot = -16,
    seL4_SysDebugNameThread = -17,
    seL4_SysSetTLSBase = -33,
} seL4_Syscall_ID;
