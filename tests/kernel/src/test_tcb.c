/* TCB invocations (labels 2..17) with seL4 16.0.0 MCS argument orders, rights and error codes,
 * the SetTLSBase syscall, DebugNameThread, the FPU (lazy switching, fpuDisabled) and the
 * deletion of threads in every state. Error cases follow seL4's decode order: where seL4 and a
 * plausible alternative differ (e.g. SetSpace checks the fault endpoint last, a CSpace root
 * that is not a CNode is IllegalOperation, not InvalidCapability) the test says so. */
#include "kt.h"

#define USER_CONTEXT_WORDS 32
#define FRAME_WORDS 16 /* pc, ra, sp, gp, s0..s11: seL4's frameRegisters */

/* ---- helpers */

/* A raw invocation: the caller has put MRs and extra caps in the IPC buffer. */
static seL4_MessageInfo_t call_raw(seL4_CPtr cap, seL4_Word label, seL4_Word caps, seL4_Word len)
{
    return seL4_Call(cap, seL4_MessageInfo_new(label, 0, caps, len));
}

static seL4_Error invoke_raw(seL4_CPtr cap, seL4_Word label, seL4_Word caps, seL4_Word len)
{
    return (seL4_Error)seL4_MessageInfo_get_label(call_raw(cap, label, caps, len));
}

static void yield_n(int n)
{
    for (int i = 0; i < n; i++) {
        seL4_Yield();
    }
}

static void count_loop(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
        seL4_Yield();
    }
}

static void set_done_flag(kt_thread_t *t)
{
    t->result[0] = 1;
}

/* A context whose every word is distinct: base + index in seL4_UserContext order. */
static void pattern_context(seL4_UserContext *r, seL4_Word base)
{
    seL4_Word *w = (seL4_Word *)r;
    for (int i = 0; i < USER_CONTEXT_WORDS; i++) {
        w[i] = base + (seL4_Word)i * 8;
    }
}

/* ReadRegisters through a raw call, checking the reply length is exactly n. */
static int read_regs(seL4_CPtr tcb, bool suspend, seL4_Word n, seL4_Word *out)
{
    seL4_SetMR(0, suspend ? 1 : 0);
    seL4_SetMR(1, n);
    seL4_MessageInfo_t info = call_raw(tcb, TCBReadRegisters, 0, 2);
    if (seL4_MessageInfo_get_label(info) != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "ReadRegisters: %s", kt_err_name(seL4_MessageInfo_get_label(info)));
        return -1;
    }
    if (seL4_MessageInfo_get_length(info) != n) {
        kt_fail(__FILE__, __LINE__, "ReadRegisters reply length %lu, expected %lu",
                (seL4_Word)seL4_MessageInfo_get_length(info), n);
        return -1;
    }
    for (seL4_Word i = 0; i < n; i++) {
        out[i] = seL4_GetMR((int)i);
    }
    return 0;
}

/* A helper thread that is configured but never started (inactive). */
static int idle_thread(kt_thread_t *t)
{
    return kt_thread_new(t, count_loop, KT_PRIO);
}

static bool wait_counter(kt_thread_t *t, seL4_Word above, int rounds)
{
    for (int i = 0; i < rounds && t->counter <= above; i++) {
        seL4_Yield();
    }
    return t->counter > above;
}

/* Stores x1..x31 at a0[1..31], then a0[0] = 1, then yields forever. Lets a test see every
 * register a thread really starts with. */
static volatile seL4_Word captured[32] __attribute__((aligned(8)));
void tcb_capture_entry(void);
__asm__(".text\n"
        ".globl tcb_capture_entry\n"
        "tcb_capture_entry:\n"
        "  sd x1, 8(a0)\n  sd x2, 16(a0)\n  sd x3, 24(a0)\n  sd x4, 32(a0)\n"
        "  sd x5, 40(a0)\n  sd x6, 48(a0)\n  sd x7, 56(a0)\n  sd x8, 64(a0)\n"
        "  sd x9, 72(a0)\n  sd x10, 80(a0)\n  sd x11, 88(a0)\n  sd x12, 96(a0)\n"
        "  sd x13, 104(a0)\n  sd x14, 112(a0)\n  sd x15, 120(a0)\n  sd x16, 128(a0)\n"
        "  sd x17, 136(a0)\n  sd x18, 144(a0)\n  sd x19, 152(a0)\n  sd x20, 160(a0)\n"
        "  sd x21, 168(a0)\n  sd x22, 176(a0)\n  sd x23, 184(a0)\n  sd x24, 192(a0)\n"
        "  sd x25, 200(a0)\n  sd x26, 208(a0)\n  sd x27, 216(a0)\n  sd x28, 224(a0)\n"
        "  sd x29, 232(a0)\n  sd x30, 240(a0)\n  sd x31, 248(a0)\n"
        "  li t0, 1\n  sd t0, 0(a0)\n"
        "  li a7, -11\n"
        ".globl tcb_capture_yield\n"
        "tcb_capture_yield:\n"
        "  ecall\n  j tcb_capture_yield\n");

static void capture_context(seL4_UserContext *r)
{
    kt_memset((void *)captured, 0, sizeof(captured));
    pattern_context(r, 0x5000);
    r->pc = (seL4_Word)tcb_capture_entry;
    r->a0 = (seL4_Word)captured;
}

static bool wait_captured(int rounds)
{
    for (int i = 0; i < rounds && captured[0] == 0; i++) {
        seL4_Yield();
    }
    return captured[0] != 0;
}

static seL4_CPtr endpoint(void)
{
    return kt_alloc(seL4_EndpointObject, 0);
}

static seL4_CPtr notification(void)
{
    return kt_alloc(seL4_NotificationObject, 0);
}

static seL4_Word read_tp(void)
{
    seL4_Word tp;
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    return tp;
}

/* ==== ReadRegisters */

KTEST(tcb_read_registers_count_zero_range_error)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext r;
    KT_ERR(seL4_TCB_ReadRegisters(t->tcb, 0, 0, 0, &r), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, USER_CONTEXT_WORDS);
}

KTEST(tcb_read_registers_count_33_range_error)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext r;
    KT_ERR(seL4_TCB_ReadRegisters(t->tcb, 0, 0, USER_CONTEXT_WORDS + 1, &r), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, USER_CONTEXT_WORDS);
}

KTEST(tcb_read_registers_of_self_illegal)
{
    seL4_UserContext r;
    KT_ERR(seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, 0, 0, 1, &r), seL4_IllegalOperation);
}

KTEST(tcb_read_registers_truncated)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_SetMR(0, 0);
    KT_ERR(invoke_raw(t->tcb, TCBReadRegisters, 0, 1), seL4_TruncatedMessage);
}

KTEST(tcb_read_registers_returns_written_context)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext w;
    pattern_context(&w, 0x10000);
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 0, 0, USER_CONTEXT_WORDS, &w));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(t->tcb, false, USER_CONTEXT_WORDS, out));
    const seL4_Word *in = (const seL4_Word *)&w;
    for (int i = 0; i < USER_CONTEXT_WORDS; i++) {
        KT_EQ(out[i], in[i]);
    }
}

KTEST(tcb_read_registers_partial_count)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext w;
    pattern_context(&w, 0x20000);
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 0, 0, USER_CONTEXT_WORDS, &w));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(t->tcb, false, 5, out));
    KT_EQ(out[0], w.pc);
    KT_EQ(out[4], w.s0);
    /* 20 words cross from the frame registers into the integer ones: a0..a3 */
    KT_DO(read_regs(t->tcb, false, 20, out));
    KT_EQ(out[15], w.s11);
    KT_EQ(out[16], w.a0);
    KT_EQ(out[19], w.a3);
}

KTEST(tcb_read_registers_suspend_source_stops_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 2, 100));
    seL4_Word out[1];
    KT_DO(read_regs(t->tcb, true, 1, out));
    seL4_Word frozen = t->counter;
    yield_n(20);
    KT_EQ(t->counter, frozen);
    KT_OK(seL4_TCB_Resume(t->tcb));
    KT_TRUE(wait_counter(t, frozen, 100));
}

KTEST(tcb_read_registers_without_suspend_keeps_running)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 1, 100));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(t->tcb, false, USER_CONTEXT_WORDS, out));
    KT_TRUE(wait_counter(t, t->counter, 100));
}

/* ==== WriteRegisters */

KTEST(tcb_write_registers_truncated_by_count)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 10); /* ten registers announced, five sent */
    KT_ERR(invoke_raw(t->tcb, TCBWriteRegisters, 0, 2 + 5), seL4_TruncatedMessage);
    KT_ERR(invoke_raw(t->tcb, TCBWriteRegisters, 0, 1), seL4_TruncatedMessage);
}

KTEST(tcb_write_registers_of_self_illegal)
{
    seL4_UserContext r;
    pattern_context(&r, 0);
    KT_ERR(seL4_TCB_WriteRegisters(seL4_CapInitThreadTCB, 0, 0, 1, &r), seL4_IllegalOperation);
}

KTEST(tcb_write_registers_count_above_32_is_clamped)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 40);
    for (int i = 0; i < 40; i++) {
        seL4_SetMR(2 + i, 0x700 + (seL4_Word)i);
    }
    KT_OK(invoke_raw(t->tcb, TCBWriteRegisters, 0, 42));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(t->tcb, false, USER_CONTEXT_WORDS, out));
    KT_EQ(out[0], 0x700);
    KT_EQ(out[31], 0x700 + 31);
}

KTEST(tcb_write_registers_partial_leaves_the_rest)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext a, b;
    pattern_context(&a, 0x1000);
    pattern_context(&b, 0x9000);
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 0, 0, USER_CONTEXT_WORDS, &a));
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 0, 0, 3, &b));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(t->tcb, false, USER_CONTEXT_WORDS, out));
    KT_EQ(out[0], b.pc);
    KT_EQ(out[2], b.sp);
    KT_EQ(out[3], a.gp);
    KT_EQ(out[31], a.tp);
}

