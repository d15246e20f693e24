/* Sizes and limits of the seL4 16.0.0 MCS riscv64 (Sv39, FPU) configuration (abi.md 2, 3, 7). */
#pragma once

#define seL4_WordBits 64
#define seL4_WordSizeBits 3
#define seL4_PageBits 12
#define seL4_SlotBits 5
#define seL4_TCBBits 11
#define seL4_EndpointBits 4
#define seL4_NotificationBits 6
#define seL4_ReplyBits 5
#define seL4_PageTableBits 12
#define seL4_PageTableEntryBits 3
#define seL4_PageTableIndexBits 9
#define seL4_VSpaceBits seL4_PageTableBits
#define seL4_LargePageBits 21
#define seL4_HugePageBits 30
#define seL4_NumASIDPoolsBits 7
#define seL4_ASIDPoolBits 12
#define seL4_ASIDPoolIndexBits 9
#define seL4_MinUntypedBits 4
#define seL4_MaxUntypedBits 38
#define seL4_MinSchedContextBits 7
#define seL4_IPCBufferSizeBits 10
#define seL4_BootInfoFrameBits 12

/* MCS scheduling-context layout, used to size a SchedContext for extra refills. */
#define seL4_CoreSchedContextBytes ((10 * sizeof(seL4_Word)) + (6 * 8))
#define seL4_RefillSizeBytes (2 * 8)
#define seL4_MaxExtraRefills(size) \
    (((1ul << (size)) - seL4_CoreSchedContextBytes) / seL4_RefillSizeBytes)

#define seL4_MsgLengthBits 7
#define seL4_MsgExtraCapBits 2
#define seL4_MsgMaxLength 120
#define seL4_MsgMaxExtraCaps 3
#define seL4_FastMessageRegisters 4

#define seL4_GuardSizeBits 6
#define seL4_GuardBits 58
#define seL4_BadgeBits 64
#define seL4_NilData 0

#define seL4_UserTop 0x3ffffff000ul
#define seL4_MaxPrio 255
#define seL4_MinPrio 0
#define seL4_NumDomains 1
#define seL4_UntypedRetypeMaxObjects 256
#define seL4_MaxNumBootinfoUntypedCaps 230
#define seL4_RootCNodeSizeBits 12

/* Bits of seL4_TCB_SetFlags (abi.md 4, label 17). */
typedef enum {
    seL4_TCBFlag_NoFlag = 0x0,
    seL4_TCBFlag_fpuDisabled = 0x1,
} seL4_TCBFlag;

/* Flags of seL4_SchedControl_ConfigureFlags. */
typedef enum {
    seL4_SchedContext_NoFlag = 0x0,
    seL4_SchedContext_Sporadic = 0x1,
} seL4_SchedContextFlag;

/* Initial CSpace of the root task (abi.md 7). */
enum seL4_RootCNodeCapSlots {
    seL4_CapNull = 0,
    seL4_CapInitThreadTCB = 1,
    seL4_CapInitThreadCNode = 2,
    seL4_CapInitThreadVSpace = 3,
    seL4_CapIRQControl = 4,
    seL4_CapASIDControl = 5,
    seL4_CapInitThreadASIDPool = 6,
    seL4_CapIOPortControl = 7,
    seL4_CapIOSpace = 8,
    seL4_CapBootInfoFrame = 9,
    seL4_CapInitThreadIPCBuffer = 10,
    seL4_CapDomain = 11,
    seL4_CapSMMUSIDControl = 12,
    seL4_CapSMMUCBControl = 13,
    seL4_CapInitThreadSC = 14,
    seL4_CapSMC = 15,
    seL4_NumInitialCaps = 16,
};
/* seL4 names the root VSpace cap both ways. */
#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace
