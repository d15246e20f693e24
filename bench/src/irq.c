/* irq_to_user: the goldfish RTC of QEMU virt (found in the device tree) raises its alarm
 * interrupt; the handler thread (priority 254, second address space) waits on the
 * notification bound to the IRQ while a priority-253 thread spins in the root VSpace, so the
 * interrupt always lands in user mode.
 *
 * Why it is deterministic: `make bench` boots with -rtc clock=vm, so the RTC counts the
 * virtual clock, which under -icount shift=0 advances one nanosecond per guest instruction,
 * and QEMU stops the CPU exactly at a virtual-clock timer deadline. Reading the RTC and
 * instret in one instruction pair gives their offset; the alarm at RTC time T is raised when
 * instret reaches T - offset, and the figure is the handler's instret after Wait minus that. */
#include "bench.h"
#include "run.h"

#define HANDLER_PRIO 254
#define SPINNER_PRIO 253
/* Virtual ns from arming the alarm to the interrupt: enough for the handler to block. */
#define ALARM_DELAY 20000u
/* The spinner gives up after this many rounds (about 6 instructions each) without an
 * interrupt reaching the handler. */
#define WATCHDOG_SPINS 10000000u

enum {
    RTC_TIME_LOW = 0x00, RTC_TIME_HIGH = 0x04, RTC_ALARM_LOW = 0x08, RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10, RTC_CLEAR_ALARM = 0x14, RTC_CLEAR_INTERRUPT = 0x1c,
};

static volatile uint8_t *rtc;
static seL4_CPtr irq_handler, irq_ntfn;
static uint64_t samples[BENCH_ITERS];
static volatile int interrupts_seen;
static volatile int watchdog_fired, handler_error, clock_drift;
/* Largest change of the RTC-instret offset between two iterations that still counts as the
 * same clock (the pair of loads may straddle a translation-block boundary). */
#define MAX_DRIFT 4

static void rtc_write(unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)(rtc + reg) = v;
}

/* RTC time minus instret, both read at the same point (the load right after rdinstret). */
static uint64_t rtc_offset(uint64_t *rtc_now)
{
    uint64_t count;
    uint32_t lo, hi;
    __asm__ volatile("rdinstret %0\n\t"
                     "lw %1, 0(%3)\n\t"
                     "lw %2, 4(%3)"
                     : "=&r"(count), "=&r"(lo), "=&r"(hi)
                     : "r"(rtc + RTC_TIME_LOW)
                     : "memory");
    *rtc_now = (uint64_t)hi << 32 | lo;
    return *rtc_now - (count + 1); /* the load sees the clock one instruction after the read */
}

static void irq_handler_thread(bench_thread_t *t)
{
    (void)t;
    rtc_write(RTC_CLEAR_INTERRUPT, 1);
    rtc_write(RTC_IRQ_ENABLED, 1);
    uint64_t first_offset = 0;
    for (int i = 0; i < BENCH_ITERS; i++) {
        uint64_t now;
        uint64_t offset = rtc_offset(&now);
        if (i == 0) {
            first_offset = offset;
        } else if (offset - first_offset + MAX_DRIFT > 2 * MAX_DRIFT) {
            clock_drift = 1; /* the RTC does not follow instret: a host clock */
        }
        uint64_t alarm = now + ALARM_DELAY + (uint64_t)(i % 307); /* every tick phase, as bench_phase_shift */
        uint64_t raise = alarm - offset;
        rtc_write(RTC_ALARM_HIGH, (uint32_t)(alarm >> 32));
        rtc_write(RTC_ALARM_LOW, (uint32_t)alarm); /* arms the alarm */
        seL4_Wait(irq_ntfn, NULL);
        uint64_t end = bench_count();
        samples[i] = end - raise;
        rtc_write(RTC_CLEAR_INTERRUPT, 1);
        if (seL4_IRQHandler_Ack(irq_handler) != seL4_NoError) {
            handler_error = 1;
            break;
        }
        interrupts_seen = i + 1;
    }
    rtc_write(RTC_IRQ_ENABLED, 0);
    rtc_write(RTC_CLEAR_ALARM, 1);
}

/* Spins without reading a counter (no CSR access in the loop the interrupt lands in) and
 * gives up when the handler has made no progress for WATCHDOG_SPINS rounds. */
static void spinner_thread(bench_thread_t *t)
{
    (void)t;
    int last = interrupts_seen;
    for (uint64_t idle = 0; idle < WATCHDOG_SPINS; idle++) {
        if (interrupts_seen != last) {
            last = interrupts_seen;
            idle = 0;
        }
    }
    watchdog_fired = 1;
}

void bench_irq(void)
{
    const char *fig = "irq_to_user";
    seL4_Word reg, irq;
    if (bench_fdt_find(bench_bi, "google,goldfish-rtc", &reg, &irq) != 0) {
        bench_error(fig, "no google,goldfish-rtc node with reg and interrupts in the device tree", seL4_NoError);
        return;
    }
    seL4_Word page = reg & ~(seL4_Word)((1u << seL4_PageBits) - 1);
    seL4_CPtr frame = bench_device_frame(page);
    if (frame == 0) {
        return;
    }
    seL4_Word vaddr = bench_vaddr(1);
    seL4_Error err = bench_map(frame, bench_other_space(), vaddr);
    if (err != seL4_NoError) {
        bench_error(fig, "mapping the RTC registers", err);
        return;
    }
    rtc = (volatile uint8_t *)(vaddr + (reg - page));
    irq_handler = bench_slot();
    err = seL4_IRQControl_Get(seL4_CapIRQControl, irq, seL4_CapInitThreadCNode, irq_handler, BENCH_DEPTH);
    if (err != seL4_NoError) {
        bench_error(fig, "IRQControl_Get for the RTC interrupt", err);
        return;
    }
    irq_ntfn = bench_alloc(seL4_NotificationObject, 0);
    err = seL4_IRQHandler_SetNotification(irq_handler, irq_ntfn);
    if (err != seL4_NoError) {
        bench_error(fig, "IRQHandler_SetNotification", err);
        return;
    }
    if (!bench_run2(irq_handler_thread, HANDLER_PRIO, spinner_thread, SPINNER_PRIO)) {
        bench_stalled(fig);
    } else if (watchdog_fired) {
        bench_puts("bench: irq_to_user: ");
        bench_putu((uint64_t)interrupts_seen);
        bench_puts(" interrupts arrived before the watchdog fired\n");
        bench_error(fig, "an RTC alarm interrupt did not reach the handler", seL4_NoError);
    } else if (handler_error) {
        bench_error(fig, "IRQHandler_Ack failed", seL4_NoError);
    } else if (clock_drift) {
        bench_error(fig, "the RTC drifts against instret, so the raise time is unknown (run QEMU with -rtc clock=vm)",
                    seL4_NoError);
    } else {
        bench_report(fig, samples);
    }
}