KTEST(tcb_write_registers_resume_runs_with_every_register)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext r;
    capture_context(&r);
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, USER_CONTEXT_WORDS, &r));
    KT_TRUE(wait_captured(100));
    /* captured[n] = xn */
    KT_EQ(captured[1], r.ra);
    KT_EQ(captured[2], r.sp);
    KT_EQ(captured[3], r.gp);
    KT_EQ(captured[4], r.tp);
    KT_EQ(captured[5], r.t0);
    KT_EQ(captured[6], r.t1);
    KT_EQ(captured[7], r.t2);
    KT_EQ(captured[8], r.s0);
    KT_EQ(captured[9], r.s1);
    KT_EQ(captured[10], r.a0);
    KT_EQ(captured[11], r.a1);
    KT_EQ(captured[12], r.a2);
    KT_EQ(captured[13], r.a3);
    KT_EQ(captured[14], r.a4);
    KT_EQ(captured[15], r.a5);
    KT_EQ(captured[16], r.a6);
    KT_EQ(captured[17], r.a7);
    KT_EQ(captured[18], r.s2);
    KT_EQ(captured[27], r.s11);
    KT_EQ(captured[28], r.t3);
    KT_EQ(captured[31], r.t6);
}

KTEST(tcb_write_registers_without_resume_stays_inactive)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext r;
    capture_context(&r);
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 0, 0, USER_CONTEXT_WORDS, &r));
    yield_n(20);
    KT_EQ(captured[0], 0);
    KT_OK(seL4_TCB_Resume(t->tcb));
    KT_TRUE(wait_captured(100));
    KT_EQ(captured[10], (seL4_Word)captured);
}

/* ==== CopyRegisters */

KTEST(tcb_copy_registers_source_not_tcb_invalid_cap)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_CopyRegisters(t->tcb, ep, 0, 0, 1, 1, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(tcb_copy_registers_truncated)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_SetMR(0, 0xc);
    KT_ERR(invoke_raw(t->tcb, TCBCopyRegisters, 0, 1), seL4_TruncatedMessage);
    seL4_SetCap(0, t->tcb);
    KT_ERR(invoke_raw(t->tcb, TCBCopyRegisters, 1, 0), seL4_TruncatedMessage);
}

static int copy_pair(kt_thread_t *src, kt_thread_t *dst, seL4_UserContext *a, seL4_UserContext *b)
{
    if (idle_thread(src) != 0 || idle_thread(dst) != 0) {
        return -1;
    }
    pattern_context(a, 0x100000);
    pattern_context(b, 0x900000);
    if (seL4_TCB_WriteRegisters(src->tcb, 0, 0, USER_CONTEXT_WORDS, a) != seL4_NoError ||
        seL4_TCB_WriteRegisters(dst->tcb, 0, 0, USER_CONTEXT_WORDS, b) != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "WriteRegisters failed");
        return -1;
    }
    return 0;
}

KTEST(tcb_copy_registers_frame_only)
{
    seL4_UserContext a, b;
    KT_DO(copy_pair(&kt_threads[0], &kt_threads[1], &a, &b));
    KT_OK(seL4_TCB_CopyRegisters(kt_threads[1].tcb, kt_threads[0].tcb, 0, 0, 1, 0, 0));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(kt_threads[1].tcb, false, USER_CONTEXT_WORDS, out));
    const seL4_Word *wa = (const seL4_Word *)&a, *wb = (const seL4_Word *)&b;
    for (int i = 0; i < USER_CONTEXT_WORDS; i++) {
        KT_EQ(out[i], i < FRAME_WORDS ? wa[i] : wb[i]);
    }
}

KTEST(tcb_copy_registers_integer_only)
{
    seL4_UserContext a, b;
    KT_DO(copy_pair(&kt_threads[0], &kt_threads[1], &a, &b));
    KT_OK(seL4_TCB_CopyRegisters(kt_threads[1].tcb, kt_threads[0].tcb, 0, 0, 0, 1, 0));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(kt_threads[1].tcb, false, USER_CONTEXT_WORDS, out));
    const seL4_Word *wa = (const seL4_Word *)&a, *wb = (const seL4_Word *)&b;
    for (int i = 0; i < USER_CONTEXT_WORDS; i++) {
        KT_EQ(out[i], i < FRAME_WORDS ? wb[i] : wa[i]);
    }
}

KTEST(tcb_copy_registers_suspend_source_resume_target)
{
    kt_thread_t *src = &kt_threads[0], *dst = &kt_threads[1];
    KT_DO(kt_thread_new(src, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(src));
    KT_TRUE(wait_counter(src, 1, 100));
    KT_DO(idle_thread(dst));
    seL4_UserContext r;
    capture_context(&r);
    KT_OK(seL4_TCB_WriteRegisters(dst->tcb, 0, 0, USER_CONTEXT_WORDS, &r));
    /* nothing transferred: only the suspend and the resume */
    KT_OK(seL4_TCB_CopyRegisters(dst->tcb, src->tcb, 1, 1, 0, 0, 0));
    seL4_Word frozen = src->counter;
    KT_TRUE(wait_captured(100));
    yield_n(10);
    KT_EQ(src->counter, frozen);
}

/* ==== Configure */

KTEST(tcb_configure_cspace_not_cnode_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_Configure(tcb, ep, 0, seL4_CapInitThreadVSpace, 0, 0, 0), seL4_IllegalOperation);
}

KTEST(tcb_configure_vspace_unassigned_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, 0, pt, 0, 0, 0), seL4_IllegalOperation);
}

KTEST(tcb_configure_vspace_not_page_table_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, 0, ep, 0, 0, 0), seL4_IllegalOperation);
}

KTEST(tcb_configure_buffer_misaligned_alignment_error)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_CPtr frame;
    seL4_Word v = (seL4_Word)kt_page_cap(&frame);
    KT_TRUE(v != 0);
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, v + 8, frame),
           seL4_AlignmentError);
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, v + 512, frame),
           seL4_AlignmentError);
    KT_OK(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, v + 1024, frame));
}

KTEST(tcb_configure_buffer_not_frame_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, 0x40000000, ep),
           seL4_IllegalOperation);
}

KTEST(tcb_configure_buffer_zero_ignores_the_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_OK(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, 0, ep));
}

/* seL4 checks the buffer before the CSpace: both wrong gives the buffer's error. */
KTEST(tcb_configure_checks_buffer_before_cspace)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    seL4_CPtr frame;
    seL4_Word v = (seL4_Word)kt_page_cap(&frame);
    KT_TRUE(v != 0);
    KT_ERR(seL4_TCB_Configure(tcb, ep, 0, seL4_CapInitThreadVSpace, 0, v + 8, frame), seL4_AlignmentError);
}

KTEST(tcb_configure_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 0);
    seL4_SetMR(2, 0);
    seL4_SetCap(0, KT_ROOT);
    seL4_SetCap(1, seL4_CapInitThreadVSpace);
    seL4_SetCap(2, 0);
    KT_ERR(invoke_raw(tcb, TCBConfigure, 2, 3), seL4_TruncatedMessage);
    KT_ERR(invoke_raw(tcb, TCBConfigure, 3, 2), seL4_TruncatedMessage);
    KT_OK(invoke_raw(tcb, TCBConfigure, 3, 3));
}

/* ==== SetSpace (MCS: fault_ep is a cap, checked after the CSpace and VSpace roots) */

KTEST(tcb_set_space_fault_ep_not_endpoint_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, notification());
    KT_ERR(seL4_TCB_SetSpace(tcb, n, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(tcb_set_space_fault_ep_without_grant_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_CAP(write_only, kt_mint(ep, seL4_CanWrite, 0));
    KT_ERR(seL4_TCB_SetSpace(tcb, write_only, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0),
           seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_CAP(no_write, kt_mint(ep, seL4_NoWrite, 0));
    KT_ERR(seL4_TCB_SetSpace(tcb, no_write, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0),
           seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_CAP(grant_reply, kt_mint(ep, seL4_CapRights_new(1, 0, 0, 1), 0));
    KT_OK(seL4_TCB_SetSpace(tcb, grant_reply, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0));
}

KTEST(tcb_set_space_cspace_not_cnode_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_SetSpace(tcb, 0, ep, 0, seL4_CapInitThreadVSpace, 0), seL4_IllegalOperation);
}

KTEST(tcb_set_space_vspace_invalid_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_ERR(seL4_TCB_SetSpace(tcb, 0, KT_ROOT, 0, pt, 0), seL4_IllegalOperation);
}

KTEST(tcb_set_space_checks_fault_ep_last)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, notification());
    KT_ERR(seL4_TCB_SetSpace(tcb, n, n, 0, seL4_CapInitThreadVSpace, 0), seL4_IllegalOperation);
}

KTEST(tcb_set_space_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 0);
    seL4_SetCap(0, 0);
    seL4_SetCap(1, KT_ROOT);
    seL4_SetCap(2, seL4_CapInitThreadVSpace);
    KT_ERR(invoke_raw(tcb, TCBSetSpace, 2, 2), seL4_TruncatedMessage);
    KT_ERR(invoke_raw(tcb, TCBSetSpace, 3, 1), seL4_TruncatedMessage);
    KT_OK(invoke_raw(tcb, TCBSetSpace, 3, 2));
}

static void illegal_instruction(kt_thread_t *t)
{
    (void)t;
    __asm__ volatile(".word 0");
}

KTEST(tcb_set_space_fault_ep_receives_faults)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, illegal_instruction, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x77));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_OK(seL4_TCB_SetSpace(t->tcb, badged, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0));
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 0x77);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    KT_EQ(seL4_GetMR(seL4_UserException_Number), 2); /* illegal instruction */
}

/* ==== SetPriority, SetMCPriority, SetSchedParams */

/* A TCB whose MCP is `mcp`, to be used as an authority. */
static seL4_CPtr authority_with_mcp(seL4_Word mcp)
{
    seL4_CPtr a = kt_alloc(seL4_TCBObject, 0);
    if (a == 0) {
        return 0;
    }
    seL4_Error e = seL4_TCB_SetMCPriority(a, seL4_CapInitThreadTCB, mcp);
    if (e != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "SetMCPriority: %s", kt_err_name(e));
        return 0;
    }
    return a;
}

KTEST(tcb_set_priority_above_authority_mcp_range_error)
{
    KT_CAP(auth, authority_with_mcp(50));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetPriority(tcb, auth, 51), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 50);
    KT_OK(seL4_TCB_SetPriority(tcb, auth, 50));
}

