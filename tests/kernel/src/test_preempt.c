/* Bounded preemption: the long kernel operations (revoking a huge derivation tree, deleting
 * a CNode full of caps, deleting a chain of nested CNodes, resetting a big untyped) run
 * while a higher-priority periodic thread makes the timer fire. Each must finish correctly,
 * be preempted and restarted, never run longer between two polls for a pending interrupt
 * than the kernel's WCET estimate, and not longer at ten times the size than at the smaller
 * size (+10%). The figures come from the LarkOS PreemptStats debug syscall (-66), which
 * counts retired instructions (the images run under -icount shift=0). */
#include "kt.h"

/* With 128 MiB of RAM the largest untyped the root task gets is 32 MiB; the 64 MiB reset
 * needs a bigger guest (tests/kernel/run-images.sh reads this line): */
/* kt-guest-ram: 256M */

#define TICKER_PRIO (KT_PRIO + 10)
/* Twice the kernel's minimum: with exactly the minimum, any use leaves less than the minimum
 * and every syscall of the thread is restarted for lack of budget (as in seL4). */
#define TICKER_BUDGET_US 40
#define TICKER_PERIOD_US 80 /* a timer interrupt every 80,000 instructions */
/* The kernel's own worst-case entry estimate (kernel/include/lark/mcs_refill.h,
 * KERNEL_WCET_US = 10 us) in instructions: one instruction a nanosecond under icount. MCS
 * budgets rely on it, so no stretch without a poll may exceed it. */
#define KERNEL_WCET_INSTRUCTIONS 10000
#define CAPS_PER_CNODE_BITS 12
#define SLOT_BITS 5
#define PAGE_BITS 12

typedef struct {
    seL4_Word worst, restarts, ticker_runs;
} figures_t;

static kt_thread_t ticker;

/* Wakes once a period, counts, and gives the rest of its budget back. */
static void tick(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
        seL4_Yield();
    }
}

static void ticker_start(void)
{
    KT_DO(kt_thread_new(&ticker, tick, TICKER_PRIO));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), ticker.sc, TICKER_BUDGET_US,
                                           TICKER_PERIOD_US, 0, 0, 0));
    KT_DO(kt_thread_start(&ticker));
    KT_GE(ticker.counter, 1); /* higher priority: it ran at once */
}

static seL4_Word window_open(void)
{
    (void)lark_PreemptStats();
    return ticker.counter;
}

static figures_t window_close(const char *op, seL4_Word ticker_before)
{
    lark_PreemptStats_t s = lark_PreemptStats();
    figures_t f = {s.worstStretch, s.restarts, ticker.counter - ticker_before};
    kt_printf("preempt: %s: worst %lu instructions with an interrupt pending, %lu restarts\n", op,
              f.worst, f.restarts);
    kt_printf("preempt: %s: (worst kind %lu, worst ending pending %lu, %lu points, %lu entries, "
              "ticker ran %lu times)\n",
              op, s.worstKind, s.worstPendingStretch, s.points, s.entries, f.ticker_runs);
    return f;
}

static void check_preempted(const figures_t *f)
{
    KT_GE(f->restarts, 1);
    KT_GE(f->ticker_runs, 1);
    KT_LE(f->worst, KERNEL_WCET_INSTRUCTIONS);
}

/* The larger run may not poll less often than the smaller one (10% slack). */
static void check_bounded(const figures_t *small, const figures_t *large)
{
    KT_LE(large->worst, small->worst + small->worst / 10);
}

/* Slot `index` of a CNode of `radix` bits (named by a root cptr) holds no cap: a Copy from
 * it fails on the source. */
static bool cnode_slot_empty(seL4_CPtr cnode, seL4_Word index, seL4_Word radix, seL4_CPtr scratch)
{
    seL4_Error err = seL4_CNode_Copy(KT_ROOT, scratch, KT_DEPTH, cnode, index, (seL4_Uint8)radix,
                                     seL4_AllRights);
    if (err == seL4_NoError) {
        seL4_CNode_Delete(KT_ROOT, scratch, KT_DEPTH);
        return false;
    }
    return err == seL4_FailedLookup;
}

/* An endpoint alone in a small untyped: once every cap to it and its copies is gone, the
 * untyped reports itself whole again. */
