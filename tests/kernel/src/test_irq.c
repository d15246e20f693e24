/* Interrupts: IRQControl_Get / GetTrigger with every argument error, IRQHandler SetNotification,
 * Ack and Clear, and a real device interrupt: the goldfish RTC of QEMU virt raises its alarm
 * IRQ through the PLIC and the kernel signals the handler's notification. Device address and
 * IRQ number come from the device tree the root task gets. The tests run bottom-up. */
#include "kt.h"

#define RTC_BADGE 0x80
#define TIMEOUT_BADGE 0x1
#define MS 1000000ul /* RTC time is in ns */

/* goldfish RTC registers (32-bit): time and alarm in ns */
enum {
    RTC_TIME_LOW = 0x00 / 4,
    RTC_TIME_HIGH = 0x04 / 4,
    RTC_ALARM_LOW = 0x08 / 4,
    RTC_ALARM_HIGH = 0x0c / 4,
    RTC_IRQ_ENABLED = 0x10 / 4,
    RTC_CLEAR_ALARM = 0x14 / 4,
    RTC_ALARM_STATUS = 0x18 / 4,
    RTC_CLEAR_INTERRUPT = 0x1c / 4,
};

static const void *fdt(seL4_Word *size)
{
    return lark_bootinfo_find_fdt(kt_bi, size);
}

/* The PLIC's number of sources (riscv,ndev): seL4's PLIC_MAX_IRQ for QEMU virt. */
static seL4_Word plic_ndev(void)
{
    seL4_Word size;
    const void *f = fdt(&size), *v;
    if (f == NULL || kt_fdt_prop(f, size, "plic@", "riscv,ndev", &v) != 4) {
        kt_fail(__FILE__, __LINE__, "no riscv,ndev in the PLIC node of the device tree");
        return 0;
    }
    return kt_be32(v);
}

static seL4_Word rtc_irq(void)
{
    seL4_Word size, irq;
    const void *f = fdt(&size);
    if (f == NULL || kt_fdt_irq(f, size, "rtc@", &irq) != 0) {
        kt_fail(__FILE__, __LINE__, "no interrupts property in the rtc node of the device tree");
        return 0;
    }
    return irq;
}

/* An IRQ no other test uses and the kernel never claims for itself: a virtio slot. */
static seL4_Word spare_irq(void)
{
    return 1;
}

static seL4_CPtr get_handler(seL4_Word irq)
{
    seL4_CPtr slot = kt_slot();
    if (slot == 0) {
        return 0;
    }
    seL4_Error err = seL4_IRQControl_Get(seL4_CapIRQControl, irq, KT_ROOT, slot, KT_DEPTH);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "IRQControl_Get(%lu): %s", irq, kt_err_name(err));
        return 0;
    }
    return slot;
}

/* ---- the goldfish RTC, mapped from the device untyped that covers it */

static int ctz(seL4_Word w)
{
    int n = 0;
    while (n < 63 && !(w & (1ul << n))) {
        n++;
    }
    return n;
}

static int log2_floor(seL4_Word w)
{
    int n = 0;
    while (w >>= 1) {
        n++;
    }
    return n;
}

/* Retypes the device untyped `ut` (at `base`) up to `target`, then one frame there. */
static seL4_CPtr device_frame(seL4_CPtr ut, seL4_Word base, seL4_Word target)
{
    seL4_Word at = 0, want = target - base;
    while (at < want) {
        int bits = log2_floor(want - at);
        if (at != 0 && ctz(at) < bits) {
            bits = ctz(at);
        }
        seL4_CPtr filler = kt_slot();
        if (filler == 0) {
            return 0;
        }
        seL4_Error err = seL4_Untyped_Retype(ut, seL4_UntypedObject, (seL4_Word)bits, KT_ROOT, 0, 0,
                                             filler, 1);
        if (err != seL4_NoError) {
            kt_fail(__FILE__, __LINE__, "retype of a 2^%d filler: %s", bits, kt_err_name(err));
            return 0;
        }
        at += 1ul << bits;
    }
    seL4_CPtr frame = kt_slot();
    if (frame == 0) {
        return 0;
    }
    seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, frame, 1);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "retype of the device frame: %s", kt_err_name(err));
        return 0;
    }
    return frame;
}