KTEST(tcb_set_priority_authority_not_tcb_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_SetPriority(tcb, ep, 10), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(tcb_set_priority_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 10);
    KT_ERR(invoke_raw(tcb, TCBSetPriority, 0, 1), seL4_TruncatedMessage);
    seL4_SetCap(0, seL4_CapInitThreadTCB);
    KT_ERR(invoke_raw(tcb, TCBSetPriority, 1, 0), seL4_TruncatedMessage);
}

KTEST(tcb_set_priority_higher_runs_at_once)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO - 10));
    KT_DO(kt_thread_start(t));
    yield_n(10);
    KT_EQ(t->result[0], 0); /* below the root's priority: it never ran */
    KT_OK(seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, KT_PRIO + 10));
    KT_EQ(t->result[0], 1); /* it preempted the root before the reply was read */
    KT_EQ(t->done, 1);
}

KTEST(tcb_set_mc_priority_above_authority_mcp_range_error)
{
    KT_CAP(auth, authority_with_mcp(20));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetMCPriority(tcb, auth, 21), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 20);
    KT_OK(seL4_TCB_SetMCPriority(tcb, auth, 20));
}

KTEST(tcb_set_mc_priority_authority_not_tcb_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, notification());
    KT_ERR(seL4_TCB_SetMCPriority(tcb, n, 10), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(tcb_set_mc_priority_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetCap(0, seL4_CapInitThreadTCB);
    KT_ERR(invoke_raw(tcb, TCBSetMCPriority, 1, 0), seL4_TruncatedMessage);
    seL4_SetMR(0, 1);
    KT_ERR(invoke_raw(tcb, TCBSetMCPriority, 0, 1), seL4_TruncatedMessage);
}

KTEST(tcb_set_sched_params_mcp_and_priority_checked)
{
    KT_CAP(auth, authority_with_mcp(30));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetSchedParams(tcb, auth, 31, 10, 0, 0), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 30);
    KT_ERR(seL4_TCB_SetSchedParams(tcb, auth, 10, 31, 0, 0), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 30);
    KT_OK(seL4_TCB_SetSchedParams(tcb, auth, 30, 30, 0, 0));
}

KTEST(tcb_set_sched_params_authority_not_tcb_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_SetSchedParams(tcb, ep, 10, 10, 0, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(tcb_set_sched_params_sc_not_sched_context_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 10, 10, ep, 0), seL4_InvalidCapability);
    KT_MR(0, 2);
}

KTEST(tcb_set_sched_params_fault_ep_invalid_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, notification());
    KT_ERR(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 10, 10, 0, n), seL4_InvalidCapability);
    KT_MR(0, 3);
}

KTEST(tcb_set_sched_params_sc_bound_elsewhere_illegal)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(idle_thread(a));
    KT_DO(kt_thread_new_passive(b, count_loop, KT_PRIO));
    KT_ERR(seL4_TCB_SetSchedParams(b->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, a->sc, 0),
           seL4_IllegalOperation);
    /* a TCB that already has an SC cannot take another one */
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(seL4_TCB_SetSchedParams(a->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, sc, 0),
           seL4_IllegalOperation);
    /* its own SC again is fine (seL4 PR 1312, in 16.0.0) */
    KT_OK(seL4_TCB_SetSchedParams(a->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, a->sc, 0));
}

KTEST(tcb_set_sched_params_null_sc_on_current_thread_illegal)
{
    KT_ERR(seL4_TCB_SetSchedParams(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255, KT_PRIO, 0, 0),
           seL4_IllegalOperation);
}

KTEST(tcb_set_sched_params_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 1);
    seL4_SetMR(1, 1);
    seL4_SetCap(0, seL4_CapInitThreadTCB);
    seL4_SetCap(1, 0);
    seL4_SetCap(2, 0);
    KT_ERR(invoke_raw(tcb, TCBSetSchedParams, 2, 2), seL4_TruncatedMessage);
    KT_ERR(invoke_raw(tcb, TCBSetSchedParams, 3, 1), seL4_TruncatedMessage);
    KT_OK(invoke_raw(tcb, TCBSetSchedParams, 3, 2));
}

KTEST(tcb_set_sched_params_binds_sc_and_thread_runs)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    yield_n(10);
    KT_EQ(t->counter, 0); /* passive: no SC, it cannot run */
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0));
    KT_OK(seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, sc, 0));
    KT_TRUE(wait_counter(t, 1, 100));
}

/* ==== SetTimeoutEndpoint (only the cap checks) */

KTEST(tcb_set_timeout_endpoint_checks_cap)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, notification());
    KT_ERR(seL4_TCB_SetTimeoutEndpoint(tcb, n), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_CAP(ep, endpoint());
    KT_CAP(write_only, kt_mint(ep, seL4_CanWrite, 0));
    KT_ERR(seL4_TCB_SetTimeoutEndpoint(tcb, write_only), seL4_InvalidCapability);
    KT_MR(0, 1);
    KT_OK(seL4_TCB_SetTimeoutEndpoint(tcb, ep));
    KT_OK(seL4_TCB_SetTimeoutEndpoint(tcb, 0)); /* null: no timeout handler */
}

KTEST(tcb_set_timeout_endpoint_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(invoke_raw(tcb, TCBSetTimeoutEndpoint, 0, 0), seL4_TruncatedMessage);
}

/* ==== SetIPCBuffer */

KTEST(tcb_set_ipc_buffer_misaligned_alignment_error)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_CPtr frame;
    seL4_Word v = (seL4_Word)kt_page_cap(&frame);
    KT_TRUE(v != 0);
    KT_ERR(seL4_TCB_SetIPCBuffer(tcb, v + 0x200, frame), seL4_AlignmentError);
    KT_OK(seL4_TCB_SetIPCBuffer(tcb, v + 0x400, frame));
}

KTEST(tcb_set_ipc_buffer_not_frame_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_SetIPCBuffer(tcb, 0x40000000, ep), seL4_IllegalOperation);
    KT_OK(seL4_TCB_SetIPCBuffer(tcb, 0, ep)); /* address 0: no buffer, the cap is ignored */
}

KTEST(tcb_set_ipc_buffer_device_frame_illegal)
{
    seL4_CPtr dev = 0;
    for (seL4_CPtr u = kt_bi->untyped.start; u < kt_bi->untyped.end; u++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[u - kt_bi->untyped.start];
        if (d->isDevice && d->sizeBits >= seL4_PageBits) {
            dev = u;
            break;
        }
    }
    KT_TRUE(dev != 0);
    seL4_CPtr frame = kt_slot();
    KT_OK(seL4_Untyped_Retype(dev, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, frame, 1));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetIPCBuffer(tcb, 0x40000000, frame), seL4_IllegalOperation);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, dev, KT_DEPTH));
}

KTEST(tcb_set_ipc_buffer_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 0);
    KT_ERR(invoke_raw(tcb, TCBSetIPCBuffer, 0, 1), seL4_TruncatedMessage);
    seL4_SetCap(0, 0);
    KT_ERR(invoke_raw(tcb, TCBSetIPCBuffer, 1, 0), seL4_TruncatedMessage);
}

static void send_long_message(kt_thread_t *t)
{
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 0x70 + (seL4_Word)i);
    }
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0x33, 0, 0, 10));
}

KTEST(tcb_set_ipc_buffer_kernel_uses_the_new_buffer)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, send_long_message, KT_PRIO));
    seL4_CPtr frame;
    seL4_Word v = (seL4_Word)kt_page_cap(&frame);
    KT_TRUE(v != 0);
    KT_OK(seL4_TCB_SetIPCBuffer(t->tcb, v + 0x400, frame));
    t->ipc_vaddr = v + 0x400; /* the thread points its libsel4 at the same place */
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x33);
    KT_EQ(seL4_MessageInfo_get_length(info), 10);
    KT_MR(3, 0x73);
    KT_MR(4, 0x74); /* MR4.. come from the sender's IPC buffer */
    KT_MR(9, 0x79);
}

/* ==== Suspend and Resume */

KTEST(tcb_suspend_and_resume_counting_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 2, 100));
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_Word frozen = t->counter;
    yield_n(20);
    KT_EQ(t->counter, frozen);
    KT_OK(seL4_TCB_Suspend(t->tcb)); /* suspending an inactive thread is fine */
    KT_OK(seL4_TCB_Resume(t->tcb));
    KT_TRUE(wait_counter(t, frozen, 100));
    KT_OK(seL4_TCB_Resume(t->tcb)); /* resuming a running thread changes nothing */
    KT_TRUE(wait_counter(t, t->counter, 100));
}

static void receive_once(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = badge;
    t->result[1] = seL4_GetMR(0);
    t->result[2] = seL4_MessageInfo_get_label(info);
}

KTEST(tcb_suspend_blocked_receiver_leaves_queue)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, receive_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x11));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_TRUE(t->started && !t->done);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_SetMR(0, 5);
    seL4_NBSend(badged, seL4_MessageInfo_new(0, 0, 0, 1)); /* no receiver any more: dropped */
    yield_n(5);
    KT_EQ(t->done, 0);
    /* Resume restarts the Recv: it waits again */
    KT_OK(seL4_TCB_Resume(t->tcb));
    yield_n(5);
    KT_EQ(t->done, 0);
    seL4_SetMR(0, 7);
    seL4_Send(badged, seL4_MessageInfo_new(0x21, 0, 0, 1));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0x11);
    KT_EQ(t->result[1], 7);
    KT_EQ(t->result[2], 0x21);
}

KTEST(tcb_suspend_self_stops_caller)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 100)); /* kt_thread_entry suspends itself after the function */
    seL4_Word out[1];
    KT_DO(read_regs(t->tcb, false, 1, out));
    yield_n(5);
    /* Resume re-runs from after its Suspend call, which loops into Suspend again */
    KT_OK(seL4_TCB_Resume(t->tcb));
    yield_n(5);
    KT_EQ(t->result[0], 1);
}

/* ==== BindNotification / UnbindNotification */

KTEST(tcb_bind_notification_twice_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n1, notification());
    KT_CAP(n2, notification());
    KT_OK(seL4_TCB_BindNotification(tcb, n1));
    KT_ERR(seL4_TCB_BindNotification(tcb, n2), seL4_IllegalOperation);
    KT_OK(seL4_TCB_UnbindNotification(tcb));
    KT_OK(seL4_TCB_BindNotification(tcb, n2));
}

