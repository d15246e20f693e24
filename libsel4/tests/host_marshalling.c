/* Marshalling of the syscall and invocation wrappers, checked on the host. lark_syscall is
 * replaced by a recorder: it keeps the registers and the IPC buffer as the kernel would see
 * them, and answers with the reply the test scripts (as a kernel would fill the registers). */
#include <string.h>
#include <sel4/sel4.h>
#include <lark/lark_sel4.h>
#include "host_check.h"

static seL4_IPCBuffer ipc_buffer;

static struct {
    long sysno;
    lark_syscall_regs_t in;
    seL4_IPCBuffer buffer;   /* the IPC buffer at the time of the trap */
    lark_syscall_regs_t reply;
} rec;

void lark_syscall(long sysno, lark_syscall_regs_t *r)
{
    rec.sysno = sysno;
    rec.in = *r;
    rec.buffer = ipc_buffer;
    r->a0 = rec.reply.a0;
    r->info = rec.reply.info;
    memcpy(r->mr, rec.reply.mr, sizeof r->mr);
}

static void expect_reply(seL4_Word label, seL4_Word length, seL4_Word mr0, seL4_Word mr1)
{
    memset(&rec, 0, sizeof rec);
    rec.reply.info = seL4_MessageInfo_new(label, 0, 0, length).words[0];
    rec.reply.mr[0] = mr0;
    rec.reply.mr[1] = mr1;
}

/* MR i as the kernel sees it: the first four in a2..a5, the rest in the IPC buffer. */
static seL4_Word sent_mr(int i)
{
    return i < 4 ? rec.in.mr[i] : rec.buffer.msg[i];
}

static void check_invocation(seL4_CPtr service, seL4_Word label, seL4_Word caps, seL4_Word length)
{
    seL4_MessageInfo_t info = {{rec.in.info}};
    CHECK_EQ(rec.sysno, seL4_SysCall);
    CHECK_EQ(rec.in.a0, service);
    CHECK_EQ(seL4_MessageInfo_get_label(info), label);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), caps);
    CHECK_EQ(seL4_MessageInfo_get_length(info), length);
}

static void untyped_and_cnode(void)
{
    expect_reply(0, 0, 0, 0);
    CHECK_EQ(seL4_Untyped_Retype(20, seL4_EndpointObject, 0, 2, 0x55, 64, 16, 3), seL4_NoError);
    check_invocation(20, UntypedRetype, 1, 6);
    CHECK_EQ(sent_mr(0), seL4_EndpointObject);
    CHECK_EQ(sent_mr(1), 0);
    CHECK_EQ(sent_mr(2), 0x55);
    CHECK_EQ(sent_mr(3), 64);
    CHECK_EQ(sent_mr(4), 16);
    CHECK_EQ(sent_mr(5), 3);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 2);

    expect_reply(0, 0, 0, 0);
    seL4_CNode_Mint(2, 30, 64, 3, 31, 63, seL4_CanRead, 0xbad6e);
    check_invocation(2, CNodeMint, 1, 6);
    CHECK_EQ(sent_mr(0), 30);
    CHECK_EQ(sent_mr(1), 64);
    CHECK_EQ(sent_mr(2), 31);
    CHECK_EQ(sent_mr(3), 63);
    CHECK_EQ(sent_mr(4), 2);
    CHECK_EQ(sent_mr(5), 0xbad6e);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 3);

    expect_reply(0, 0, 0, 0);
    seL4_CNode_Copy(2, 30, 64, 3, 31, 63, seL4_AllRights);
    check_invocation(2, CNodeCopy, 1, 5);
    CHECK_EQ(sent_mr(4), 0xf);

    expect_reply(0, 0, 0, 0);
    seL4_CNode_Rotate(2, 1, 64, 0x11, 3, 4, 63, 0x22, 5, 6, 62);
    check_invocation(2, CNodeRotate, 2, 8);
    seL4_Word want[8] = {1, 64, 0x11, 4, 63, 0x22, 6, 62};
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(sent_mr(i), want[i]);
    }
    CHECK_EQ(rec.buffer.caps_or_badges[0], 3);
    CHECK_EQ(rec.buffer.caps_or_badges[1], 5);

    expect_reply(0, 0, 0, 0);
    seL4_CNode_Delete(2, 40, 64);
    check_invocation(2, CNodeDelete, 0, 2);
    CHECK_EQ(sent_mr(0), 40);

    /* An error reply: the error code comes back, its details stay readable with GetMR. */
    expect_reply(seL4_FailedLookup, 4, 1, seL4_MissingCapability);
    rec.reply.mr[2] = 7;
    CHECK_EQ(seL4_CNode_Revoke(2, 41, 64), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(2), 7);
}

