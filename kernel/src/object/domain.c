/* The Domain cap: DomainSet_Set and the domain schedule (DomainSchedule_Configure /
 * SetStart). LarkOS is built as seL4's default configuration: one domain and a schedule of
 * two entries (NUM_DOMAINS + 1), the last of which always stays the end marker. With a
 * single domain every thread is in domain 0 and the schedule never switches domains, so
 * these invocations check and store their arguments in seL4's order and change nothing
 * the scheduler looks at. */
#include <lark/invocation.h>
#include <lark/sched.h>

#define NUM_DOMAINS 1
#define DOMAIN_SCHEDULE_LENGTH (NUM_DOMAINS + 1)
/* An entry packs the domain in its top 8 bits and the duration (ticks) in the other 56. */
#define DSCHED_DOMAIN_SHIFT 56
#define DSCHED_MAX_DURATION (~0ULL >> 8)

/* Entry 0: domain 0 for as long as can be; entry 1: the end marker (0). */
static uint64_t domain_schedule[DOMAIN_SCHEDULE_LENGTH] = {DSCHED_MAX_DURATION, 0};
static word_t domain_schedule_start;

static exception_t domain_set_set(struct invocation *inv)
{
    if (inv->length < 1) {
        return err_truncated_message();
    }
    word_t domain = inv_arg(inv, 0);
    if (domain >= NUM_DOMAINS) {
        return err_invalid_argument(0);
    }
    struct cte *thread = inv_extra_cap(inv, 0);
    if (!thread) {
        return err_truncated_message();
    }
    if (cap_type(thread->cap) != CAP_THREAD) {
        return err_invalid_argument(1);
    }
    tcb_from_cap(thread->cap)->domain = domain;
    return EXCEPTION_NONE;
}

static exception_t domain_schedule_configure(struct invocation *inv)
{
    if (inv->length < 3) {
        return err_truncated_message();
    }
    word_t index = inv_arg(inv, 0), domain = inv_arg(inv, 1), duration = inv_arg(inv, 2);
    if (index >= DOMAIN_SCHEDULE_LENGTH - 1) { /* the last entry stays the end marker */
        return err_range(0, DOMAIN_SCHEDULE_LENGTH - 2);
    }
    if (domain >= NUM_DOMAINS) {
        return err_range(0, NUM_DOMAINS - 1);
    }
    if (duration > DSCHED_MAX_DURATION) {
        return err_invalid_argument(2);
    }
    if (duration == 0 && domain != 0) { /* an end marker is all zero */
        return err_invalid_argument(1);
    }
    if (index == domain_schedule_start && duration == 0) {
        return err_invalid_argument(2);
    }
    domain_schedule[index] = ((uint64_t)domain << DSCHED_DOMAIN_SHIFT) | duration;
    return EXCEPTION_NONE;
}

static exception_t domain_schedule_set_start(struct invocation *inv)
{
    if (inv->length < 1) {
        return err_truncated_message();
    }
    word_t index = inv_arg(inv, 0);
    if (index >= DOMAIN_SCHEDULE_LENGTH) {
        return err_range(0, DOMAIN_SCHEDULE_LENGTH - 1);
    }
    if (domain_schedule[index] == 0) {
        return err_invalid_argument(0);
    }
    domain_schedule_start = index;
    /* seL4 starts the schedule again from the new index: with one domain the current
     * thread simply goes on. */
    sched_reschedule_required();
    return EXCEPTION_NONE;
}

exception_t decode_domain_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case DOMAIN_SET_SET:
        return domain_set_set(inv);
    case DOMAIN_SCHEDULE_CONFIGURE:
        return domain_schedule_configure(inv);
    case DOMAIN_SCHEDULE_SET_START:
        return domain_schedule_set_start(inv);
    default:
        return err_illegal_operation();
    }
}