static volatile uint32_t *rtc_map(void)
{
    seL4_Word size, addr, len;
    const void *f = fdt(&size);
    if (f == NULL || kt_fdt_reg(f, size, "rtc@", &addr, &len) != 0) {
        kt_fail(__FILE__, __LINE__, "no reg in the rtc node of the device tree");
        return NULL;
    }
    seL4_Word page = addr & ~((1ul << seL4_PageBits) - 1);
    for (seL4_CPtr ut = kt_bi->untyped.start; ut < kt_bi->untyped.end; ut++) {
        const seL4_UntypedDesc *d = &kt_bi->untypedList[ut - kt_bi->untyped.start];
        if (!d->isDevice || page < d->paddr || page - d->paddr >= (1ul << d->sizeBits)) {
            continue;
        }
        /* children of earlier tests are gone; a revoke makes the next retype start over */
        seL4_Error err = seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH);
        if (err != seL4_NoError) {
            kt_fail(__FILE__, __LINE__, "revoke of the device untyped: %s", kt_err_name(err));
            return NULL;
        }
        seL4_CPtr frame = device_frame(ut, d->paddr, page);
        if (frame == 0) {
            return NULL;
        }
        seL4_Word v = kt_vaddr_pages(1);
        if (kt_map(frame, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes) != 0) {
            return NULL;
        }
        return (volatile uint32_t *)(v + (addr - page));
    }
    kt_fail(__FILE__, __LINE__, "no device untyped covers the RTC at 0x%lx", addr);
    return NULL;
}

static volatile uint32_t *rtc;

static seL4_Word rtc_now(void)
{
    seL4_Word lo = rtc[RTC_TIME_LOW]; /* latches the high half */
    return ((seL4_Word)rtc[RTC_TIME_HIGH] << 32) | lo;
}

static seL4_Word rtc_alarm_in(seL4_Word ns)
{
    seL4_Word when = rtc_now() + ns;
    rtc[RTC_ALARM_HIGH] = (uint32_t)(when >> 32);
    rtc[RTC_ALARM_LOW] = (uint32_t)when; /* arms it */
    return when;
}

static void rtc_quiet(void)
{
    rtc[RTC_IRQ_ENABLED] = 0;
    rtc[RTC_CLEAR_ALARM] = 1;
    rtc[RTC_CLEAR_INTERRUPT] = 1;
}

/* Lower priority than the root task: runs only while the root waits, and signals the
 * notification with TIMEOUT_BADGE once the RTC passes arg1 (so a lost IRQ fails the test
 * instead of hanging the image). */
static void timeout_thread(kt_thread_t *t)
{
    while (rtc_now() < t->arg[1]) {
        seL4_Yield();
    }
    seL4_Signal(t->arg[0]);
}

static int start_timeout(kt_thread_t *t, seL4_CPtr n, seL4_Word deadline)
{
    seL4_CPtr b = kt_mint(n, seL4_CanWrite, TIMEOUT_BADGE);
    if (b == 0 || kt_thread_new(t, timeout_thread, KT_PRIO - 1) != 0) {
        return -1;
    }
    t->arg[0] = b;
    t->arg[1] = deadline;
    return kt_thread_start(t);
}

/* An RTC whose alarm IRQ signals notification `n` with RTC_BADGE through handler `*h`. */
static int rtc_setup(seL4_CPtr n, seL4_CPtr *h)
{
    rtc = rtc_map();
    if (rtc == NULL) {
        return -1;
    }
    rtc_quiet();
    seL4_Word irq = rtc_irq();
    if (irq == 0) {
        return -1;
    }
    *h = get_handler(irq);
    seL4_CPtr b = kt_mint(n, seL4_CanWrite, RTC_BADGE);
    if (*h == 0 || b == 0) {
        return -1;
    }
    seL4_Error err = seL4_IRQHandler_SetNotification(*h, b);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "SetNotification: %s", kt_err_name(err));
        return -1;
    }
    rtc[RTC_IRQ_ENABLED] = 1;
    return 0;
}

