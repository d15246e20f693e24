/* Compile-time proof that every layout fact of abi.md holds for these declarations. */
#pragma once

#include <stddef.h>
#include <sel4/shared_types.h>
#include <sel4/bootinfo_types.h>
#include <sel4/objecttype.h>
#include <sel4/errors.h>
#include <sel4/faults.h>
#include <sel4/syscall_numbers.h>

#define LARK_WORD_OFFSET(type, field) (offsetof(type, field) / sizeof(seL4_Word))

_Static_assert(sizeof(seL4_MessageInfo_t) == 8, "message info is one word");
_Static_assert(sizeof(seL4_CapRights_t) == 8, "cap rights is one word");
_Static_assert(sizeof(seL4_CNode_CapData_t) == 8, "guard word is one word");

_Static_assert(sizeof(seL4_IPCBuffer) == 1024, "IPC buffer is 1024 bytes");
_Static_assert(_Alignof(seL4_IPCBuffer) == 1024, "IPC buffer is 1024-aligned");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, tag) == 0, "tag at word 0");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, msg) == 1, "msg at word 1");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, userData) == 121, "userData at word 121");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, caps_or_badges) == 122, "caps at word 122");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, receiveCNode) == 125, "receiveCNode at word 125");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, receiveIndex) == 126, "receiveIndex at word 126");
_Static_assert(LARK_WORD_OFFSET(seL4_IPCBuffer, receiveDepth) == 127, "receiveDepth at word 127");

_Static_assert(sizeof(seL4_UserContext) == 32 * sizeof(seL4_Word), "32 registers");
_Static_assert(LARK_WORD_OFFSET(seL4_UserContext, pc) == 0 && LARK_WORD_OFFSET(seL4_UserContext, ra) == 1 &&
                   LARK_WORD_OFFSET(seL4_UserContext, sp) == 2 && LARK_WORD_OFFSET(seL4_UserContext, gp) == 3,
               "pc, ra, sp, gp first");
_Static_assert(LARK_WORD_OFFSET(seL4_UserContext, s0) == 4 && LARK_WORD_OFFSET(seL4_UserContext, s11) == 15,
               "s0..s11 at 4..15");
_Static_assert(LARK_WORD_OFFSET(seL4_UserContext, a0) == 16 && LARK_WORD_OFFSET(seL4_UserContext, a7) == 23,
               "a0..a7 at 16..23");
_Static_assert(LARK_WORD_OFFSET(seL4_UserContext, t0) == 24 && LARK_WORD_OFFSET(seL4_UserContext, t6) == 30,
               "t0..t6 at 24..30");
_Static_assert(LARK_WORD_OFFSET(seL4_UserContext, tp) == 31, "tp last");

_Static_assert(sizeof(seL4_SlotRegion) == 16, "slot region is {start, end}");
_Static_assert(sizeof(seL4_UntypedDesc) == 16, "untyped desc is paddr word + 8 bytes");
_Static_assert(offsetof(seL4_UntypedDesc, sizeBits) == 8 && offsetof(seL4_UntypedDesc, isDevice) == 9,
               "sizeBits, isDevice after paddr");
_Static_assert(offsetof(seL4_BootInfo, extraLen) == 0, "BootInfo word 0");
_Static_assert(offsetof(seL4_BootInfo, ipcBuffer) == 32, "ipcBuffer is word 4");
_Static_assert(offsetof(seL4_BootInfo, empty) == 40, "empty after ipcBuffer");
_Static_assert(offsetof(seL4_BootInfo, extraBIPages) == 120, "six slot regions from byte 40");
_Static_assert(offsetof(seL4_BootInfo, initThreadCNodeSizeBits) == 136, "cnode size bits");
_Static_assert(offsetof(seL4_BootInfo, initThreadDomain) == 144, "domain");
_Static_assert(offsetof(seL4_BootInfo, schedcontrol) == 152, "MCS schedcontrol region");
_Static_assert(offsetof(seL4_BootInfo, untyped) == 168, "untyped region");
_Static_assert(offsetof(seL4_BootInfo, untypedList) == 184, "untyped list");
_Static_assert(sizeof(seL4_BootInfo) == 184 + 230 * 16, "230 untyped descriptors");
_Static_assert(sizeof(seL4_BootInfo) <= 4096, "BootInfo fits one 4 KiB page");
_Static_assert(sizeof(seL4_BootInfoHeader) == 16, "extra boot info header is {id, len}");

_Static_assert(seL4_UntypedObject == 0 && seL4_TCBObject == 1 && seL4_EndpointObject == 2 &&
                   seL4_NotificationObject == 3 && seL4_CapTableObject == 4 && seL4_SchedContextObject == 5 &&
                   seL4_ReplyObject == 6,
               "generic object ids");
_Static_assert(seL4_RISCV_Giga_Page == 7 && seL4_RISCV_4K_Page == 8 && seL4_RISCV_Mega_Page == 9 &&
                   seL4_RISCV_PageTableObject == 10 && seL4_ObjectTypeCount == 11,
               "RISC-V object ids (Sv39)");
_Static_assert(seL4_NotEnoughMemory == 10, "error numbering");
_Static_assert((1ul << seL4_ASIDPoolIndexBits) == 512 && (1ul << seL4_NumASIDPoolsBits) == 128,
               "512 ASIDs per pool, 128 pools");

_Static_assert(seL4_TCBBits == 11 && seL4_EndpointBits == 4 && seL4_NotificationBits == 6 && seL4_ReplyBits == 5 &&
                   seL4_SlotBits == 5 && seL4_PageTableBits == 12 && seL4_MinSchedContextBits == 7,
               "object sizes (abi.md 3)");
_Static_assert(seL4_MinUntypedBits == 4 && seL4_MaxUntypedBits == 38, "untyped size range");
_Static_assert(seL4_MsgMaxLength == 120 && seL4_MsgMaxExtraCaps == 3, "message limits");
_Static_assert(seL4_UserTop == 0x3ffffff000ul, "seL4_UserTop");
_Static_assert(seL4_NumInitialCaps == 16 && seL4_CapInitThreadSC == 14 && seL4_CapBootInfoFrame == 9 &&
                   seL4_CapInitThreadIPCBuffer == 10 && seL4_CapSMC == 15,
               "initial CNode slots (abi.md 7)");
_Static_assert(seL4_SysCall == -1 && seL4_SysNBSendWait == -4 && seL4_SysYield == -11 &&
                   seL4_SysDebugPutChar == -12 && seL4_SysDebugNameThread == -17 && seL4_SysSetTLSBase == -33,
               "syscall numbers (abi.md 1)");
_Static_assert(seL4_Fault_CapFault == 1 && seL4_Fault_UnknownSyscall == 2 && seL4_Fault_UserException == 3 &&
                   seL4_Fault_Timeout == 5 && seL4_Fault_VMFault == 6,
               "fault labels (abi.md 6)");
_Static_assert(seL4_UnknownSyscall_Length == 11 && seL4_UserException_Length == 4 && seL4_VMFault_Length == 4 &&
                   seL4_Timeout_Length == 2,
               "fault message lengths (abi.md 6)");
_Static_assert(seL4_RISCV_ExecuteNever == 1, "VM attribute bit 0");

#undef LARK_WORD_OFFSET
