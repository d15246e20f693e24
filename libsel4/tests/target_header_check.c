/* Compiled for riscv64 only (never linked): every public header, and one use of each
 * syscall shape, so the inline asm and all wrappers are type-checked under -Werror. */
#include <sel4/sel4.h>
#include <lark/lark_sel4.h>

seL4_Word header_check_use_everything(seL4_CPtr ep, seL4_CPtr reply);

seL4_Word header_check_use_everything(seL4_CPtr ep, seL4_CPtr reply)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(1, 0, 0, 2);
    seL4_SetMR(0, 1);
    info = seL4_Call(ep, info);
    info = seL4_ReplyRecv(ep, info, &badge, reply);
    info = seL4_NBSendRecv(ep, info, ep, &badge, reply);
    info = seL4_NBSendWait(ep, info, ep, &badge);
    seL4_Send(ep, info);
    seL4_NBSend(ep, info);
    info = seL4_Recv(ep, &badge, reply);
    info = seL4_NBRecv(ep, &badge, reply);
    info = seL4_Wait(ep, &badge);
    info = seL4_Poll(ep, &badge);
    seL4_Signal(ep);
    seL4_Yield();
    seL4_DebugPutChar('x');
    seL4_DebugNameThread(seL4_CapInitThreadTCB, "check");
    seL4_Word mr0 = 1, mr1 = 2;
    info = seL4_CallWithMRs(ep, info, &mr0, &mr1, seL4_Null, seL4_Null);
    seL4_RISCV_Page_GetAddress_t ga = seL4_RISCV_Page_GetAddress(ep);
    lark_Untyped_Describe_t d = lark_Untyped_Describe(ep);
    lark_DebugDumpCNode(seL4_CapInitThreadCNode);
    seL4_UserContext regs = {0};
    seL4_Error e = seL4_TCB_ReadRegisters(ep, 1, 0, 32, &regs);
    e |= seL4_CNode_Rotate(ep, 1, 64, 2, ep, 3, 64, 4, ep, 5, 64);
    return seL4_MessageInfo_get_length(info) + badge + mr0 + mr1 + ga.paddr + d.remainingBytes + regs.pc +
           (seL4_Word)e + seL4_DebugCapIdentify(ep);
}