static void tcb(void)
{
    seL4_UserContext regs;
    seL4_Word *w = (seL4_Word *)&regs;
    for (int i = 0; i < 32; i++) {
        w[i] = 0x1000 + (seL4_Word)i;
    }
    expect_reply(0, 0, 0, 0);
    seL4_TCB_WriteRegisters(9, 1, 3, 32, &regs);
    check_invocation(9, TCBWriteRegisters, 0, 34);
    CHECK_EQ(sent_mr(0), 0x301);   /* resume_target bit 0, arch_flags bits 8..15 */
    CHECK_EQ(sent_mr(1), 32);
    CHECK_EQ(sent_mr(2), 0x1000);  /* pc */
    CHECK_EQ(sent_mr(2 + 16), regs.a0);
    CHECK_EQ(sent_mr(33), regs.tp);

    /* ReadRegisters copies only the words the kernel sent. */
    memset(&regs, 0xee, sizeof regs);
    expect_reply(0, 3, 0x4000, 0x4004);
    rec.reply.mr[2] = 0x7ff0;
    CHECK_EQ(seL4_TCB_ReadRegisters(9, 1, 0, 3, &regs), seL4_NoError);
    check_invocation(9, TCBReadRegisters, 0, 2);
    CHECK_EQ(sent_mr(0), 1);
    CHECK_EQ(sent_mr(1), 3);
    CHECK_EQ(regs.pc, 0x4000);
    CHECK_EQ(regs.ra, 0x4004);
    CHECK_EQ(regs.sp, 0x7ff0);
    CHECK_EQ(regs.gp, 0xeeeeeeeeeeeeeeeeull);

    expect_reply(0, 0, 0, 0);
    seL4_TCB_CopyRegisters(9, 10, 1, 0, 1, 1, 0);
    check_invocation(9, TCBCopyRegisters, 1, 1);
    CHECK_EQ(sent_mr(0), 0xd);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 10);

    expect_reply(0, 0, 0, 0);
    seL4_TCB_Configure(9, 2, 0x34, 3, 0, 0x5000, 11);
    check_invocation(9, TCBConfigure, 3, 3);
    CHECK_EQ(sent_mr(0), 0x34);
    CHECK_EQ(sent_mr(1), 0);
    CHECK_EQ(sent_mr(2), 0x5000);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 2);
    CHECK_EQ(rec.buffer.caps_or_badges[1], 3);
    CHECK_EQ(rec.buffer.caps_or_badges[2], 11);

    expect_reply(0, 0, 0, 0);
    seL4_TCB_SetSchedParams(9, 1, 200, 100, 14, 12);
    check_invocation(9, TCBSetSchedParams, 3, 2);
    CHECK_EQ(sent_mr(0), 200);
    CHECK_EQ(sent_mr(1), 100);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 1);
    CHECK_EQ(rec.buffer.caps_or_badges[1], 14);
    CHECK_EQ(rec.buffer.caps_or_badges[2], 12);

    expect_reply(0, 0, 0, 0);
    seL4_TCB_SetSpace(9, 12, 2, 0x77, 3, 0);
    check_invocation(9, TCBSetSpace, 3, 2);
    CHECK_EQ(sent_mr(0), 0x77);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 12);
    CHECK_EQ(rec.buffer.caps_or_badges[1], 2);
    CHECK_EQ(rec.buffer.caps_or_badges[2], 3);

    expect_reply(0, 1, 1, 0);
    seL4_TCB_SetFlags_t f = seL4_TCB_SetFlags(9, 0, seL4_TCBFlag_fpuDisabled);
    check_invocation(9, TCBSetFlags, 0, 2);
    CHECK_EQ(sent_mr(1), 1);
    CHECK_EQ(f.error, seL4_NoError);
    CHECK_EQ(f.flags, 1);

    expect_reply(0, 0, 0, 0);
    seL4_TCB_SetTLSBase(9, 0x9000);
    check_invocation(9, TCBSetTLSBase, 0, 1);
    CHECK_EQ(sent_mr(0), 0x9000);
    expect_reply(0, 0, 0, 0);
    seL4_TCB_Resume(9);
    check_invocation(9, TCBResume, 0, 0);
}