static seL4_CPtr lonely_endpoint(seL4_CPtr *ut)
{
    *ut = kt_alloc_untyped(PAGE_BITS);
    if (*ut == 0) {
        return 0;
    }
    seL4_CPtr ep = kt_slot();
    if (ep == 0) {
        return 0;
    }
    seL4_Error err = seL4_Untyped_Retype(*ut, seL4_EndpointObject, 0, KT_ROOT, 0, 0, ep, 1);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "endpoint retype: %s", kt_err_name(err));
        return 0;
    }
    return ep;
}

/* Half plain copies, half badged mints: all children of the original endpoint cap. */
static seL4_Error derive_into(seL4_CPtr cnode, seL4_Word index, seL4_Word radix, seL4_CPtr ep,
                              seL4_Word i)
{
    if (i % 2 == 0) {
        return seL4_CNode_Copy(cnode, index, (seL4_Uint8)radix, KT_ROOT, ep, KT_DEPTH,
                               seL4_AllRights);
    }
    return seL4_CNode_Mint(cnode, index, (seL4_Uint8)radix, KT_ROOT, ep, KT_DEPTH, seL4_AllRights,
                           i + 1);
}

static void ut_whole(seL4_CPtr ut, seL4_Word bytes)
{
    lark_Untyped_Describe_t d = lark_Untyped_Describe(ut);
    KT_OK(d.error);
    KT_EQ(d.remainingBytes, bytes);
}

/* ---- revoke of a derivation tree of n caps spread over CNodes */

#define REVOKE_MAX_CNODES 4

static void revoke_run(seL4_Word n, figures_t *out)
{
    const seL4_Word per = 1ul << CAPS_PER_CNODE_BITS;
    seL4_CPtr cnodes[REVOKE_MAX_CNODES];
    seL4_Word ncnodes = (n + per - 1) / per;
    KT_LE(ncnodes, REVOKE_MAX_CNODES);
    seL4_CPtr ep_ut;
    KT_CAP(ep, lonely_endpoint(&ep_ut));
    for (seL4_Word c = 0; c < ncnodes; c++) {
        cnodes[c] = kt_alloc(seL4_CapTableObject, CAPS_PER_CNODE_BITS);
        if (cnodes[c] == 0) {
            return;
        }
    }
    for (seL4_Word i = 0; i < n; i++) {
        seL4_Error err = derive_into(cnodes[i / per], i % per, CAPS_PER_CNODE_BITS, ep, i);
        if (err != seL4_NoError) {
            KT_FAIL("derived cap %lu of %lu: %s", i, n, kt_err_name(err));
        }
    }

    char op[48];
    kt_snprintf(op, sizeof(op), "revoke of %lu caps", n);
    seL4_Word before = window_open();
    seL4_Error err = seL4_CNode_Revoke(KT_ROOT, ep, KT_DEPTH);
    *out = window_close(op, before);
    KT_OK(err);

    KT_CAP(scratch, kt_slot());
    for (seL4_Word i = 0; i < n; i++) {
        if (!cnode_slot_empty(cnodes[i / per], i % per, CAPS_PER_CNODE_BITS, scratch)) {
            KT_FAIL("derived cap %lu of %lu survived the revoke", i, n);
        }
    }
    KT_EQ(seL4_DebugCapIdentify(ep), KT_CAP_ENDPOINT);
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    ut_whole(ep_ut, 1ul << PAGE_BITS); /* no derived cap is left anywhere */
    check_preempted(out);
}

KTEST(preempt_revoke_10000_caps_bounded)
{
    ticker_start();
    if (kt_failed()) {
        return;
    }
    figures_t small, large;
    revoke_run(1000, &small);
    if (kt_failed()) {
        return;
    }
    revoke_run(10000, &large);
    if (kt_failed()) {
        return;
    }
    check_bounded(&small, &large);
}

/* ---- delete of the last cap to a CNode whose every slot holds a cap */