KTEST(tcb_unbind_notification_when_none_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_UnbindNotification(tcb), seL4_IllegalOperation);
}

KTEST(tcb_bind_notification_bad_caps_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ep, endpoint());
    KT_ERR(seL4_TCB_BindNotification(tcb, ep), seL4_IllegalOperation);
    KT_CAP(n, notification());
    KT_CAP(no_read, kt_mint(n, seL4_CanWrite, 0));
    KT_ERR(seL4_TCB_BindNotification(tcb, no_read), seL4_IllegalOperation);
    /* a notification bound to another TCB cannot be bound again */
    KT_CAP(other, kt_alloc(seL4_TCBObject, 0));
    KT_OK(seL4_TCB_BindNotification(other, n));
    KT_ERR(seL4_TCB_BindNotification(tcb, n), seL4_IllegalOperation);
}

KTEST(tcb_bind_notification_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(invoke_raw(tcb, TCBBindNotification, 0, 0), seL4_TruncatedMessage);
}

KTEST(tcb_bound_notification_wakes_endpoint_receive)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, receive_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(n, notification());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x4));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_EQ(t->done, 0);
    seL4_Signal(badged);
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0x4);
}

/* ==== SetTLSBase (invocation and syscall -33) */

KTEST(tcb_set_tls_base_invocation_sets_tp)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    KT_OK(seL4_TCB_SetTLSBase(t->tcb, 0xabcd000));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(t->tcb, false, USER_CONTEXT_WORDS, out));
    KT_EQ(out[31], 0xabcd000);
}

static void report_tp_when_asked(kt_thread_t *t)
{
    seL4_Word mine = read_tp();
    while (t->arg[0] == 0) {
        seL4_Yield();
    }
    t->result[0] = read_tp();
    seL4_SetTLSBase(mine); /* back to its own TLS before touching the IPC buffer again */
    t->result[1] = read_tp();
}

KTEST(tcb_set_tls_base_invocation_changes_running_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, report_tp_when_asked, KT_PRIO));
    KT_DO(kt_thread_start(t));
    yield_n(3);
    KT_TRUE(t->started);
    seL4_Word own = t->regs.tp;
    KT_OK(seL4_TCB_SetTLSBase(t->tcb, 0x5550000));
    t->arg[0] = 1;
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0x5550000);
    KT_EQ(t->result[1], own);
}

static void set_tls_by_syscall(kt_thread_t *t)
{
    seL4_Word mine = read_tp();
    seL4_SetTLSBase(0x1234000);
    t->result[0] = read_tp();
    seL4_SetTLSBase(mine);
    t->result[1] = read_tp();
}

KTEST(tcb_set_tls_base_syscall_changes_tp)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_tls_by_syscall, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0x1234000);
    KT_EQ(t->result[1], t->regs.tp);
}

KTEST(tcb_set_tls_base_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(invoke_raw(tcb, TCBSetTLSBase, 0, 0), seL4_TruncatedMessage);
}

/* ==== SetFlags */

KTEST(tcb_set_flags_returns_new_flags)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_TCB_SetFlags_t r = seL4_TCB_SetFlags(tcb, 0, 0);
    KT_OK(r.error);
    KT_EQ(r.flags, 0);
    r = seL4_TCB_SetFlags(tcb, 0, seL4_TCBFlag_fpuDisabled);
    KT_OK(r.error);
    KT_EQ(r.flags, seL4_TCBFlag_fpuDisabled);
    r = seL4_TCB_SetFlags(tcb, 0, 0);
    KT_EQ(r.flags, seL4_TCBFlag_fpuDisabled);
    r = seL4_TCB_SetFlags(tcb, seL4_TCBFlag_fpuDisabled, 0);
    KT_EQ(r.flags, 0);
    r = seL4_TCB_SetFlags(tcb, 0, ~(seL4_Word)0); /* unknown flags are masked off */
    KT_EQ(r.flags, seL4_TCBFlag_fpuDisabled);
    r = seL4_TCB_SetFlags(tcb, ~(seL4_Word)0, 0);
    KT_EQ(r.flags, 0);
}

KTEST(tcb_set_flags_truncated)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 0);
    KT_ERR(invoke_raw(tcb, TCBSetFlags, 0, 1), seL4_TruncatedMessage);
}

/* ==== FPU */

/* Raw 64-bit patterns through fld/fsd: no FP arithmetic, so the first FP instruction a thread
 * runs is the first fld here (noinline keeps its address known). */
__attribute__((noinline)) static void fpu_load(const seL4_Word *v)
{
    __asm__ volatile("fld f0, 0(%0)\n fld f1, 8(%0)\n fld f2, 16(%0)\n fld f3, 24(%0)\n"
                     "fld f4, 32(%0)\n fld f5, 40(%0)\n fld f6, 48(%0)\n fld f7, 56(%0)\n"
                     "fld f8, 64(%0)\n fld f9, 72(%0)\n fld f10, 80(%0)\n fld f11, 88(%0)\n"
                     "fld f12, 96(%0)\n fld f13, 104(%0)\n fld f14, 112(%0)\n fld f15, 120(%0)\n"
                     "fld f16, 128(%0)\n fld f17, 136(%0)\n fld f18, 144(%0)\n fld f19, 152(%0)\n"
                     "fld f20, 160(%0)\n fld f21, 168(%0)\n fld f22, 176(%0)\n fld f23, 184(%0)\n"
                     "fld f24, 192(%0)\n fld f25, 200(%0)\n fld f26, 208(%0)\n fld f27, 216(%0)\n"
                     "fld f28, 224(%0)\n fld f29, 232(%0)\n fld f30, 240(%0)\n fld f31, 248(%0)\n"
                     :
                     : "r"(v)
                     : "memory");
}

__attribute__((noinline)) static void fpu_store(seL4_Word *v)
{
    __asm__ volatile("fsd f0, 0(%0)\n fsd f1, 8(%0)\n fsd f2, 16(%0)\n fsd f3, 24(%0)\n"
                     "fsd f4, 32(%0)\n fsd f5, 40(%0)\n fsd f6, 48(%0)\n fsd f7, 56(%0)\n"
                     "fsd f8, 64(%0)\n fsd f9, 72(%0)\n fsd f10, 80(%0)\n fsd f11, 88(%0)\n"
                     "fsd f12, 96(%0)\n fsd f13, 104(%0)\n fsd f14, 112(%0)\n fsd f15, 120(%0)\n"
                     "fsd f16, 128(%0)\n fsd f17, 136(%0)\n fsd f18, 144(%0)\n fsd f19, 152(%0)\n"
                     "fsd f20, 160(%0)\n fsd f21, 168(%0)\n fsd f22, 176(%0)\n fsd f23, 184(%0)\n"
                     "fsd f24, 192(%0)\n fsd f25, 200(%0)\n fsd f26, 208(%0)\n fsd f27, 216(%0)\n"
                     "fsd f28, 224(%0)\n fsd f29, 232(%0)\n fsd f30, 240(%0)\n fsd f31, 248(%0)\n"
                     :
                     : "r"(v)
                     : "memory");
}

static void fpu_set_fcsr(seL4_Word v)
{
    __asm__ volatile("fscsr %0" : : "r"(v));
}

static seL4_Word fpu_get_fcsr(void)
{
    seL4_Word v;
    __asm__ volatile("frcsr %0" : "=r"(v));
    return v;
}

static void fpu_pattern(seL4_Word *v, int seed)
{
    for (int i = 0; i < 32; i++) {
        v[i] = ((seL4_Word)seed << 40) | ((seL4_Word)i << 8) | 0x3ff0000000000000ul;
    }
}

/* Counts the f registers or fcsr that differ from the pattern. */
static int fpu_mismatches(int seed, seL4_Word fcsr)
{
    seL4_Word want[32], got[32];
    fpu_store(got);
    fpu_pattern(want, seed);
    int bad = fpu_get_fcsr() != fcsr;
    for (int i = 0; i < 32; i++) {
        bad += got[i] != want[i];
    }
    return bad;
}

/* arg[0] = seed, arg[1] = rounds; result[0] = mismatches seen over all rounds. */
static void fpu_worker(kt_thread_t *t)
{
    seL4_Word v[32];
    int seed = (int)t->arg[0];
    seL4_Word fcsr = (seL4_Word)seed & 0x1f; /* fflags, a distinct value per thread */
    fpu_pattern(v, seed);
    fpu_load(v);
    fpu_set_fcsr(fcsr);
    int bad = 0;
    for (seL4_Word r = 0; r < t->arg[1]; r++) {
        seL4_Yield();
        bad += fpu_mismatches(seed, fcsr);
        t->counter++;
    }
    t->result[0] = (seL4_Word)bad;
}

KTEST(fpu_threads_keep_their_own_registers)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, fpu_worker, KT_PRIO));
    KT_DO(kt_thread_new(b, fpu_worker, KT_PRIO));
    a->arg[0] = 3;
    b->arg[0] = 7;
    a->arg[1] = b->arg[1] = 20;
    seL4_Word v[32];
    fpu_pattern(v, 11);
    fpu_load(v);
    fpu_set_fcsr(0x15);
    KT_DO(kt_thread_start(a));
    KT_DO(kt_thread_start(b));
    bool done = kt_wait_done(a, 500) && kt_wait_done(b, 500);
    int root_bad = fpu_mismatches(11, 0x15);
    KT_TRUE(done);
    KT_EQ(a->counter, 20);
    KT_EQ(a->result[0], 0);
    KT_EQ(b->result[0], 0);
    KT_EQ(root_bad, 0);
}

static void fpu_touch(kt_thread_t *t)
{
    seL4_Word v[32];
    fpu_pattern(v, 5);
    fpu_load(v); /* the first FP instruction: a fault while fpuDisabled */
    t->result[0] = (seL4_Word)fpu_mismatches(5, 0);
}