static void sched_irq_vm(void)
{
    expect_reply(0, 0, 0, 0);
    seL4_SchedControl_ConfigureFlags(16, 20, 1000, 5000, 2, 0xab, seL4_SchedContext_Sporadic);
    check_invocation(16, SchedControlConfigureFlags, 1, 5);
    CHECK_EQ(sent_mr(0), 1000);
    CHECK_EQ(sent_mr(1), 5000);
    CHECK_EQ(sent_mr(2), 2);
    CHECK_EQ(sent_mr(3), 0xab);
    CHECK_EQ(sent_mr(4), 1);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 20);
    expect_reply(0, 0, 0, 0);
    seL4_SchedControl_Configure(16, 20, 1000, 5000, 0, 0);
    CHECK_EQ(sent_mr(4), 0);

    expect_reply(0, 1, 12345, 0);
    seL4_SchedContext_Consumed_t c = seL4_SchedContext_Consumed(20);
    check_invocation(20, SchedContextConsumed, 0, 0);
    CHECK_EQ(c.error, 0);
    CHECK_EQ(c.consumed, 12345);

    expect_reply(0, 0, 0, 0);
    seL4_IRQControl_GetTrigger(4, 10, 1, 2, 50, 64);
    check_invocation(4, RISCVIRQIssueIRQHandlerTrigger, 1, 4);
    CHECK_EQ(sent_mr(0), 10);
    CHECK_EQ(sent_mr(1), 1);
    CHECK_EQ(sent_mr(2), 50);
    CHECK_EQ(sent_mr(3), 64);
    expect_reply(0, 0, 0, 0);
    seL4_IRQControl_Get(4, 10, 2, 50, 64);
    check_invocation(4, IRQIssueIRQHandler, 1, 3);

    expect_reply(0, 0, 0, 0);
    seL4_RISCV_Page_Map(30, 3, 0x400000, seL4_ReadWrite, seL4_RISCV_ExecuteNever);
    check_invocation(30, RISCVPageMap, 1, 3);
    CHECK_EQ(sent_mr(0), 0x400000);
    CHECK_EQ(sent_mr(1), 3);
    CHECK_EQ(sent_mr(2), 1);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 3);

    expect_reply(0, 0, 0, 0);
    seL4_RISCV_PageTable_Map(31, 3, 0x400000, seL4_RISCV_Default_VMAttributes);
    check_invocation(31, RISCVPageTableMap, 1, 2);

    expect_reply(seL4_IllegalOperation, 0, 0, 0);
    seL4_RISCV_Page_GetAddress_t ga = seL4_RISCV_Page_GetAddress(30);
    check_invocation(30, RISCVPageGetAddress, 0, 0);
    CHECK_EQ(ga.error, seL4_IllegalOperation);
    CHECK_EQ(ga.paddr, 0);
    expect_reply(0, 1, 0x80200000, 0);
    ga = seL4_RISCV_Page_GetAddress(30);
    CHECK_EQ(ga.paddr, 0x80200000);

    expect_reply(0, 0, 0, 0);
    seL4_RISCV_ASIDControl_MakePool(5, 40, 2, 41, 64);
    check_invocation(5, RISCVASIDControlMakePool, 2, 2);
    CHECK_EQ(rec.buffer.caps_or_badges[0], 40);
    CHECK_EQ(rec.buffer.caps_or_badges[1], 2);
    CHECK_EQ(sent_mr(0), 41);
    expect_reply(0, 0, 0, 0);
    seL4_RISCV_ASIDPool_Assign(6, 42);
    check_invocation(6, RISCVASIDPoolAssign, 1, 0);

    expect_reply(0, 2, 4096, 20);
    lark_Untyped_Describe_t d = lark_Untyped_Describe(17);
    check_invocation(17, 0x4C00, 0, 0);
    CHECK_EQ(d.remainingBytes, 4096);
    CHECK_EQ(d.sizeBits, 20);
}