static void cnode_delete_run(seL4_Word radix, figures_t *out)
{
    seL4_Word slots = 1ul << radix;
    seL4_Word cn_bytes = 1ul << (radix + SLOT_BITS);
    KT_CAP(cn_ut, kt_alloc_untyped(radix + SLOT_BITS));
    KT_CAP(cn, kt_slot());
    KT_OK(seL4_Untyped_Retype(cn_ut, seL4_CapTableObject, radix, KT_ROOT, 0, 0, cn, 1));
    seL4_CPtr ep_ut;
    KT_CAP(ep, lonely_endpoint(&ep_ut));
    for (seL4_Word i = 0; i < slots; i++) {
        seL4_Error err = derive_into(cn, i, radix, ep, i);
        if (err != seL4_NoError) {
            KT_FAIL("slot %lu of %lu: %s", i, slots, kt_err_name(err));
        }
    }

    char op[48];
    kt_snprintf(op, sizeof(op), "delete of a CNode of 2^%lu slots", radix);
    seL4_Word before = window_open();
    seL4_Error err = seL4_CNode_Delete(KT_ROOT, cn, KT_DEPTH);
    *out = window_close(op, before);
    KT_OK(err);

    KT_TRUE(kt_slot_empty(cn));
    ut_whole(cn_ut, cn_bytes); /* the CNode object is gone */
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    ut_whole(ep_ut, 1ul << PAGE_BITS); /* so is every cap it held */
    check_preempted(out);
}

KTEST(preempt_cnode_delete_2_14_slots_bounded)
{
    ticker_start();
    if (kt_failed()) {
        return;
    }
    figures_t small, large;
    cnode_delete_run(10, &small);
    if (kt_failed()) {
        return;
    }
    cnode_delete_run(14, &large);
    if (kt_failed()) {
        return;
    }
    check_bounded(&small, &large);
}

/* ---- reset of an untyped that was full of frames */

#define RESET_SMALL_BITS 22 /* 4 MiB */
#define RESET_LARGE_BITS 26 /* 64 MiB */

static void reset_run(seL4_CPtr ut, seL4_Word bits, figures_t *out)
{
    seL4_Word frames = 1ul << (bits - PAGE_BITS);
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, bits - PAGE_BITS));
    for (seL4_Word off = 0; off < frames; off += seL4_UntypedRetypeMaxObjects) {
        seL4_Word n = frames - off < seL4_UntypedRetypeMaxObjects ? frames - off
                                                                    : seL4_UntypedRetypeMaxObjects;
        KT_OK(seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, cn, KT_DEPTH, off, n));
    }
    lark_Untyped_Describe_t d = lark_Untyped_Describe(ut);
    KT_OK(d.error);
    KT_EQ(d.remainingBytes, 0);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    ut_whole(ut, 1ul << bits);

    /* no children left: this Retype first clears the whole untyped */
    KT_CAP(frame, kt_slot());
    char op[48];
    kt_snprintf(op, sizeof(op), "reset of a %lu MiB untyped", 1ul << (bits - 20));
    seL4_Word before = window_open();
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, frame, 1);
    *out = window_close(op, before);
    KT_OK(err);

    KT_EQ(seL4_DebugCapIdentify(frame), KT_CAP_FRAME);
    d = lark_Untyped_Describe(ut);
    KT_OK(d.error);
    KT_EQ(d.remainingBytes, (1ul << bits) - (1ul << PAGE_BITS)); /* reset to the one frame */
    check_preempted(out);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
}

/* The largest RAM untyped other than the pool. */
static seL4_CPtr second_untyped(seL4_Word *bits)
{
    seL4_CPtr best = 0;
    *bits = 0;
    for (seL4_CPtr cap = kt_bi->untyped.start; cap < kt_bi->untyped.end; cap++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[cap - kt_bi->untyped.start];
        const lark_bootinfo_lark_t *lark = lark_bootinfo_find_lark(kt_bi);
        bool tainted = lark != NULL && cap >= lark->tainted.start && cap < lark->tainted.end;
        if (cap == kt_pool || d->isDevice || tainted) {
            continue;
        }
        if (d->sizeBits > *bits) {
            best = cap;
            *bits = d->sizeBits;
        }
    }
    return best;
}

/* The pool is the largest untyped; when it is the one to reset, nothing else may come from
 * it (a child would stop the reset), so helpers and CNodes come from the second largest. */
static void untyped_reset_runs(seL4_CPtr large_ut, seL4_Word large_bits)
{
    ticker_start();
    if (kt_failed()) {
        return;
    }
    figures_t small, large;
    KT_CAP(small_ut, kt_alloc_untyped(RESET_SMALL_BITS));
    reset_run(small_ut, RESET_SMALL_BITS, &small);
    if (kt_failed()) {
        return;
    }
    reset_run(large_ut, large_bits, &large);
    if (kt_failed()) {
        return;
    }
    check_bounded(&small, &large);
}

