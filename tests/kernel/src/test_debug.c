/* The debug syscalls of a printing seL4 build (DebugPutChar, DebugCapIdentify, DebugSnapshot,
 * DebugNameThread, DebugDumpScheduler), the LarkOS DebugDumpCNode (-64), SetTLSBase, and the
 * numbers that are not syscalls at all (UnknownSyscall faults). */
#include "kt.h"

/* Register patterns a syscall must hand back untouched (abi.md 1: the kernel preserves every
 * register it does not answer in). */
static void fill(lark_syscall_regs_t *r, seL4_Word a0)
{
    *r = (lark_syscall_regs_t){0};
    r->a0 = a0;
    r->info = 0x1111;
    for (int i = 0; i < 4; i++) {
        r->mr[i] = 0x2222 + (seL4_Word)i;
    }
}

static bool preserved(const lark_syscall_regs_t *r)
{
    bool ok = r->info == 0x1111;
    for (int i = 0; i < 4; i++) {
        ok = ok && r->mr[i] == 0x2222 + (seL4_Word)i;
    }
    return ok;
}

KTEST(debug_put_char_preserves_registers)
{
    static const char line[] = "# DebugPutChar line\n";
    for (const char *c = line; *c != '\0'; c++) {
        lark_syscall_regs_t r;
        fill(&r, (seL4_Word)(unsigned char)*c);
        lark_syscall(seL4_SysDebugPutChar, &r);
        KT_TRUE(preserved(&r));
        KT_EQ(r.a0, (unsigned char)*c);
    }
}

KTEST(debug_cap_identify_every_type)
{
    struct {
        seL4_CPtr cap;
        seL4_Word type;
    } caps[24];
    unsigned n = 0;
#define ADD(c, t)                                                                               \
    do {                                                                                        \
        caps[n].cap = (c);                                                                      \
        caps[n].type = (t);                                                                     \
        n++;                                                                                    \
    } while (0)
    ADD(kt_slot(), KT_CAP_NULL);
    KT_CAP(ut, kt_alloc_untyped(12));
    ADD(ut, KT_CAP_UNTYPED);
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    ADD(ep, KT_CAP_ENDPOINT);
    KT_CAP(nt, kt_alloc(seL4_NotificationObject, 0));
    ADD(nt, KT_CAP_NOTIFICATION);
    KT_CAP(rp, kt_alloc(seL4_ReplyObject, 0));
    ADD(rp, KT_CAP_REPLY);
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 2));
    ADD(cn, KT_CAP_CNODE);
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    ADD(tcb, KT_CAP_THREAD);
    ADD(seL4_CapIRQControl, KT_CAP_IRQ_CONTROL);
    seL4_CPtr irq = kt_slot();
    KT_OK(seL4_IRQControl_Get(seL4_CapIRQControl, 7, KT_ROOT, irq, KT_DEPTH));
    ADD(irq, KT_CAP_IRQ_HANDLER);
    ADD(seL4_CapDomain, KT_CAP_DOMAIN);
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    ADD(sc, KT_CAP_SCHED_CONTEXT);
    ADD(kt_sched_control(), KT_CAP_SCHED_CONTROL);
    KT_CAP(frame, kt_alloc(seL4_RISCV_4K_Page, 0));
    ADD(frame, KT_CAP_FRAME);
    KT_CAP(mega, kt_alloc(seL4_RISCV_Mega_Page, 0));
    ADD(mega, KT_CAP_FRAME);
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    ADD(pt, KT_CAP_PAGE_TABLE);
    ADD(seL4_CapASIDControl, KT_CAP_ASID_CONTROL);
    ADD(seL4_CapInitThreadASIDPool, KT_CAP_ASID_POOL);
#undef ADD
    for (unsigned i = 0; i < n; i++) {
        seL4_Word got = seL4_DebugCapIdentify(caps[i].cap);
        if (got != caps[i].type) {
            KT_FAIL("cap %lu identified as %lu, expected %lu", caps[i].cap, got, caps[i].type);
        }
    }
    KT_OK(seL4_IRQHandler_Clear(irq));
    KT_OK(seL4_CNode_Delete(KT_ROOT, irq, KT_DEPTH));
}

/* A cptr that does not resolve identifies as the null cap (seL4 lookupCapAndSlot). */
KTEST(debug_cap_identify_failed_lookup_is_null)
{
    KT_EQ(seL4_DebugCapIdentify((1ul << 12) | seL4_CapInitThreadTCB), KT_CAP_NULL);
    KT_EQ(seL4_DebugCapIdentify(~0ul), KT_CAP_NULL);
    lark_syscall_regs_t r;
    fill(&r, seL4_CapInitThreadCNode);
    lark_syscall(seL4_SysDebugCapIdentify, &r);
    KT_EQ(r.a0, KT_CAP_CNODE);
    KT_TRUE(preserved(&r));
}

/* A CNode cap reached through a guarded path identifies as the cap in the slot reached. */
KTEST(debug_cap_identify_in_child_cspace)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr copy = kt_slot();
    KT_OK(seL4_CNode_Copy(KT_ROOT, copy, KT_DEPTH, KT_ROOT, n, KT_DEPTH, seL4_CanRead));
    KT_EQ(seL4_DebugCapIdentify(copy), KT_CAP_NOTIFICATION);
    KT_OK(seL4_CNode_Delete(KT_ROOT, copy, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(copy), KT_CAP_NULL);
}