static void syscalls(void)
{
    seL4_SetMR(0, 0xa0);
    seL4_SetMR(3, 0xa3);
    expect_reply(0, 0, 0, 0);
    seL4_Send(7, seL4_MessageInfo_new(5, 0, 0, 4));
    CHECK_EQ(rec.sysno, seL4_SysSend);
    CHECK_EQ(rec.in.mr[0], 0xa0);
    CHECK_EQ(rec.in.mr[3], 0xa3);

    expect_reply(9, 2, 0xb0, 0xb1);
    rec.reply.a0 = 0xbad;
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(7, &badge, 8);
    CHECK_EQ(rec.sysno, seL4_SysRecv);
    CHECK_EQ(rec.in.a0, 7);
    CHECK_EQ(rec.in.reply, 8);
    CHECK_EQ(badge, 0xbad);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 9);
    CHECK_EQ(seL4_GetMR(0), 0xb0);
    CHECK_EQ(seL4_GetMR(1), 0xb1);

    expect_reply(0, 0, 0, 0);
    seL4_NBSendRecv(11, seL4_MessageInfo_new(0, 0, 0, 0), 7, &badge, 8);
    CHECK_EQ(rec.sysno, seL4_SysNBSendRecv);
    CHECK_EQ(rec.in.dest, 11);
    CHECK_EQ(rec.in.a0, 7);
    CHECK_EQ(rec.in.reply, 8);
    expect_reply(0, 0, 0, 0);
    seL4_NBSendWait(11, seL4_MessageInfo_new(0, 0, 0, 0), 7, &badge);
    CHECK_EQ(rec.sysno, seL4_SysNBSendWait);
    CHECK_EQ(rec.in.dest, 11);
    CHECK_EQ(rec.in.reply, 0);

    expect_reply(0, 0, 0, 0);
    seL4_ReplyRecv(7, seL4_MessageInfo_new(0, 0, 0, 1), &badge, 8);
    CHECK_EQ(rec.sysno, seL4_SysReplyRecv);
    CHECK_EQ(rec.in.reply, 8);

    seL4_Word m0 = 0x10, m1 = 0x11;
    expect_reply(0, 2, 0x20, 0x21);
    seL4_CallWithMRs(7, seL4_MessageInfo_new(0, 0, 0, 1), &m0, &m1, NULL, NULL);
    CHECK_EQ(rec.in.mr[0], 0x10);
    CHECK_EQ(rec.in.mr[1], 0);      /* beyond the message length: not sent */
    CHECK_EQ(m0, 0x20);
    CHECK_EQ(m1, 0x21);

    expect_reply(0, 0, 0, 0);
    seL4_Signal(12);
    CHECK_EQ(rec.sysno, seL4_SysSend);
    CHECK_EQ(rec.in.a0, 12);
    CHECK_EQ(rec.in.info, 0);
    seL4_Wait(12, &badge);
    CHECK_EQ(rec.sysno, seL4_SysWait);
    seL4_Poll(12, &badge);
    CHECK_EQ(rec.sysno, seL4_SysNBWait);
    seL4_Yield();
    CHECK_EQ(rec.sysno, seL4_SysYield);
    seL4_DebugPutChar('Z');
    CHECK_EQ(rec.sysno, seL4_SysDebugPutChar);
    CHECK_EQ(rec.in.a0, 'Z');
    seL4_SetTLSBase(0x7000);
    CHECK_EQ(rec.sysno, -33);
    CHECK_EQ(rec.in.a0, 0x7000);
    seL4_DebugNameThread(1, "worker");
    CHECK_EQ(rec.sysno, seL4_SysDebugNameThread);
    CHECK(strcmp((const char *)rec.buffer.msg, "worker") == 0);
    lark_DebugDumpCNode(2);
    CHECK_EQ(rec.sysno, -64);
    CHECK_EQ(rec.in.a0, 2);
    seL4_DebugHalt();
    CHECK_EQ(rec.sysno, -14);
}

void test_marshalling(void)
{
    seL4_SetIPCBuffer(&ipc_buffer);
    untyped_and_cnode();
    tcb();
    sched_irq_vm();
    syscalls();
}