KTEST(preempt_untyped_reset_64_mib_bounded)
{
    seL4_CPtr pool = kt_pool;
    seL4_Word pool_bits = kt_pool_bits;
    seL4_CPtr large_ut = pool;
    seL4_Word large_bits = pool_bits;
    if (pool_bits > RESET_LARGE_BITS) {
        KT_CAP(child, kt_alloc_untyped(RESET_LARGE_BITS));
        large_ut = child;
        large_bits = RESET_LARGE_BITS;
    } else if (pool_bits < RESET_LARGE_BITS) {
        kt_printf("preempt: the largest untyped is 2^%lu bytes, not 64 MiB: resetting that\n",
                  pool_bits);
    }
    seL4_Word side_bits;
    seL4_CPtr side = large_ut == pool ? second_untyped(&side_bits) : pool;
    if (large_ut != pool) {
        side_bits = pool_bits;
    }
    KT_TRUE(side != 0);
    KT_GE(side_bits, RESET_SMALL_BITS + 1);
    kt_pool = side;
    kt_pool_bits = side_bits;
    untyped_reset_runs(large_ut, large_bits);
    kt_pool = pool;
    kt_pool_bits = pool_bits;
}

/* ---- delete of a chain of CNodes, each holding the last cap to the next */

#define CHAIN_RADIX 1
#define CHAIN_UT_BITS 17 /* room for 2048 CNodes of 2 slots */

static void chain_delete_run(seL4_Word depth, figures_t *out)
{
    KT_CAP(cn_ut, kt_alloc_untyped(CHAIN_UT_BITS));
    seL4_CPtr ep_ut;
    KT_CAP(ep, lonely_endpoint(&ep_ut));
    seL4_CPtr first = 0;
    for (seL4_Word i = 0; i < depth; i++) {
        KT_CAP(cn, kt_slot());
        if (i == 0) {
            first = cn;
        }
        KT_OK(seL4_Untyped_Retype(cn_ut, seL4_CapTableObject, CHAIN_RADIX, KT_ROOT, 0, 0, cn, 1));
        KT_OK(derive_into(cn, 1, CHAIN_RADIX, ep, i));
    }
    /* from the deepest up, so each parent is still reachable from the root CNode */
    for (seL4_Word i = depth - 1; i > 0; i--) {
        KT_OK(seL4_CNode_Move(first + i - 1, 0, CHAIN_RADIX, KT_ROOT, first + i, KT_DEPTH));
    }

    char op[48];
    kt_snprintf(op, sizeof(op), "delete of a chain of %lu CNodes", depth);
    seL4_Word before = window_open();
    seL4_Error err = seL4_CNode_Delete(KT_ROOT, first, KT_DEPTH);
    *out = window_close(op, before);
    KT_OK(err);

    KT_TRUE(kt_slot_empty(first));
    ut_whole(cn_ut, 1ul << CHAIN_UT_BITS); /* every CNode of the chain is gone */
    KT_OK(seL4_CNode_Delete(KT_ROOT, ep, KT_DEPTH));
    ut_whole(ep_ut, 1ul << PAGE_BITS); /* and every cap they held */
    check_preempted(out);
}

KTEST(preempt_cnode_chain_delete_bounded)
{
    ticker_start();
    if (kt_failed()) {
        return;
    }
    figures_t small, large;
    /* The walk polls every 32 levels: the small chain must hold several whole polling
     * intervals too, or its worst stretch is some unrelated shorter entry and the
     * comparison says nothing about growth with depth. */
    chain_delete_run(300, &small);
    if (kt_failed()) {
        return;
    }
    chain_delete_run(1000, &large);
    if (kt_failed()) {
        return;
    }
    check_bounded(&small, &large);
}

/* ---- Retype of a 2 MiB frame: seL4 never zeroes a new object, the reset before it does */

#define MEGA_PAGE_BITS 21
#define MEGA_RETYPE_SMALL_BITS 21 /* the frame fills the untyped */
/* the image's largest untyped (the pool) is 64 MiB and also holds the ticker and the small
 * run, so 32 MiB is the largest aligned block left in it */
