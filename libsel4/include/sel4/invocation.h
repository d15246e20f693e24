/* Invocation labels (abi.md 4). 0 is never a valid invocation. */
#pragma once

enum invocation_label {
    InvalidInvocation = 0,
    UntypedRetype,
    TCBReadRegisters,
    TCBWriteRegisters,
    TCBCopyRegisters,
    TCBConfigure,
    TCBSetPriority,
    TCBSetMCPriority,
    TCBSetSchedParams,
    TCBSetTimeoutEndpoint,
    TCBSetIPCBuffer,
    TCBSetSpace,
    TCBSuspend,
    TCBResume,
    TCBBindNotification,
    TCBUnbindNotification,
    TCBSetTLSBase,
    TCBSetFlags,
    CNodeRevoke,
    CNodeDelete,
    CNodeCancelBadgedSends,
    CNodeCopy,
    CNodeMint,
    CNodeMove,
    CNodeMutate,
    CNodeRotate,
    IRQIssueIRQHandler,
    IRQAckIRQ,
    IRQSetIRQHandler,
    IRQClearIRQHandler,
    DomainSetSet,
    DomainScheduleConfigure,
    DomainScheduleSetStart,
    SchedControlConfigureFlags,
    SchedContextBind,
    SchedContextUnbind,
    SchedContextUnbindObject,
    SchedContextConsumed,
    SchedContextYieldTo,
    nInvocationLabels,
};

enum sel4_arch_invocation_label {
    RISCVPageTableMap = nInvocationLabels,
    RISCVPageTableUnmap,
    RISCVPageMap,
    RISCVPageUnmap,
    RISCVPageGetAddress,
    RISCVASIDControlMakePool,
    RISCVASIDPoolAssign,
    RISCVIRQIssueIRQHandlerTrigger,
    nArchInvocationLabels,
};

_Static_assert(UntypedRetype == 1 && TCBSetFlags == 17 && CNodeRotate == 25, "abi.md 4 labels");
_Static_assert(SchedControlConfigureFlags == 33 && SchedContextYieldTo == 38, "abi.md 4 labels");
_Static_assert(RISCVPageTableMap == 39 && RISCVASIDPoolAssign == 45, "abi.md 4 labels");
_Static_assert(RISCVIRQIssueIRQHandlerTrigger == 46, "abi.md 4 labels");