KTEST(fpu_disabled_thread_faults_until_reenabled)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, fpu_touch, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
    seL4_TCB_SetFlags_t f = seL4_TCB_SetFlags(t->tcb, 0, seL4_TCBFlag_fpuDisabled);
    KT_OK(f.error);
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    KT_EQ(seL4_MessageInfo_get_length(info), seL4_UserException_Length);
    KT_MR(seL4_UserException_FaultIP, (seL4_Word)fpu_load);
    KT_MR(seL4_UserException_Number, 2); /* illegal instruction */
    KT_MR(seL4_UserException_Code, 0);
    f = seL4_TCB_SetFlags(t->tcb, seL4_TCBFlag_fpuDisabled, 0);
    KT_OK(f.error);
    KT_EQ(f.flags, 0);
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0)); /* label 0: re-run the instruction */
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0);
}

/* arg[0] = phase the root allows; result[1] = phase reached. */
static void fpu_keep_across_disable(kt_thread_t *t)
{
    seL4_Word v[32];
    fpu_pattern(v, 9);
    fpu_load(v);
    fpu_set_fcsr(0x9);
    t->result[1] = 1;
    while (t->arg[0] == 0) {
        seL4_Yield();
    }
    t->result[0] = (seL4_Word)fpu_mismatches(9, 0x9);
    t->result[1] = 2;
}

/* seL4's fpuRelease saves the owner's state: disabling and enabling again keeps the values. */
KTEST(fpu_state_survives_disable_and_enable)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, fpu_keep_across_disable, KT_PRIO));
    KT_DO(kt_thread_start(t));
    for (int i = 0; i < 100 && t->result[1] != 1; i++) {
        seL4_Yield();
    }
    KT_EQ(t->result[1], 1);
    KT_OK(seL4_TCB_SetFlags(t->tcb, 0, seL4_TCBFlag_fpuDisabled).error);
    /* the root now uses the FPU itself */
    seL4_Word v[32];
    fpu_pattern(v, 2);
    fpu_load(v);
    KT_OK(seL4_TCB_SetFlags(t->tcb, seL4_TCBFlag_fpuDisabled, 0).error);
    t->arg[0] = 1;
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0);
}

/* ==== DebugNameThread */

KTEST(tcb_debug_name_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    seL4_DebugNameThread(t->tcb, "tcb-test-helper");
    seL4_DebugNameThread(t->tcb, "a name much longer than the kernel keeps for a thread, cut short");
    KT_DO(kt_thread_start(t));
    seL4_DebugDumpScheduler(); /* prints the (cut) name in the log */
    KT_TRUE(wait_counter(t, 1, 100));
}

/* ==== labels */

KTEST(tcb_non_tcb_label_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 0);
    KT_ERR(invoke_raw(tcb, CNodeRevoke, 0, 2), seL4_IllegalOperation);
    KT_ERR(invoke_raw(tcb, InvalidInvocation, 0, 0), seL4_IllegalOperation);
    KT_ERR(invoke_raw(tcb, UntypedRetype, 0, 0), seL4_IllegalOperation);
}

/* ==== deleting threads in every state */

KTEST(tcb_delete_running_thread)
{
    kt_thread_t *t = &kt_threads[0], *u = &kt_threads[1];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 2, 100));
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    seL4_Word frozen = t->counter;
    yield_n(20);
    KT_EQ(t->counter, frozen);
    KT_DO(kt_thread_new(u, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(u));
    KT_TRUE(wait_counter(u, 2, 100));
}

KTEST(tcb_delete_blocked_receiver)
{
    kt_thread_t *t = &kt_threads[0], *u = &kt_threads[1];
    KT_DO(kt_thread_new(t, receive_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(reply2, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    seL4_SetMR(0, 1);
    seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 0, 1)); /* the queue is empty now */
    KT_DO(kt_thread_new(u, receive_once, KT_PRIO));
    u->arg[0] = ep;
    u->arg[1] = reply2;
    KT_DO(kt_thread_start(u));
    yield_n(5);
    KT_EQ(u->done, 0);
    seL4_SetMR(0, 9);
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    KT_TRUE(kt_wait_done(u, 100));
    KT_EQ(u->result[1], 9);
    KT_EQ(t->done, 0);
}

static void send_once(kt_thread_t *t)
{
    seL4_SetMR(0, t->arg[1]);
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 1));
}

KTEST(tcb_delete_blocked_sender)
{
    kt_thread_t *t = &kt_threads[0], *u = &kt_threads[1];
    KT_DO(kt_thread_new(t, send_once, KT_PRIO));
    KT_DO(kt_thread_new(u, send_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = u->arg[0] = ep;
    t->arg[1] = 1;
    u->arg[1] = 2;
    KT_DO(kt_thread_start(t));
    KT_DO(kt_thread_start(u));
    yield_n(5);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    (void)info;
    KT_MR(0, 2); /* the deleted sender's message is gone, the second one arrives */
    KT_TRUE(kt_wait_done(u, 100));
    KT_EQ(t->done, 0);
}

KTEST(tcb_delete_suspended_thread)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 1, 100));
    KT_OK(seL4_TCB_Suspend(t->tcb));
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    KT_TRUE(kt_slot_empty(t->tcb));
    /* its SC is free again: another thread can take it */
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_OK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, t->sc, 0));
}

static void wait_notification(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Wait(t->arg[0], &badge);
    t->result[0] = badge;
}

KTEST(tcb_delete_thread_waiting_on_notification)
{
    kt_thread_t *t = &kt_threads[0], *u = &kt_threads[1];
    KT_DO(kt_thread_new(t, wait_notification, KT_PRIO));
    KT_DO(kt_thread_new(u, wait_notification, KT_PRIO));
    KT_CAP(n, notification());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x8));
    t->arg[0] = u->arg[0] = n;
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    KT_DO(kt_thread_start(u));
    yield_n(5);
    seL4_Signal(badged);
    KT_TRUE(kt_wait_done(u, 100));
    KT_EQ(u->result[0], 0x8);
}

KTEST(tcb_delete_thread_with_bound_notification)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, receive_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(n, notification());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    seL4_Signal(n);
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_OK(seL4_TCB_BindNotification(tcb, n)); /* the binding went with the thread */
}

static void call_once(kt_thread_t *t)
{
    seL4_SetMR(0, 3);
    seL4_Call(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 1));
    t->result[0] = 1;
}

KTEST(tcb_delete_thread_waiting_for_reply)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, call_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    KT_MR(0, 3);
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0)); /* nobody waits: nothing happens */
    yield_n(5);
    KT_EQ(t->result[0], 0);
    /* the reply object is usable again */
    kt_thread_t *u = &kt_threads[1];
    KT_DO(kt_thread_new(u, call_once, KT_PRIO));
    u->arg[0] = ep;
    KT_DO(kt_thread_start(u));
    seL4_Recv(ep, &badge, reply);
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_TRUE(kt_wait_done(u, 100));
    KT_EQ(u->result[0], 1);
}

KTEST(tcb_delete_fpu_owner)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, fpu_worker, KT_PRIO));
    a->arg[0] = 4;
    a->arg[1] = 1000000;
    KT_DO(kt_thread_start(a));
    KT_TRUE(wait_counter(a, 2, 100));
    KT_OK(seL4_CNode_Delete(KT_ROOT, a->tcb, KT_DEPTH));
    KT_DO(kt_thread_new(b, fpu_worker, KT_PRIO));
    b->arg[0] = 6;
    b->arg[1] = 10;
    KT_DO(kt_thread_start(b));
    KT_TRUE(kt_wait_done(b, 200));
    KT_EQ(b->result[0], 0);
}

/* ==== more: restart pcs, queues, self-deletion, FPU hygiene */

/* Blocks in Recv(a0 = ep, a6 = reply) at tcb_recv_ecall, then yields forever. */
void tcb_recv_entry(void);
extern char tcb_recv_ecall[], tcb_recv_yield[], tcb_capture_yield[];
__asm__(".text\n"
        ".globl tcb_recv_entry\n.globl tcb_recv_ecall\n"
        "tcb_recv_entry:\n"
        "  li a7, -7\n"
        "tcb_recv_ecall:\n"
        "  ecall\n"
        "  li a7, -11\n"
        ".globl tcb_recv_yield\n"
        "tcb_recv_yield:\n"
        "  ecall\n  j tcb_recv_yield\n");

KTEST(tcb_read_registers_pc_of_blocked_thread_is_its_syscall)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_UserContext r;
    pattern_context(&r, 0);
    r.pc = (seL4_Word)tcb_recv_entry;
    r.a0 = ep;
    r.a6 = reply;
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, USER_CONTEXT_WORDS, &r));
    yield_n(5);
    seL4_Word out[1];
    KT_DO(read_regs(t->tcb, false, 1, out));
    KT_EQ(out[0], (seL4_Word)tcb_recv_ecall);
    /* suspended while blocked: a Resume re-executes the Recv, so pc stays on the ecall */
    KT_OK(seL4_TCB_Suspend(t->tcb));
    KT_DO(read_regs(t->tcb, false, 1, out));
    KT_EQ(out[0], (seL4_Word)tcb_recv_ecall);
    KT_OK(seL4_TCB_Resume(t->tcb));
    yield_n(5);
    seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 0, 0)); /* it waits again: this reaches it */
    yield_n(5);
    KT_DO(read_regs(t->tcb, false, 1, out));
    /* it got the message and now loops on Yield: the restart pc is that ecall */
    KT_EQ(out[0], (seL4_Word)tcb_recv_yield);
}

KTEST(tcb_read_registers_pc_of_yielding_thread_is_the_ecall)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    seL4_UserContext r;
    capture_context(&r);
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, USER_CONTEXT_WORDS, &r));
    KT_TRUE(wait_captured(100));
    yield_n(2);
    seL4_Word out[1];
    /* seL4 reports FaultIP: the Yield's ecall, though the thread will continue after it */
    KT_DO(read_regs(t->tcb, false, 1, out));
    KT_EQ(out[0], (seL4_Word)tcb_capture_yield);
    /* Suspend moves the restart pc past the completed syscall (seL4 updateRestartPC) */
    KT_DO(read_regs(t->tcb, true, 1, out));
    KT_EQ(out[0], (seL4_Word)tcb_capture_yield + 4);
}

static void call_and_count(kt_thread_t *t)
{
    for (;;) {
        seL4_SetMR(0, t->counter);
        seL4_Call(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 1));
        t->counter++;
    }
}