/* Spins (yielding) until the RTC passes `when`. */
static void rtc_spin_until(seL4_Word when)
{
    while (rtc_now() < when) {
        seL4_Yield();
    }
}

/* Spins until the armed alarm has gone off (QEMU raises the IRQ line in the same step), at
 * most 3 s of RTC time, then a few more yields for a wrongly unmasked IRQ to show up. */
static int rtc_wait_fired(void)
{
    seL4_Word limit = rtc_now() + 3000 * MS;
    while (rtc[RTC_ALARM_STATUS] != 0) {
        if (rtc_now() > limit) {
            kt_fail(__FILE__, __LINE__, "the RTC alarm never went off");
            return -1;
        }
        seL4_Yield();
    }
    for (int i = 0; i < 100; i++) {
        seL4_Yield();
    }
    return 0;
}

/* ---- a real device interrupt (these block the root task: they run last) */

KTEST(irq_rtc_alarm_wakes_idle_waiter)
{
    /* nothing else runs: the kernel idles until the PLIC raises the RTC's IRQ */
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    seL4_Word when = rtc_alarm_in(2 * MS);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, RTC_BADGE);
    KT_GE(rtc_now(), when);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_rtc_second_alarm_only_after_ack)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    seL4_Word when = rtc_alarm_in(MS);
    KT_DO(start_timeout(&kt_threads[0], n, when + 3000 * MS));
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, RTC_BADGE);
    /* the device is served but the IRQ not acked: the next alarm must stay undelivered */
    rtc[RTC_CLEAR_INTERRUPT] = 1;
    rtc_alarm_in(MS);
    KT_DO(rtc_wait_fired());
    badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
    /* the Ack lets the pending IRQ through */
    KT_OK(seL4_IRQHandler_Ack(h));
    KT_DO(start_timeout(&kt_threads[1], n, rtc_now() + 3000 * MS));
    seL4_Wait(n, &badge);
    KT_EQ(badge, RTC_BADGE);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_rtc_alarm_signals_notification)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    seL4_Word when = rtc_alarm_in(MS);
    KT_DO(start_timeout(&kt_threads[0], n, when + 3000 * MS));
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, RTC_BADGE);
    KT_GE(rtc_now(), when);
    KT_EQ(rtc[RTC_ALARM_STATUS], 0);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_rtc_badge_ors_with_user_signal)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    KT_CAP(user, kt_mint(n, seL4_CanWrite, 0x2));
    seL4_Signal(user);
    rtc_alarm_in(MS);
    KT_DO(rtc_wait_fired());
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, RTC_BADGE | 0x2);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_rtc_undelivered_while_cleared_then_delivered_after_ack)
{
    /* no notification when the IRQ comes: it is taken and held until the Ack */
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    KT_OK(seL4_IRQHandler_Clear(h));
    rtc_alarm_in(MS);
    KT_DO(rtc_wait_fired());
    KT_CAP(b, kt_mint(n, seL4_CanWrite, RTC_BADGE));
    KT_OK(seL4_IRQHandler_SetNotification(h, b));
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
    /* the device still asserts its line: once acked the IRQ comes again. (QEMU's PLIC only
     * re-samples a level when the device updates it: touch the RTC after the Ack.) */
    KT_OK(seL4_IRQHandler_Ack(h));
    rtc[RTC_IRQ_ENABLED] = 1;
    KT_DO(start_timeout(&kt_threads[0], n, rtc_now() + 3000 * MS));
    seL4_Wait(n, &badge);
    KT_EQ(badge, RTC_BADGE);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_rtc_notification_revoked_with_its_untyped)
{
    /* the kernel's copy of the handler's notification cap goes with the object: an IRQ
     * afterwards finds no notification, and a new one can be set */
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr n = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KT_ROOT, 0, 0, n, 1));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(n));
    /* the same memory becomes a new notification: a stale kernel cap would signal it */
    KT_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KT_ROOT, 0, 0, n, 1));
    rtc_alarm_in(MS);
    KT_DO(rtc_wait_fired());
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
    KT_CAP(b, kt_mint(n, seL4_CanWrite, RTC_BADGE));
    KT_OK(seL4_IRQHandler_SetNotification(h, b));
    KT_OK(seL4_IRQHandler_Ack(h));
    rtc[RTC_IRQ_ENABLED] = 1; /* re-assert the still-raised line for QEMU's PLIC */
    KT_DO(start_timeout(&kt_threads[0], n, rtc_now() + 3000 * MS));
    seL4_Wait(n, &badge);
    KT_EQ(badge, RTC_BADGE);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_rtc_deleted_handler_delivers_nothing)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    KT_OK(seL4_CNode_Delete(KT_ROOT, h, KT_DEPTH));
    rtc_alarm_in(MS);
    KT_DO(rtc_wait_fired());
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
    rtc_quiet();
    /* the IRQ is free again */
    KT_CAP(again, get_handler(rtc_irq()));
}

