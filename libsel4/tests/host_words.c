/* Bit layouts of the one-word ABI types and the struct layouts, checked at run time against
 * the numbers of abi.md (the headers also assert them at compile time). */
#include <stddef.h>
#include <sel4/types.h>
#include "host_check.h"

static void message_info(void)
{
    seL4_MessageInfo_t m = seL4_MessageInfo_new(0x123, 5, 2, 100);
    CHECK_EQ(m.words[0], (0x123ull << 12) | (5ull << 9) | (2ull << 7) | 100ull);
    CHECK_EQ(seL4_MessageInfo_get_label(m), 0x123);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(m), 5);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(m), 2);
    CHECK_EQ(seL4_MessageInfo_get_length(m), 100);

    /* Fields are truncated to their width, never spilling into a neighbour. */
    m = seL4_MessageInfo_new(0, 0, 7, 0x80);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(m), 3);
    CHECK_EQ(seL4_MessageInfo_get_length(m), 0);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(m), 0);

    m = seL4_MessageInfo_set_length(m, seL4_MsgMaxLength);
    m = seL4_MessageInfo_set_label(m, 0xfffffffffffffull);
    CHECK_EQ(seL4_MessageInfo_get_length(m), 120);
    CHECK_EQ(seL4_MessageInfo_get_label(m), 0xfffffffffffffull);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(m), 3);
    m = seL4_MessageInfo_set_capsUnwrapped(m, 6);
    CHECK_EQ(m.words[0] >> 9 & 7, 6);
    seL4_MessageInfo_ptr_set_extraCaps(&m, 1);
    CHECK_EQ(seL4_MessageInfo_ptr_get_extraCaps(&m), 1);
    CHECK_EQ(seL4_MessageInfo_get_length(m), 120);
}

static void cap_rights(void)
{
    CHECK_EQ(seL4_AllRights.words[0], 0xf);
    CHECK_EQ(seL4_CanWrite.words[0], 0x1);
    CHECK_EQ(seL4_CanRead.words[0], 0x2);
    CHECK_EQ(seL4_CanGrant.words[0], 0x4);
    CHECK_EQ(seL4_CanGrantReply.words[0], 0x8);
    CHECK_EQ(seL4_ReadWrite.words[0], 0x3);
    CHECK_EQ(seL4_NoWrite.words[0], 0xe);
    CHECK_EQ(seL4_NoRead.words[0], 0xd);
    CHECK_EQ(seL4_NoRights.words[0], 0x0);
    seL4_CapRights_t r = seL4_CapRights_new(1, 0, 1, 0);
    CHECK_EQ(seL4_CapRights_get_capAllowGrantReply(r), 1);
    CHECK_EQ(seL4_CapRights_get_capAllowGrant(r), 0);
    CHECK_EQ(seL4_CapRights_get_capAllowRead(r), 1);
    CHECK_EQ(seL4_CapRights_get_capAllowWrite(r), 0);
    r = seL4_CapRights_set_capAllowWrite(r, 1);
    CHECK_EQ(r.words[0], 0xb);
}

static void cnode_cap_data(void)
{
    seL4_CNode_CapData_t d = seL4_CNode_CapData_new(0x5, 52);
    CHECK_EQ(d.words[0], (0x5ull << 6) | 52);
    CHECK_EQ(seL4_CNode_CapData_get_guard(d), 5);
    CHECK_EQ(seL4_CNode_CapData_get_guardSize(d), 52);
    d = seL4_CNode_CapData_new(0, 64);   /* 64 does not fit 6 bits: truncated, as in seL4 */
    CHECK_EQ(seL4_CNode_CapData_get_guardSize(d), 0);
    d = seL4_CNode_CapData_new(0x3ffffffffffffffull, 63);
    CHECK_EQ(d.words[0], ~0ull);
}

static void layouts(void)
{
    CHECK_EQ(sizeof(seL4_IPCBuffer), 1024);
    CHECK_EQ(offsetof(seL4_IPCBuffer, msg) / 8, 1);
    CHECK_EQ(offsetof(seL4_IPCBuffer, userData) / 8, 121);
    CHECK_EQ(offsetof(seL4_IPCBuffer, caps_or_badges) / 8, 122);
    CHECK_EQ(offsetof(seL4_IPCBuffer, receiveDepth) / 8, 127);
    CHECK_EQ(sizeof(seL4_UserContext) / 8, 32);
    CHECK_EQ(offsetof(seL4_UserContext, a0) / 8, 16);
    CHECK_EQ(offsetof(seL4_UserContext, tp) / 8, 31);
    CHECK(sizeof(seL4_BootInfo) <= 4096);
    CHECK_EQ(offsetof(seL4_BootInfo, untypedList), 184);
    CHECK_EQ(sizeof(seL4_UntypedDesc), 16);
    CHECK_EQ(seL4_NumInitialCaps, 16);
    CHECK_EQ(seL4_CapInitThreadSC, 14);
    CHECK_EQ(seL4_CapDomain, 11);
    CHECK_EQ(seL4_UserTop, 0x3ffffff000ull);
    CHECK_EQ(seL4_SysSetTLSBase, -33);
    CHECK_EQ(seL4_SysDebugNameThread, -17);
    CHECK_EQ(seL4_Fault_VMFault, 6);
    CHECK_EQ(seL4_Fault_Timeout, 5);
    CHECK_EQ(seL4_UnknownSyscall_Syscall, 10);
    CHECK_EQ(seL4_CapFault_GuardMismatch_BitsFound, 6);
}

void test_words(void)
{
    message_info();
    cap_rights();
    cnode_cap_data();
    layouts();
}