KTEST(debug_dump_cnode_returns_for_any_cptr)
{
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 3));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_CNode_Mint(cn, 1, 3, KT_ROOT, n, KT_DEPTH, seL4_AllRights, 0x44));
    KT_OK(seL4_CNode_Copy(cn, 2, 3, KT_ROOT, seL4_CapInitThreadVSpace, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_CNode_Mint(cn, 3, 3, KT_ROOT, cn, KT_DEPTH, seL4_AllRights, seL4_CNode_CapData_new(1, 2).words[0]));
    seL4_CPtr cptrs[] = {cn, n, kt_slot(), (1ul << 12) | 3};
    for (unsigned i = 0; i < 4; i++) {
        lark_syscall_regs_t r;
        fill(&r, cptrs[i]);
        lark_syscall(LARK_SYS_DEBUG_DUMP_CNODE, &r);
        KT_TRUE(preserved(&r));
    }
    lark_DebugDumpCNode(cn);
    KT_EQ(seL4_DebugCapIdentify(cn), KT_CAP_CNODE);
}

KTEST(debug_snapshot_and_dump_scheduler_return)
{
    lark_syscall_regs_t r;
    fill(&r, 0);
    lark_syscall(seL4_SysDebugSnapshot, &r);
    KT_TRUE(preserved(&r));
    fill(&r, 0);
    lark_syscall(seL4_SysDebugDumpScheduler, &r);
    KT_TRUE(preserved(&r));
}

static void idle_helper(kt_thread_t *t)
{
    t->result[0] = 1;
}

KTEST(debug_name_thread_names_a_tcb)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, idle_helper, KT_PRIO));
    seL4_DebugNameThread(t->tcb, "kt-named-helper");
    seL4_DebugNameThread(seL4_CapInitThreadTCB, "kt-root");
    seL4_DebugDumpScheduler();
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
}

/* SetTLSBase writes tp and nothing else. The framework keeps its IPC buffer pointer in TLS,
 * so tp is restored before anything is checked. */
KTEST(debug_set_tls_base_sets_tp)
{
    seL4_Word old, got;
    __asm__ volatile("mv %0, tp" : "=r"(old));
    lark_syscall_regs_t r;
    fill(&r, 0x5a5a5a5a000ul);
    lark_syscall(seL4_SysSetTLSBase, &r);
    __asm__ volatile("mv %0, tp" : "=r"(got));
    seL4_SetTLSBase(old);
    KT_EQ(got, 0x5a5a5a5a000ul);
    KT_TRUE(preserved(&r));
    seL4_Word now;
    __asm__ volatile("mv %0, tp" : "=r"(now));
    KT_EQ(now, old);
}

/* ---- numbers that are no syscall: UnknownSyscall faults (abi.md 1 and 6) */
void kt_threads_reset(void); /* kt_thread.c: lets one test start more than KT_MAX_THREADS */
static void raw_syscall(kt_thread_t *t)
{
    lark_syscall_regs_t r = {.a0 = 0xa0, .info = 0xa1, .mr = {0xa2, 0xa3, 0xa4, 0xa5}, .reply = 0xa6};
    lark_syscall((long)t->arg[0], &r);
    t->result[0] = 1;
}

static int unknown_syscall(long number, seL4_MessageInfo_t *info)
{
    seL4_CPtr ep = kt_alloc(seL4_EndpointObject, 0), reply = kt_alloc(seL4_ReplyObject, 0);
    if (ep == 0 || reply == 0) {
        return -1;
    }
    kt_thread_t *t = &kt_threads[0];
    if (kt_thread_new(t, raw_syscall, KT_PRIO) != 0 || kt_thread_set_fault_ep(t, ep, KT_PRIO) != 0) {
        return -1;
    }
    t->arg[0] = (seL4_Word)number;
    if (kt_thread_start(t) != 0) {
        return -1;
    }
    seL4_Word badge = 0;
    *info = seL4_Recv(ep, &badge, reply);
    return t->result[0] == 0 ? 0 : -1;
}

KTEST(debug_unknown_syscall_numbers_fault)
{
    static const long numbers[] = {-67, -18, -21, -34, -63, 0, 1, -100000}; /* -64..-66 are LarkOS debug calls */
    for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        seL4_MessageInfo_t info;
        if (unknown_syscall(numbers[i], &info) != 0) {
            KT_FAIL("syscall %ld: no fault delivered", numbers[i]);
        }
        KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
        KT_EQ(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length);
        KT_MR(seL4_UnknownSyscall_Syscall, (seL4_Word)numbers[i]);
        KT_MR(seL4_UnknownSyscall_A0, 0xa0);
        KT_MR(seL4_UnknownSyscall_A1, 0xa1);
        KT_MR(seL4_UnknownSyscall_A5, 0xa5);
        KT_MR(seL4_UnknownSyscall_A6, 0xa6);
        KT_NE(seL4_GetMR(seL4_UnknownSyscall_FaultIP), 0);
        /* the pool revoke between tests removes the thread; here it is stopped by hand */
        KT_OK(seL4_TCB_Suspend(kt_threads[0].tcb));
        kt_threads_reset();
    }
}
