/* Preemption latency bookkeeping: see include/lark/preempt_stats.h. */
#include <lark/arch/riscv.h>
#include <lark/preempt_stats.h>

bool preempt_stats_enabled;
static struct preempt_figures figures;
static word_t stretch_start;  /* instret at the start of the stretch in progress */
static bool in_stretch;       /* false outside the kernel and before the first trap */
static bool since_point;      /* the stretch in progress started at a preemption point */

static word_t instret(void) { return csr_read(instret); }

static bool interrupt_pending(void) { return (csr_read(sip) & (SIP_STIP | SIP_SEIP)) != 0; }

static void end_stretch(word_t now, enum preempt_stretch_kind kind, bool pending)
{
    word_t n = now - stretch_start;
    if (n > figures.worst) {
        figures.worst = n;
        figures.worst_kind = kind;
    }
    if (pending && n > figures.worst_pending)
        figures.worst_pending = n;
}

void preempt_stats_record_entry(void)
{
    stretch_start = instret();
    in_stretch = true;
    since_point = false;
    figures.entries++;
}

void preempt_stats_record_point(bool pending)
{
    word_t now = instret();
    if (in_stretch)
        end_stretch(now, since_point ? STRETCH_POINT_TO_POINT : STRETCH_ENTRY_TO_POINT, pending);
    figures.points++;
    if (pending)
        figures.restarts++;
    stretch_start = now;
    in_stretch = true;
    since_point = true;
}

void preempt_stats_record_exit(void)
{
    if (!in_stretch)
        return; /* boot's first return to user is not a kernel entry */
    end_stretch(instret(), since_point ? STRETCH_POINT_TO_EXIT : STRETCH_ENTRY_TO_EXIT,
                interrupt_pending());
    in_stretch = false;
}

struct preempt_figures preempt_stats_take(void)
{
    struct preempt_figures f = figures;
    figures = (struct preempt_figures){0};
    preempt_stats_enabled = true;
    return f;
}
