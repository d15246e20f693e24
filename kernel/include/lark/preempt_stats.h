/* Preemption latency bookkeeping (src/kernel/preempt_stats.c).
 *
 * The kernel runs with interrupts off and only notices a pending interrupt where it polls
 * for one: at preemption points, and on the way out (return to user, or the idle wait).
 * These counters record, in retired instructions (rdinstret; one instruction per virtual
 * nanosecond under -icount shift=0), the longest stretch of one kernel entry without such a
 * poll, which is the worst delay an interrupt that became pending in that stretch saw. */
#ifndef LARK_PREEMPT_STATS_H
#define LARK_PREEMPT_STATS_H
#include "types.h"

/* LarkOS debug syscall: read and reset the figures (layout in kernel/README.md). */
#define SYS_LARK_PREEMPT_STATS (-66)

/* Where the worst stretch ended and started (reply a5). */
enum preempt_stretch_kind {
    STRETCH_NONE = 0,
    STRETCH_ENTRY_TO_POINT = 1, /* kernel entry to its first preemption point */
    STRETCH_POINT_TO_POINT = 2, /* between two consecutive preemption points */
    STRETCH_POINT_TO_EXIT = 3,  /* last preemption point to the return to user / idle */
    STRETCH_ENTRY_TO_EXIT = 4,  /* an entry that never reached a preemption point */
};

/* Nothing is recorded until the first PreemptStats call: the bookkeeping costs about 30
 * instructions per slowpath kernel entry, which only a measurement should pay. */
extern bool preempt_stats_enabled;
void preempt_stats_record_entry(void);
void preempt_stats_record_point(bool pending);
void preempt_stats_record_exit(void);

/* Trap entry (and the wake-up from the idle wait): a stretch starts. */
static inline void preempt_stats_entry(void)
{
    if (preempt_stats_enabled)
        preempt_stats_record_entry();
}
/* A preemption point polled; `pending` says whether it found an interrupt (a restart). */
static inline void preempt_stats_point(bool pending)
{
    if (preempt_stats_enabled)
        preempt_stats_record_point(pending);
}
/* Return to user or switch to the idle wait: the stretch ends. */
static inline void preempt_stats_exit(void)
{
    if (preempt_stats_enabled)
        preempt_stats_record_exit();
}

struct preempt_figures {
    word_t worst;         /* longest stretch, instructions */
    word_t restarts;      /* preemption points that found an interrupt pending */
    word_t worst_pending; /* longest stretch that ended with an interrupt pending */
    word_t points;        /* preemption points polled */
    word_t entries;       /* kernel entries */
    word_t worst_kind;    /* enum preempt_stretch_kind of `worst` */
};
/* The figures since the last call, then start a new window (the stretch in progress goes
 * on and counts in the new window). The first call turns recording on. */
struct preempt_figures preempt_stats_take(void);

#endif