KTEST(tcb_suspend_caller_waiting_for_reply_restarts_the_call)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, call_and_count, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    KT_MR(0, 0);
    KT_OK(seL4_TCB_Suspend(t->tcb));
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0)); /* the reply has no caller any more */
    yield_n(5);
    KT_EQ(t->counter, 0);
    KT_OK(seL4_TCB_Resume(t->tcb)); /* the Call is made again */
    seL4_Recv(ep, &badge, reply);
    KT_MR(0, 0);
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Recv(ep, &badge, reply);
    KT_MR(0, 1);
    KT_EQ(t->counter, 1);
}

KTEST(tcb_set_priority_reorders_endpoint_queue)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, send_once, KT_PRIO));
    KT_DO(kt_thread_new(b, send_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    a->arg[0] = b->arg[0] = ep;
    a->arg[1] = 0xa;
    b->arg[1] = 0xb;
    KT_DO(kt_thread_start(a));
    yield_n(3);
    KT_DO(kt_thread_start(b));
    yield_n(3);
    /* MCS endpoint queues are priority ordered: b moves in front of a */
    KT_OK(seL4_TCB_SetPriority(b->tcb, seL4_CapInitThreadTCB, KT_PRIO + 5));
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    KT_MR(0, 0xb);
    seL4_Recv(ep, &badge, reply);
    KT_MR(0, 0xa);
}

KTEST(tcb_set_priority_lowering_self_lets_others_run)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, set_done_flag, KT_PRIO - 5));
    KT_DO(kt_thread_start(t));
    yield_n(3);
    seL4_Word before = t->result[0];
    seL4_Error e = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, KT_PRIO - 10);
    seL4_Word after = t->result[0];
    seL4_Error back = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, KT_PRIO);
    KT_OK(e);
    KT_OK(back);
    KT_EQ(before, 0);
    KT_EQ(after, 1);
}

KTEST(tcb_set_priority_above_255_range_error)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 256), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 255);
    KT_ERR(seL4_TCB_SetMCPriority(tcb, seL4_CapInitThreadTCB, ~(seL4_Word)0), seL4_RangeError);
    KT_OK(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 255));
}

static void delete_own_tcb(kt_thread_t *t)
{
    seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH);
    t->result[0] = 1; /* never reached: the thread is gone */
}

KTEST(tcb_delete_the_running_thread_itself)
{
    kt_thread_t *t = &kt_threads[0], *u = &kt_threads[1];
    KT_DO(kt_thread_new(t, delete_own_tcb, KT_PRIO));
    KT_DO(kt_thread_start(t));
    yield_n(10);
    KT_TRUE(t->started);
    KT_EQ(t->result[0], 0);
    KT_TRUE(kt_slot_empty(t->tcb));
    /* its SC is unbound and can serve another thread */
    KT_DO(kt_thread_new_passive(u, count_loop, KT_PRIO));
    KT_OK(seL4_TCB_SetSchedParams(u->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, t->sc, 0));
    KT_DO(kt_thread_start(u));
    KT_TRUE(wait_counter(u, 2, 100));
}

KTEST(tcb_configure_bad_cspace_guard_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    /* a 60-bit guard on the radix-12 root CNode would resolve 72 bits */
    seL4_Word bad = seL4_CNode_CapData_new(0, 60).words[0];
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, bad, seL4_CapInitThreadVSpace, 0, 0, 0), seL4_IllegalOperation);
    seL4_Word good = seL4_CNode_CapData_new(0, 52).words[0];
    KT_OK(seL4_TCB_Configure(tcb, KT_ROOT, good, seL4_CapInitThreadVSpace, 0, 0, 0));
}

KTEST(tcb_set_tls_base_on_self)
{
    seL4_Word tp = read_tp();
    KT_OK(seL4_TCB_SetTLSBase(seL4_CapInitThreadTCB, tp));
    KT_EQ(read_tp(), tp);
}

KTEST(tcb_caps_need_no_rights)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_CAP(weak, kt_mint(t->tcb, seL4_NoRights, 0));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 1, 100));
    KT_OK(seL4_TCB_Suspend(weak));
    seL4_Word frozen = t->counter;
    yield_n(10);
    KT_EQ(t->counter, frozen);
}

KTEST(tcb_resume_passive_thread_waits_for_an_sc)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new_passive(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_OK(seL4_TCB_Resume(t->tcb));
    yield_n(10);
    KT_EQ(t->counter, 0);
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0));
    KT_OK(seL4_SchedContext_Bind(sc, t->tcb));
    KT_TRUE(wait_counter(t, 1, 100));
}

KTEST(tcb_read_registers_of_faulted_thread_gives_fault_ip)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, illegal_instruction, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    seL4_Word fault_ip = seL4_GetMR(seL4_UserException_FaultIP);
    seL4_Word fault_sp = seL4_GetMR(seL4_UserException_SP);
    seL4_Word out[3];
    KT_DO(read_regs(t->tcb, false, 3, out));
    KT_EQ(out[0], fault_ip);
    KT_EQ(out[2], fault_sp);
}

static void report_fpu(kt_thread_t *t)
{
    seL4_Word v[32];
    fpu_store(v);
    seL4_Word nonzero = fpu_get_fcsr() != 0;
    for (int i = 0; i < 32; i++) {
        nonzero += v[i] != 0;
    }
    t->result[0] = nonzero;
}

/* A fresh thread must not see another thread's F/D registers. */
KTEST(fpu_new_thread_starts_with_clear_registers)
{
    seL4_Word v[32];
    fpu_pattern(v, 12);
    fpu_load(v);
    fpu_set_fcsr(0x1f);
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, report_fpu, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 0);
    KT_EQ(fpu_mismatches(12, 0x1f), 0);
}

KTEST(tcb_set_priority_reorders_notification_queue)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, wait_notification, KT_PRIO));
    KT_DO(kt_thread_new(b, wait_notification, KT_PRIO));
    KT_CAP(n, notification());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x2));
    a->arg[0] = b->arg[0] = n;
    KT_DO(kt_thread_start(a));
    yield_n(3);
    KT_DO(kt_thread_start(b));
    yield_n(3);
    KT_OK(seL4_TCB_SetPriority(b->tcb, seL4_CapInitThreadTCB, KT_PRIO + 5));
    seL4_Signal(badged); /* one signal: the highest-priority waiter takes it */
    yield_n(3);
    KT_EQ(b->done, 1);
    KT_EQ(a->done, 0);
    seL4_Signal(badged);
    KT_TRUE(kt_wait_done(a, 100));
}

/* seL4 slotCapLongRunningDelete: the TCB holds the last cap of its CNode. */
KTEST(tcb_configure_when_tcb_holds_final_cnode_cap_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 4));
    seL4_Word guard = seL4_CNode_CapData_new(0, 60).words[0];
    KT_OK(seL4_TCB_Configure(tcb, cn, guard, seL4_CapInitThreadVSpace, 0, 0, 0));
    KT_OK(seL4_CNode_Delete(KT_ROOT, cn, KT_DEPTH));
    KT_ERR(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, 0, 0), seL4_IllegalOperation);
    KT_ERR(seL4_TCB_SetSpace(tcb, 0, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0), seL4_IllegalOperation);
    /* with a second cap to that CNode around, replacing it is fine */
    KT_CAP(cn2, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(tcb2, kt_alloc(seL4_TCBObject, 0));
    KT_OK(seL4_TCB_Configure(tcb2, cn2, guard, seL4_CapInitThreadVSpace, 0, 0, 0));
    KT_OK(seL4_TCB_Configure(tcb2, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, 0, 0));
}

/* deriveCap's own error wins: an untyped with children cannot be derived (RevokeFirst). */
KTEST(tcb_configure_untyped_with_children_revoke_first)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_Configure(tcb, kt_pool, 0, seL4_CapInitThreadVSpace, 0, 0, 0), seL4_RevokeFirst);
    KT_ERR(seL4_TCB_SetIPCBuffer(tcb, 0x40000000, kt_pool), seL4_RevokeFirst);
    KT_CAP(u, kt_alloc_untyped(12));
    KT_ERR(seL4_TCB_Configure(tcb, u, 0, seL4_CapInitThreadVSpace, 0, 0, 0), seL4_IllegalOperation);
}

KTEST(tcb_fresh_tcb_has_zero_registers_and_mcp)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_Word out[USER_CONTEXT_WORDS];
    KT_DO(read_regs(tcb, false, USER_CONTEXT_WORDS, out));
    for (int i = 0; i < USER_CONTEXT_WORDS; i++) {
        KT_EQ(out[i], 0);
    }
    KT_CAP(other, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetPriority(other, tcb, 1), seL4_RangeError);
    KT_MR(0, 0);
    KT_MR(1, 0);
    KT_OK(seL4_TCB_SetPriority(other, tcb, 0));
}

/* With sp = captured: ecall (the written a7 picks the syscall), then stores x1..x31 at
 * sp[1..31], sp[0] = 1, and yields forever. */
void tcb_syscall_capture_entry(void);
__asm__(".text\n"
        ".globl tcb_syscall_capture_entry\n"
        "tcb_syscall_capture_entry:\n"
        "  ecall\n"
        "  sd x1, 8(sp)\n  sd x2, 16(sp)\n  sd x3, 24(sp)\n  sd x4, 32(sp)\n"
        "  sd x5, 40(sp)\n  sd x6, 48(sp)\n  sd x7, 56(sp)\n  sd x8, 64(sp)\n"
        "  sd x9, 72(sp)\n  sd x10, 80(sp)\n  sd x11, 88(sp)\n  sd x12, 96(sp)\n"
        "  sd x13, 104(sp)\n  sd x14, 112(sp)\n  sd x15, 120(sp)\n  sd x16, 128(sp)\n"
        "  sd x17, 136(sp)\n  sd x18, 144(sp)\n  sd x19, 152(sp)\n  sd x20, 160(sp)\n"
        "  sd x21, 168(sp)\n  sd x22, 176(sp)\n  sd x23, 184(sp)\n  sd x24, 192(sp)\n"
        "  sd x25, 200(sp)\n  sd x26, 208(sp)\n  sd x27, 216(sp)\n  sd x28, 224(sp)\n"
        "  sd x29, 232(sp)\n  sd x30, 240(sp)\n  sd x31, 248(sp)\n"
        "  li t0, 1\n  sd t0, 0(sp)\n"
        "  li a7, -11\n"
        "3: ecall\n  j 3b\n");