KTEST(irq_rtc_time_advances)
{
    rtc = rtc_map();
    KT_TRUE(rtc != NULL);
    seL4_Word t0 = rtc_now();
    rtc_spin_until(t0 + MS);
    KT_GE(rtc_now(), t0 + MS);
}

/* arg0 = endpoint, arg1 = reply: a receive that the bound notification ends */
static void bound_receiver(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = badge;
}

KTEST(irq_rtc_alarm_reaches_bound_receiver)
{
    /* the IRQ's notification is bound to a thread blocked on an endpoint */
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_CPtr h;
    KT_DO(rtc_setup(n, &h));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, bound_receiver, KT_PRIO));
    KT_OK(seL4_TCB_BindNotification(t->tcb, n));
    t->arg[0] = ep;
    t->arg[1] = reply;
    KT_DO(kt_thread_start(t));
    for (int i = 0; i < 8; i++) {
        seL4_Yield();
    }
    KT_EQ(t->done, 0);
    seL4_Word deadline = rtc_alarm_in(MS) + 3000 * MS;
    while (!t->done && rtc_now() < deadline) {
        seL4_Yield();
    }
    KT_EQ(t->done, 1);
    KT_EQ(t->result[0], RTC_BADGE);
    rtc_quiet();
    KT_OK(seL4_IRQHandler_Ack(h));
}

/* ---- IRQHandler invocations */

KTEST(irq_handler_set_notification_ok)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_IRQHandler_SetNotification(h, n));
    /* replacing it is allowed too */
    KT_CAP(n2, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_IRQHandler_SetNotification(h, n2));
}

KTEST(irq_handler_set_notification_write_only_ok)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(wo, kt_copy(n, seL4_CanWrite));
    KT_OK(seL4_IRQHandler_SetNotification(h, wo));
}

KTEST(irq_handler_set_notification_needs_write)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_CAP(ro, kt_copy(n, seL4_CanRead));
    KT_ERR(seL4_IRQHandler_SetNotification(h, ro), seL4_InvalidCapability);
    KT_MR(0, 0);
}

KTEST(irq_handler_set_notification_not_a_notification)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_ERR(seL4_IRQHandler_SetNotification(h, ep), seL4_InvalidCapability);
    KT_MR(0, 0);
    KT_ERR(seL4_IRQHandler_SetNotification(h, kt_slot()), seL4_InvalidCapability);
    KT_MR(0, 0);
}

KTEST(irq_handler_set_notification_truncated)
{
    KT_CAP(h, get_handler(spare_irq()));
    seL4_MessageInfo_t r = seL4_Call(h, seL4_MessageInfo_new(IRQSetIRQHandler, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_TruncatedMessage);
}

KTEST(irq_handler_ack_and_clear_ok)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_OK(seL4_IRQHandler_Ack(h));
    KT_OK(seL4_IRQHandler_Clear(h)); /* nothing set: still fine */
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_IRQHandler_SetNotification(h, n));
    KT_OK(seL4_IRQHandler_Clear(h));
    KT_OK(seL4_IRQHandler_Ack(h));
}

