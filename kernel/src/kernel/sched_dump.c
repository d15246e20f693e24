/* DebugDumpScheduler: the current thread, the ready queues from the highest priority down
 * and the release queue, one line per thread. */
#include <lark/console.h>
#include <lark/sched.h>

static const char *state_name(word_t s)
{
    static const char *const names[] = {"inactive", "running", "restart", "blocked-recv",
                                        "blocked-send", "blocked-reply", "blocked-ntfn",
                                        "idle"};
    return s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void dump_thread(const char *where, const struct tcb *t)
{
    kprintf("  %s %s prio %lu %s", where, t->name[0] ? t->name : "(unnamed)",
            t->priority, state_name(t->state));
    if (t->sc) {
        kprintf(" sc budget %lu period %lu", t->sc->budget, t->sc->period);
    }
    kputs("\n");
}

void sched_dump(void)
{
    kprintf("scheduler at %lu ticks:\n", ks_cur_time);
    if (ks_cur_thread) {
        dump_thread("current", ks_cur_thread);
    }
    for (int p = MAX_PRIO; p >= 0; p--) {
        for (struct tcb *t = ks_ready.q[p].head; t; t = t->sched_next) {
            dump_thread("ready", t);
        }
    }
    for (struct tcb *t = ks_release_head; t; t = t->release_next) {
        dump_thread("release", t);
    }
}
