/* Cap deletion and revocation, preemptible.
 *
 * The last cap to a CNode or TCB turns into a Zombie (object, slots still to clear) in its
 * own slot. Each step walks from that slot down the chain of zombies found in the last
 * uncleared slot of each zombie's object and does one unit of work at the deepest one:
 * skip an empty slot, delete an ordinary cap, or turn a last CNode/TCB cap into a zombie.
 * Every zombie below the top lives inside its parent's object and objects do not overlap,
 * so the chain has no cycles except through the top slot itself (a CNode holding its own
 * last cap), which is skipped and emptied last. Zombies cannot be moved (cnode.c), so this
 * holds for zombies left by a preempted delete too. */
#include <lark/arch/machine.h>
#include <lark/cnode.h>
#include <lark/irq.h>
#include <lark/objects.h>
#include <lark/syscall.h>
#include <lark/vspace.h>

void cap_finalise(cap_t c, bool final)
{
    switch (cap_type(c)) {
    case CAP_FRAME:
        if (cap_is_mapped(c))
            frame_unmap(c); /* mappings belong to caps, not objects */
        return;
    default:
        break;
    }
    if (!final)
        return;
    switch (cap_type(c)) {
    case CAP_ENDPOINT: endpoint_finalise(cap_kptr(c)); break;
    case CAP_NOTIFICATION: notification_finalise(cap_kptr(c)); break;
    case CAP_REPLY: reply_finalise(cap_kptr(c)); break;
    case CAP_SCHED_CONTEXT: sched_context_finalise(cap_kptr(c)); break;
    case CAP_PAGE_TABLE: page_table_finalise(c); break;
    case CAP_ASID_POOL: asid_pool_finalise(c); break;
    case CAP_IRQ_HANDLER: irq_handler_finalise(cap_irq(c)); break;
    default: break; /* untyped, control caps: nothing to undo */
    }
}

void cte_delete_one(struct cte *slot)
{
    if (cap_is_null(slot->cap))
        return;
    cap_finalise(slot->cap, cte_is_final_cap(slot));
    cte_remove(slot);
}

static bool needs_zombie(const struct cte *s)
{
    word_t t = cap_type(s->cap);
    return (t == CAP_CNODE || t == CAP_THREAD) && cte_is_final_cap(s);
}

static void make_zombie(struct cte *s)
{
    cap_t c = s->cap;
    if (cap_type(c) == CAP_THREAD) {
        struct tcb *t = tcb_from_cap(c);
        tcb_finalise(t);
        fpu_release(t);
        s->cap = cap_zombie(cap_ptr(c), true, 0, TCB_NUM_SLOTS);
    } else {
        s->cap = cap_zombie(cap_ptr(c), false, cap_cnode_radix(c),
                            BIT(cap_cnode_radix(c)));
    }
}

static struct cte *zombie_slots(cap_t z)
{
    if (cap_zombie_is_tcb(z))
        return ((struct tcb *)cap_kptr(z))->slots;
    return cap_kptr(z);
}

/* Where the last step under `top` worked: a live zombie slot on the chain below `top` (or
 * `top` itself), so a step does not walk down from `top` again, which would take time
 * growing with the nesting depth without a poll. Only zombie_step removes zombies, and it
 * drops the hint whenever it removes the hinted or the top slot, so the hint never points
 * at a slot whose object may have been reused. */
static struct {
    struct cte *top, *at;
} walk_hint;

#define DESCENTS_PER_POLL 32

enum step_result { STEP_DONE, STEP_MORE, STEP_PREEMPTED };

/* A zombie removed by a descent leaves the hint at its parent; one the step started from
 * sends the next step down from the top again (its parent is not known). A live hint is
 * never inside a removed zombie's object: that object's slots were all cleared first. */
static void zombie_removed(struct cte *z)
{
    if (z == walk_hint.top)
        walk_hint.top = walk_hint.at = NULL;
    else if (z == walk_hint.at)
        walk_hint.at = walk_hint.top;
}

/* One unit of work on the zombie tree under `top`. */
static enum step_result zombie_step(struct cte *top)
{
    struct cte *z = top;
    if (walk_hint.top == top && walk_hint.at && cap_type(walk_hint.at->cap) == CAP_ZOMBIE)
        z = walk_hint.at;
    for (word_t descents = 0;; descents++) {
        word_t left = cap_zombie_remaining(z->cap);
        if (left == 0) {
            cte_remove(z);
            zombie_removed(z);
            return z == top ? STEP_DONE : STEP_MORE;
        }
        walk_hint.top = top;
        walk_hint.at = z;
        struct cte *x = &zombie_slots(z->cap)[left - 1];
        if (x == top || cap_is_null(x->cap)) {
            z->cap.w1 = left - 1;
            return STEP_MORE;
        }
        if (cap_type(x->cap) == CAP_ZOMBIE) {
            z = x; /* descend */
            if (descents % DESCENTS_PER_POLL == DESCENTS_PER_POLL - 1 && preemption_point()) {
                walk_hint.at = z;
                return STEP_PREEMPTED;
            }
            continue;
        }
        if (needs_zombie(x)) {
            make_zombie(x);
            return STEP_MORE;
        }
        cte_delete_one(x);
        z->cap.w1 = left - 1;
        return STEP_MORE;
    }
}

exception_t cte_delete(struct cte *slot)
{
    if (cap_is_null(slot->cap))
        return EXCEPTION_NONE;
    if (cap_type(slot->cap) != CAP_ZOMBIE) {
        if (!needs_zombie(slot)) {
            cte_delete_one(slot);
            return EXCEPTION_NONE;
        }
        make_zombie(slot);
    }
    for (;;) {
        enum step_result r = zombie_step(slot);
        if (r == STEP_DONE)
            return EXCEPTION_NONE;
        if (r == STEP_PREEMPTED || preemption_point())
            return EXCEPTION_PREEMPTED;
    }
}

exception_t cte_revoke(struct cte *slot)
{
    for (;;) {
        struct cte *next = cte_first_child(slot);
        if (!next)
            return EXCEPTION_NONE;
        exception_t e = cte_delete(next);
        if (e != EXCEPTION_NONE)
            return e;
        if (preemption_point())
            return EXCEPTION_PREEMPTED;
    }
}