KTEST(irq_handler_keeps_its_notification_cap_alive)
{
    /* SetNotification copies the cap into the kernel: deleting the user's copy leaves the
     * notification object in place (a Clear then drops the last cap) */
    KT_CAP(h, get_handler(spare_irq()));
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_IRQHandler_SetNotification(h, n));
    KT_OK(seL4_CNode_Delete(KT_ROOT, n, KT_DEPTH));
    KT_OK(seL4_IRQHandler_Clear(h));
}

KTEST(irq_handler_unknown_label_is_illegal)
{
    KT_CAP(h, get_handler(spare_irq()));
    seL4_MessageInfo_t r = seL4_Call(h, seL4_MessageInfo_new(IRQIssueIRQHandler, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_IllegalOperation);
    r = seL4_Call(h, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_IllegalOperation);
}

KTEST(irq_handler_is_identified)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_EQ(seL4_DebugCapIdentify(h), KT_CAP_IRQ_HANDLER);
    KT_EQ(seL4_DebugCapIdentify(seL4_CapIRQControl), KT_CAP_IRQ_CONTROL);
}

KTEST(irq_revoke_of_control_deletes_handlers)
{
    KT_CAP(h, get_handler(spare_irq()));
    KT_CAP(h2, get_handler(spare_irq() + 1));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, seL4_CapIRQControl, KT_DEPTH));
    KT_TRUE(kt_slot_empty(h));
    KT_TRUE(kt_slot_empty(h2));
    KT_EQ(seL4_DebugCapIdentify(seL4_CapIRQControl), KT_CAP_IRQ_CONTROL);
    KT_CAP(again, get_handler(spare_irq()));
}

KTEST(irq_control_cannot_be_copied)
{
    /* seL4's deriveCap turns IRQControl into a null cap: Copy and Mint refuse */
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, slot, KT_DEPTH, KT_ROOT, seL4_CapIRQControl, KT_DEPTH, seL4_AllRights),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(slot));
}

/* ---- IRQControl_Get and GetTrigger */

KTEST(irq_get_every_plic_source)
{
    seL4_Word ndev = plic_ndev();
    KT_TRUE(ndev != 0);
    for (seL4_Word irq = 1; irq <= ndev; irq++) {
        KT_CAP(h, get_handler(irq));
        KT_OK(seL4_CNode_Delete(KT_ROOT, h, KT_DEPTH));
    }
}

KTEST(irq_get_zero_is_range_error)
{
    seL4_Word ndev = plic_ndev();
    KT_TRUE(ndev != 0);
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, 0, KT_ROOT, slot, KT_DEPTH), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, ndev + 1); /* seL4's maxIRQ: the core timer IRQ after the last PLIC source */
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(irq_get_above_plic_is_range_error)
{
    seL4_Word ndev = plic_ndev();
    KT_TRUE(ndev != 0);
    seL4_CPtr slot = kt_slot();
    seL4_Word bad[] = {ndev + 2, 1024, ~0ul};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, bad[i], KT_ROOT, slot, KT_DEPTH), seL4_RangeError);
        KT_MR(0, 1);
        KT_MR(1, ndev + 1);
    }
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(irq_get_twice_is_revoke_first)
{
    KT_CAP(h, get_handler(spare_irq()));
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, slot, KT_DEPTH), seL4_RevokeFirst);
    KT_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, spare_irq(), 1, KT_ROOT, slot, KT_DEPTH),
           seL4_RevokeFirst);
    KT_TRUE(kt_slot_empty(slot));
    /* a copy of the handler does not free it either; deleting every copy does */
    KT_CAP(copy, kt_copy(h, seL4_AllRights));
    KT_OK(seL4_CNode_Delete(KT_ROOT, h, KT_DEPTH));
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, slot, KT_DEPTH), seL4_RevokeFirst);
    KT_OK(seL4_CNode_Delete(KT_ROOT, copy, KT_DEPTH));
    KT_OK(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, slot, KT_DEPTH));
}

KTEST(irq_get_range_checked_before_revoke_first)
{
    KT_CAP(h, get_handler(spare_irq()));
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, 0, KT_ROOT, slot, KT_DEPTH), seL4_RangeError);
    /* and the active check comes before the slot checks: h's own slot is occupied */
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, h, KT_DEPTH), seL4_RevokeFirst);
}