#define MEGA_RETYPE_LARGE_BITS 25

/* Fill the untyped with 2 MiB frames and revoke them: its watermark stays at the top, so the
 * next Retype must clear all of it first. */
static void mega_pages_fill_and_revoke(seL4_CPtr ut, seL4_Word bits)
{
    seL4_Word n = 1ul << (bits - MEGA_PAGE_BITS);
    seL4_CPtr first = kt_slot();
    for (seL4_Word i = 1; i < n; i++) {
        kt_slot();
    }
    KT_OK(seL4_Untyped_Retype(ut, seL4_RISCV_Mega_Page, 0, KT_ROOT, 0, 0, first, n));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    ut_whole(ut, 1ul << bits);
}

/* One 2 MiB frame from an untyped of 2^bits that was used to the top: the same object
 * work at either size, only the reset grows. */
static void mega_retype_run(seL4_Word bits, figures_t *out)
{
    KT_CAP(ut, kt_alloc_untyped(bits));
    mega_pages_fill_and_revoke(ut, bits);
    if (kt_failed()) {
        return;
    }
    KT_CAP(frame, kt_slot());
    char op[64];
    kt_snprintf(op, sizeof(op), "retype of a 2 MiB frame from a used %lu MiB untyped",
                1ul << (bits - 20));
    seL4_Word before = window_open();
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_Mega_Page, 0, KT_ROOT, 0, 0, frame, 1);
    *out = window_close(op, before);
    KT_OK(err);
    KT_EQ(seL4_DebugCapIdentify(frame), KT_CAP_FRAME);
    lark_Untyped_Describe_t d = lark_Untyped_Describe(ut);
    KT_OK(d.error);
    KT_EQ(d.remainingBytes, (1ul << bits) - (1ul << MEGA_PAGE_BITS));
    check_preempted(out);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
}

KTEST(preempt_retype_mega_page_bounded)
{
    ticker_start();
    if (kt_failed()) {
        return;
    }
    figures_t small, large;
    mega_retype_run(MEGA_RETYPE_SMALL_BITS, &small);
    if (kt_failed()) {
        return;
    }
    mega_retype_run(MEGA_RETYPE_LARGE_BITS, &large);
    if (kt_failed()) {
        return;
    }
    check_bounded(&small, &large);
}

KTEST(preempt_retype_mega_page_without_reset_is_short)
{
    /* A child keeps the untyped from being reset: the 2 MiB frame comes from zero memory
     * above the watermark, and creating it is one short stretch, not 2 MiB of stores. */
    KT_CAP(ut, kt_alloc_untyped(MEGA_PAGE_BITS + 1));
    KT_CAP(small, kt_slot());
    KT_OK(seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, small, 1));
    KT_CAP(mega, kt_slot());
    seL4_Word before = window_open();
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_Mega_Page, 0, KT_ROOT, 0, 0, mega, 1);
    figures_t f = window_close("retype of a 2 MiB frame above the watermark", before);
    KT_OK(err);
    KT_EQ(seL4_DebugCapIdentify(mega), KT_CAP_FRAME);
    KT_EQ(f.restarts, 0);
    KT_LE(f.worst, KERNEL_WCET_INSTRUCTIONS);
}

KTEST(preempt_retype_256_frames_above_the_watermark)
{
    /* The objects of one Retype are made in one stretch (seL4's createNewObjects has no
     * preemption point either; the fan-out limit of 256 bounds it): with nothing to zero it
     * must stay within the kernel's WCET estimate. */
    KT_CAP(ut, kt_alloc_untyped(21));
    KT_CAP(small, kt_slot());
    KT_OK(seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, small, 1));
    seL4_CPtr first = kt_slot();
    for (seL4_Word i = 1; i < seL4_UntypedRetypeMaxObjects; i++) {
        kt_slot();
    }
    seL4_Word before = window_open();
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, first,
                                         seL4_UntypedRetypeMaxObjects);
    figures_t f = window_close("retype of 256 4 KiB frames above the watermark", before);
    KT_OK(err);
    KT_EQ(seL4_DebugCapIdentify(first + seL4_UntypedRetypeMaxObjects - 1), KT_CAP_FRAME);
    KT_LE(f.worst, KERNEL_WCET_INSTRUCTIONS);
}