/* SetTLSBase (-33) changes tp and nothing else. */
KTEST(tcb_set_tls_base_syscall_preserves_other_registers)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(idle_thread(t));
    kt_memset((void *)captured, 0, sizeof(captured));
    seL4_UserContext r;
    pattern_context(&r, 0x6000);
    r.pc = (seL4_Word)tcb_syscall_capture_entry;
    r.sp = (seL4_Word)captured;
    r.a0 = 0x7770000;
    r.a7 = (seL4_Word)seL4_SysSetTLSBase;
    KT_OK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, USER_CONTEXT_WORDS, &r));
    KT_TRUE(wait_captured(100));
    KT_EQ(captured[4], 0x7770000); /* tp */
    KT_EQ(captured[1], r.ra);
    KT_EQ(captured[3], r.gp);
    KT_EQ(captured[5], r.t0);
    KT_EQ(captured[7], r.t2);
    KT_EQ(captured[8], r.s0);
    KT_EQ(captured[10], r.a0);
    KT_EQ(captured[11], r.a1);
    KT_EQ(captured[15], r.a5);
    KT_EQ(captured[16], r.a6);
    KT_EQ(captured[17], r.a7);
    KT_EQ(captured[27], r.s11);
    KT_EQ(captured[31], r.t6);
}

/* A thread sent to a kernel or non-canonical address faults like any bad pc. */
KTEST(tcb_write_registers_bad_pc_is_a_vm_fault)
{
    static const seL4_Word bad_pcs[] = {0xffffffc080200000ul, 0x8000000000ul, 0x3ffffff000ul};
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    for (unsigned i = 0; i < sizeof(bad_pcs) / sizeof(bad_pcs[0]); i++) {
        kt_thread_t *t = &kt_threads[i];
        KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
        KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
        seL4_UserContext r;
        pattern_context(&r, 0);
        r.pc = bad_pcs[i];
        KT_OK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, USER_CONTEXT_WORDS, &r));
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
        KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
        KT_MR(seL4_VMFault_IP, bad_pcs[i]);
        KT_MR(seL4_VMFault_PrefetchFault, 1);
    }
}

#define SPACE_CNODE_SLOT 2
#define SPACE_ROOT_VSPACE_SLOT 3

/* arg[0] = an address mapped only in the root VSpace. */
static void move_self_to_root_vspace(kt_thread_t *t)
{
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - 4).words[0];
    t->result[1] = seL4_TCB_SetSpace(KT_SPACE_SELF, 0, SPACE_CNODE_SLOT, guard, SPACE_ROOT_VSPACE_SLOT, 0);
    t->result[0] = *(volatile seL4_Word *)t->arg[0];
}

/* A thread that changes its own VSpace runs in the new one straight after the invocation. */
KTEST(tcb_set_space_on_self_switches_address_space)
{
    kt_space_t s;
    KT_DO(kt_space_new(&s));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_space_thread_new(&s, t, move_self_to_root_vspace, KT_PRIO));
    KT_DO(kt_space_give(&s, SPACE_CNODE_SLOT, s.cnode, seL4_AllRights, 0));
    KT_DO(kt_space_give(&s, SPACE_ROOT_VSPACE_SLOT, seL4_CapInitThreadVSpace, seL4_AllRights, 0));
    volatile seL4_Word *only_root = kt_page();
    KT_TRUE(only_root != NULL);
    *only_root = 0x5ace;
    t->arg[0] = (seL4_Word)only_root;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[1], seL4_NoError);
    KT_EQ(t->result[0], 0x5ace);
}

/* A blocked thread may only get an SC that is released (active, refill ready). */
KTEST(tcb_set_sched_params_blocked_thread_needs_released_sc)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, receive_once, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    yield_n(5);
    KT_OK(seL4_SchedContext_Unbind(t->sc));
    KT_CAP(unconfigured, kt_alloc(seL4_SchedContextObject, 8));
    KT_ERR(seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, unconfigured, 0),
           seL4_IllegalOperation);
    KT_OK(seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, t->sc, 0));
    seL4_SetMR(0, 4);
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[1], 4);
}

/* seL4's RISC-V isValidVTableRoot accepts any mapped page table; a thread whose VSpace is not
 * the root of its ASID runs without user mappings and faults at its first instruction. */
KTEST(tcb_configure_with_non_root_page_table_faults_at_run)
{
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    seL4_Word v = kt_vaddr_pages(512); /* a fresh 2 MiB-aligned window for the table */
    v = (v + 0x1fffff) & ~0x1ffffful;
    seL4_Error e = seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, v, seL4_RISCV_Default_VMAttributes);
    if (e == seL4_FailedLookup) {
        KT_CAP(upper, kt_alloc(seL4_RISCV_PageTableObject, 0));
        KT_OK(seL4_RISCV_PageTable_Map(upper, seL4_CapInitThreadVSpace, v, seL4_RISCV_Default_VMAttributes));
        e = seL4_RISCV_PageTable_Map(pt, seL4_CapInitThreadVSpace, v, seL4_RISCV_Default_VMAttributes);
    }
    KT_OK(e);
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_OK(seL4_TCB_Configure(t->tcb, KT_ROOT, 0, pt, 0, 0, 0));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
    KT_MR(seL4_VMFault_IP, t->regs.pc);
    KT_EQ(t->counter, 0);
}

/* arg[0] = seed; spins checking its F/D registers until arg[2] is set (no yields: only the
 * timer takes the CPU away). */
static void fpu_spin_worker(kt_thread_t *t)
{
    seL4_Word v[32];
    int seed = (int)t->arg[0];
    seL4_Word fcsr = (seL4_Word)seed & 0x1f;
    fpu_pattern(v, seed);
    fpu_load(v);
    fpu_set_fcsr(fcsr);
    seL4_Word bad = 0;
    while (t->arg[2] == 0) {
        bad += (seL4_Word)fpu_mismatches(seed, fcsr);
        t->counter++;
    }
    t->result[0] = bad;
}

KTEST(fpu_registers_survive_preemption)
{
    kt_thread_t *a = &kt_threads[0], *b = &kt_threads[1];
    KT_DO(kt_thread_new(a, fpu_spin_worker, KT_PRIO));
    KT_DO(kt_thread_new(b, fpu_spin_worker, KT_PRIO));
    a->arg[0] = 21;
    b->arg[0] = 22;
    KT_DO(kt_thread_start(a));
    KT_DO(kt_thread_start(b));
    /* each Yield of the root lets both spinners use a whole 10 ms budget */
    yield_n(3);
    seL4_Word ca = a->counter, cb = b->counter;
    yield_n(1);
    a->arg[2] = b->arg[2] = 1;
    bool done = kt_wait_done(a, 10) && kt_wait_done(b, 10);
    KT_TRUE(done);
    KT_TRUE(ca > 0 && cb > 0);
    KT_TRUE(a->counter > ca && b->counter > cb); /* they ran again after being preempted */
    KT_EQ(a->result[0], 0);
    KT_EQ(b->result[0], 0);
}

/* Resume of a thread waiting for its fault reply drops the fault: it runs the faulting
 * instruction again and faults anew; the old reply has no caller any more. */
KTEST(tcb_resume_of_faulted_thread_faults_again)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, illegal_instruction, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(reply2, kt_alloc(seL4_ReplyObject, 0));
    KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
    KT_DO(kt_thread_start(t));
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    seL4_Word ip = seL4_GetMR(seL4_UserException_FaultIP);
    KT_OK(seL4_TCB_Resume(t->tcb));
    info = seL4_Recv(ep, &badge, reply2);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    KT_MR(seL4_UserException_FaultIP, ip);
    seL4_Send(reply, seL4_MessageInfo_new(0, 0, 0, 0)); /* stale: nothing happens */
    KT_OK(seL4_TCB_Suspend(t->tcb));
}

/* An invocation sent with Send acts but gets no reply, even for an error. */
KTEST(tcb_invocation_by_send_has_no_reply)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 1, 100));
    seL4_Send(t->tcb, seL4_MessageInfo_new(TCBSuspend, 0, 0, 0));
    seL4_Word frozen = t->counter;
    yield_n(10);
    KT_EQ(t->counter, frozen);
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 0); /* count 0: a RangeError nobody hears about */
    seL4_SetMR(2, 0xfeed);
    seL4_Send(t->tcb, seL4_MessageInfo_new(TCBReadRegisters, 0, 0, 2));
    KT_MR(2, 0xfeed);
    seL4_NBSend(t->tcb, seL4_MessageInfo_new(TCBResume, 0, 0, 0));
    KT_TRUE(wait_counter(t, frozen, 100));
}

/* MCS: the fault endpoint is a copy held by the TCB, independent of the cap it came from. */
KTEST(tcb_fault_endpoint_is_copied_into_the_tcb)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, illegal_instruction, KT_PRIO));
    KT_CAP(ep, endpoint());
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 0x99));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_OK(seL4_TCB_SetSpace(t->tcb, badged, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0));
    KT_OK(seL4_CNode_Delete(KT_ROOT, badged, KT_DEPTH));
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    KT_EQ(badge, 0x99);
}

static void read_regs_into_buffer(kt_thread_t *t)
{
    seL4_SetMR(0, 0);
    seL4_SetMR(1, USER_CONTEXT_WORDS);
    seL4_SetMR(20, 0xdead);
    seL4_MessageInfo_t info = call_raw(t->arg[0], TCBReadRegisters, 0, 2);
    t->result[0] = seL4_MessageInfo_get_label(info);
    t->result[1] = seL4_MessageInfo_get_length(info);
    t->result[2] = seL4_GetMR(20);
}

/* seL4 lookupIPCBuffer: the kernel writes a reply into an IPC buffer only through a
 * read-write frame cap; with a read-only one just the register MRs arrive. */
KTEST(tcb_read_only_ipc_buffer_gets_no_reply_words)
{
    kt_thread_t *t = &kt_threads[0], *target = &kt_threads[1];
    KT_DO(kt_thread_new(t, read_regs_into_buffer, KT_PRIO));
    KT_DO(idle_thread(target));
    KT_CAP(ro, kt_mint(t->ipc_frame, seL4_CanRead, 0));
    KT_OK(seL4_TCB_SetIPCBuffer(t->tcb, t->ipc_vaddr, ro));
    t->arg[0] = target->tcb;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], seL4_NoError);
    KT_EQ(t->result[1], 4);
    KT_EQ(t->result[2], 0xdead);
}