KTEST(irq_get_dest_occupied_is_delete_first)
{
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, n, KT_DEPTH), seL4_DeleteFirst);
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION);
    /* the failed call left the IRQ free */
    KT_CAP(h, get_handler(spare_irq()));
}

KTEST(irq_get_dest_bad_depth_is_range_error)
{
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, slot, 0), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, slot, 65), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_TRUE(kt_slot_empty(slot));
    KT_CAP(h, get_handler(spare_irq()));
}

KTEST(irq_get_dest_root_not_cnode_is_failed_lookup)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), ep, slot, KT_DEPTH), seL4_FailedLookup);
    KT_MR(0, 0); /* the destination, not a source */
    KT_MR(1, seL4_InvalidRoot);
    KT_CAP(h, get_handler(spare_irq()));
}

KTEST(irq_get_dest_short_depth_is_failed_lookup)
{
    /* the root CNode resolves 64 bits (guard and radix 12): 12 bits do not reach a slot */
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), KT_ROOT, slot, 12), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(irq_get_truncated_message)
{
    seL4_SetMR(0, spare_irq());
    seL4_SetMR(1, kt_slot());
    seL4_SetCap(0, KT_ROOT);
    seL4_MessageInfo_t r = seL4_Call(seL4_CapIRQControl, seL4_MessageInfo_new(IRQIssueIRQHandler, 0, 1, 2));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_TruncatedMessage);
    seL4_SetMR(0, spare_irq());
    seL4_SetMR(1, kt_slot());
    seL4_SetMR(2, KT_DEPTH);
    r = seL4_Call(seL4_CapIRQControl, seL4_MessageInfo_new(IRQIssueIRQHandler, 0, 0, 3));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_TruncatedMessage);
}

KTEST(irq_get_trigger_ok_both_modes)
{
    seL4_CPtr edge = kt_slot(), level = kt_slot();
    KT_OK(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 1, 1, KT_ROOT, edge, KT_DEPTH));
    KT_OK(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 2, 0, KT_ROOT, level, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(edge), KT_CAP_IRQ_HANDLER);
    KT_EQ(seL4_DebugCapIdentify(level), KT_CAP_IRQ_HANDLER);
    KT_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, 1, KT_ROOT, kt_slot(), KT_DEPTH), seL4_RevokeFirst);
}

KTEST(irq_get_trigger_argument_errors)
{
    seL4_Word ndev = plic_ndev();
    KT_TRUE(ndev != 0);
    seL4_CPtr slot = kt_slot();
    KT_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 0, 0, KT_ROOT, slot, KT_DEPTH), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, ndev + 1);
    KT_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 4096, 1, KT_ROOT, slot, KT_DEPTH), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, ndev + 1);
    KT_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 1, 1, KT_ROOT, slot, 70), seL4_RangeError);
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 1, 1, KT_ROOT, n, KT_DEPTH), seL4_DeleteFirst);
    KT_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 1, 1, n, slot, KT_DEPTH), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_InvalidRoot);
    KT_TRUE(kt_slot_empty(slot));
    seL4_SetMR(0, 1);
    seL4_SetMR(1, 1);
    seL4_SetMR(2, slot);
    seL4_SetCap(0, KT_ROOT);
    seL4_MessageInfo_t r =
        seL4_Call(seL4_CapIRQControl, seL4_MessageInfo_new(RISCVIRQIssueIRQHandlerTrigger, 0, 1, 3));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_TruncatedMessage);
}

KTEST(irq_control_unknown_label_is_illegal)
{
    seL4_MessageInfo_t r = seL4_Call(seL4_CapIRQControl, seL4_MessageInfo_new(IRQAckIRQ, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_IllegalOperation);
    r = seL4_Call(seL4_CapIRQControl, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_IllegalOperation);
}

KTEST(irq_get_into_child_cnode)
{
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 3));
    KT_OK(seL4_IRQControl_Get(seL4_CapIRQControl, spare_irq(), cn, 5, 3));
    /* the handler works from there: delete it through the child CNode and the IRQ is free */
    KT_OK(seL4_CNode_Delete(cn, 5, 3));
    KT_CAP(h, get_handler(spare_irq()));
}