static void receive_long(kt_thread_t *t)
{
    seL4_SetMR(7, 0xdead);
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = seL4_MessageInfo_get_length(info);
    t->result[1] = seL4_GetMR(7);
    t->result[2] = seL4_GetMR(3);
}

KTEST(tcb_read_only_ipc_buffer_receives_only_register_mrs)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, receive_long, KT_PRIO));
    KT_CAP(ro, kt_mint(t->ipc_frame, seL4_CanRead, 0));
    KT_OK(seL4_TCB_SetIPCBuffer(t->tcb, t->ipc_vaddr, ro));
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    yield_n(5);
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 0x80 + (seL4_Word)i);
    }
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 10));
    KT_TRUE(kt_wait_done(t, 100));
    KT_EQ(t->result[0], 4);
    KT_EQ(t->result[1], 0xdead);
    KT_EQ(t->result[2], 0x83);
}

static void send_long_from_buffer(kt_thread_t *t)
{
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 0x90 + (seL4_Word)i);
    }
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 10));
}

/* A read-only buffer can be sent from; a frame cap without rights is no buffer at all. */
KTEST(tcb_ipc_buffer_rights_for_sending)
{
    KT_CAP(ep, endpoint());
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_CapRights_t rights[2] = {seL4_CanRead, seL4_NoRights};
    seL4_Word expect_len[2] = {10, 4};
    for (int k = 0; k < 2; k++) {
        kt_thread_t *t = &kt_threads[k];
        KT_DO(kt_thread_new(t, send_long_from_buffer, KT_PRIO));
        KT_CAP(weak, kt_mint(t->ipc_frame, rights[k], 0));
        KT_OK(seL4_TCB_SetIPCBuffer(t->tcb, t->ipc_vaddr, weak));
        t->arg[0] = ep;
        KT_DO(kt_thread_start(t));
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
        KT_EQ(seL4_MessageInfo_get_length(info), expect_len[k]);
        KT_MR(3, 0x93);
        if (k == 0) {
            KT_MR(9, 0x99);
        }
    }
}

/* A cycle: the TCB's CSpace holds the last cap of a CNode that holds the TCB's last cap.
 * Revoking the untyped they came from (the test's cleanup) must take both down. */
KTEST(tcb_delete_cycle_through_own_cspace)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, count_loop, KT_PRIO));
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 4));
    seL4_Word guard = seL4_CNode_CapData_new(0, 60).words[0];
    KT_OK(seL4_TCB_Configure(t->tcb, cn, guard, seL4_CapInitThreadVSpace, 0, t->ipc_vaddr, t->ipc_frame));
    KT_OK(seL4_CNode_Move(cn, 1, 4, KT_ROOT, t->tcb, KT_DEPTH));
    KT_OK(seL4_CNode_Delete(KT_ROOT, cn, KT_DEPTH));
    KT_TRUE(kt_slot_empty(t->tcb));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, kt_pool, KT_DEPTH));
    /* the pool is whole again: a big retype from it works */
    KT_CAP(big, kt_alloc_untyped(kt_pool_bits - 1));
}

/* ==== a deterministic storm of TCB operations on threads doing IPC */

static void serve_forever(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->counter++;
        seL4_ReplyRecv(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 0), &badge, t->arg[1]);
    }
}

static seL4_Word storm_rng = 0x2545f4914f6cdd1dul;
static seL4_Word storm_next(void)
{
    storm_rng ^= storm_rng << 13;
    storm_rng ^= storm_rng >> 7;
    storm_rng ^= storm_rng << 17;
    return storm_rng;
}

static int storm_spawn(kt_thread_t *t, int kind, seL4_CPtr ep, seL4_CPtr reply)
{
    void (*fns[3])(kt_thread_t *) = {count_loop, call_and_count, serve_forever};
    if (kt_thread_new(t, fns[kind], KT_PRIO - (seL4_Word)(storm_next() % 3)) != 0) {
        return -1;
    }
    t->arg[0] = ep;
    t->arg[1] = reply;
    return kt_thread_start(t);
}

KTEST(tcb_operation_storm_keeps_kernel_consistent)
{
    enum { N = 6 };
    KT_CAP(ep, endpoint());
    seL4_CPtr replies[N];
    for (int i = 0; i < N; i++) {
        replies[i] = kt_alloc(seL4_ReplyObject, 0);
        KT_TRUE(replies[i] != 0);
        KT_DO(storm_spawn(&kt_threads[i], i % 3, ep, replies[i]));
    }
    bool alive[N] = {true, true, true, true, true, true};
    for (int step = 0; step < 300; step++) {
        int i = (int)(storm_next() % N);
        kt_thread_t *t = &kt_threads[i];
        seL4_Word op = storm_next() % 11;
        if (!alive[i]) {
            continue;
        }
        seL4_Word regs[USER_CONTEXT_WORDS];
        switch (op) {
        case 0: KT_OK(seL4_TCB_Suspend(t->tcb)); break;
        case 1: KT_OK(seL4_TCB_Resume(t->tcb)); break;
        case 2: KT_OK(seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, KT_PRIO - storm_next() % 4)); break;
        case 3: KT_DO(read_regs(t->tcb, storm_next() & 1, USER_CONTEXT_WORDS, regs)); break;
        case 4:
            KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
            alive[i] = false;
            break;
        case 5: KT_OK(seL4_TCB_SetTLSBase(t->tcb, t->regs.tp)); break;
        case 6: KT_OK(seL4_TCB_SetFlags(t->tcb, 1, 0).error); break;
        case 7: /* its own registers back, resumed: it restarts where it stood */
            KT_DO(read_regs(t->tcb, false, USER_CONTEXT_WORDS, regs));
            KT_OK(seL4_TCB_WriteRegisters(t->tcb, 1, 0, USER_CONTEXT_WORDS, (seL4_UserContext *)regs));
            break;
        case 8: KT_OK(seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, 0, 0)); break;
        case 9: {
            /* a blocked thread takes its SC back only if the SC is released */
            seL4_Error e = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, t->sc, 0);
            KT_TRUE(e == seL4_NoError || e == seL4_IllegalOperation);
            break;
        }
        default: yield_n(1); break;
        }
        if (step % 50 == 49) {
            yield_n(3);
        }
    }
    /* everything still works: a fresh server and caller pair exchange messages */
    KT_CAP(ep2, endpoint());
    KT_CAP(r2, kt_alloc(seL4_ReplyObject, 0));
    for (int i = 0; i < N; i++) {
        if (alive[i]) {
            KT_OK(seL4_CNode_Delete(KT_ROOT, kt_threads[i].tcb, KT_DEPTH));
        }
    }
    kt_thread_t *srv = &kt_threads[6], *cli = &kt_threads[7];
    KT_DO(kt_thread_new(srv, serve_forever, KT_PRIO));
    KT_DO(kt_thread_new(cli, call_and_count, KT_PRIO));
    srv->arg[0] = cli->arg[0] = ep2;
    srv->arg[1] = r2;
    KT_DO(kt_thread_start(srv));
    KT_DO(kt_thread_start(cli));
    KT_TRUE(wait_counter(cli, 5, 200));
    KT_GE(srv->counter, 5);
}

/* The invoker disables and re-enables its own FPU: its live registers are saved first. */
KTEST(fpu_disable_and_enable_self_keeps_registers)
{
    seL4_Word v[32];
    fpu_pattern(v, 13);
    fpu_load(v);
    fpu_set_fcsr(0x3);
    seL4_TCB_SetFlags_t off = seL4_TCB_SetFlags(seL4_CapInitThreadTCB, 0, seL4_TCBFlag_fpuDisabled);
    seL4_TCB_SetFlags_t on = seL4_TCB_SetFlags(seL4_CapInitThreadTCB, seL4_TCBFlag_fpuDisabled, 0);
    KT_OK(off.error);
    KT_OK(on.error);
    KT_EQ(off.flags, seL4_TCBFlag_fpuDisabled);
    KT_EQ(on.flags, 0);
    KT_EQ(fpu_mismatches(13, 0x3), 0);
}

static void spin_count(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
    }
}

/* A thread out of budget waits in the release queue; deleting it there must take it out,
 * so its release time passing later wakes nothing. */
KTEST(tcb_delete_thread_waiting_for_budget)
{
    kt_thread_t *t = &kt_threads[0], *u = &kt_threads[1];
    KT_DO(kt_thread_new(t, spin_count, KT_PRIO));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 1000, 5000, 0, 0, 0));
    KT_DO(kt_thread_start(t));
    KT_TRUE(wait_counter(t, 0, 1000));
    yield_n(20); /* it has used its 1 ms: now it waits for the refill */
    KT_OK(seL4_CNode_Delete(KT_ROOT, t->tcb, KT_DEPTH));
    seL4_Word frozen = t->counter;
    yield_n(5000); /* several periods of guest time */
    KT_EQ(t->counter, frozen);
    /* the SC serves another thread (spinning: an MCS Yield would give up the whole budget) */
    KT_DO(kt_thread_new_passive(u, spin_count, KT_PRIO));
    KT_OK(seL4_TCB_SetSchedParams(u->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, t->sc, 0));
    KT_DO(kt_thread_start(u));
    KT_TRUE(wait_counter(u, 2, 5000));
}

/* seL4 checks only the SC's TCB binding: an SC bound to a notification can also be given to
 * a thread (lazy rebind, seL4 PR 523). SetSchedParams also sets the MCP it was given. */
KTEST(tcb_set_sched_params_sc_bound_to_notification_and_mcp)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, notification());
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0));
    KT_OK(seL4_SchedContext_Bind(sc, n));
    KT_OK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, 40, 30, sc, 0));
    KT_CAP(other, kt_alloc(seL4_TCBObject, 0));
    KT_ERR(seL4_TCB_SetPriority(other, tcb, 41), seL4_RangeError);
    KT_MR(1, 40);
    KT_OK(seL4_TCB_SetPriority(other, tcb, 40));
}
