/* LarkDebugCheckInvariants (syscall -65): the kernel checks its own data structures.
 *
 * No kernel heap: the walk keeps fixed-size tables in .bss (the CNodes and TCBs found so
 * far, breadth first from the caller's CSpace root). When a table fills up the walk goes on
 * without adding more, so a huge CSpace is checked partly, never wrongly. Every list walk is
 * bounded, so a corrupted (looping) list is reported instead of hanging the kernel.
 * The first violation is printed with the object's physical address and returned. */
#include <lark/console.h>
#include <lark/fastpath.h>
#include <lark/invariants.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>

#define MAX_CNODES 512
#define MAX_TCBS 512
#define MAX_QUEUE_STEPS 4096      /* threads in one endpoint / ready / release queue */
#define MAX_MDB_STEPS (1u << 20)  /* slots in one derivation list */

struct slot_range {
    struct cte *slots;
    word_t count;
};

static struct slot_range cnodes[MAX_CNODES];
static unsigned cnode_count;
static struct tcb *tcbs[MAX_TCBS];
static unsigned tcb_count;
static bool walk_truncated;

static word_t violation(word_t code, const char *what, const void *object)
{
    kprintf("LarkDebugCheckInvariants: violation %lu: %s (object %lx)\n", code, what,
            object ? kptr_to_paddr(object) : 0);
    return code;
}

#define CHECK(cond, code, what, object)                                                       \
    do {                                                                                        \
        if (!(cond))                                                                            \
            return violation(code, what, object);                                               \
    } while (0)
#define TRY(call)                                                                               \
    do {                                                                                        \
        word_t try_rc_ = (call);                                                                \
        if (try_rc_ != INV_OK)                                                                  \
            return try_rc_;                                                                     \
    } while (0)

/* ---- the tables of what the walk reached */
static void note_slots(struct cte *slots, word_t count)
{
    for (unsigned i = 0; i < cnode_count; i++) {
        if (cnodes[i].slots == slots)
            return;
    }
    if (cnode_count == MAX_CNODES) {
        walk_truncated = true;
        return;
    }
    cnodes[cnode_count++] = (struct slot_range){slots, count};
}

static void note_tcb(struct tcb *t)
{
    for (unsigned i = 0; i < tcb_count; i++) {
        if (tcbs[i] == t)
            return;
    }
    if (tcb_count == MAX_TCBS) {
        walk_truncated = true;
        return;
    }
    tcbs[tcb_count++] = t;
    /* a TCB's own slots are part of the CSpace graph: its CSpace root may be reachable
     * only from there */
    note_slots(t->slots, TCB_NUM_SLOTS);
}

/* ---- derivation tree */
static word_t check_slot_links(struct cte *s)
{
    struct cte *p = mdb_prev(s), *n = mdb_next(s);
    if (cap_is_null(s->cap)) {
        CHECK(!p && !n, INV_MDB_EMPTY, "empty slot still linked in the MDB", s);
        return INV_OK;
    }
    CHECK(!p || mdb_next(p) == s, INV_MDB_LINK, "MDB prev's next is not this slot", s);
    CHECK(!n || mdb_prev(n) == s, INV_MDB_LINK, "MDB next's prev is not this slot", s);
    CHECK(!p || !cap_is_null(p->cap), INV_MDB_EMPTY, "MDB prev is an empty slot", s);
    CHECK(!n || !cap_is_null(n->cap), INV_MDB_EMPTY, "MDB next is an empty slot", s);
    return INV_OK;
}

static word_t object_bytes(cap_t c) { return BIT(cap_object_size_bits(c)); }

/* The subtree of an untyped (the run of slots after it that Revoke would delete) holds its
 * direct children newest first: each retype inserts its objects right after the untyped,
 * from the watermark up, so direct children are disjoint, in decreasing address order, and
 * the newest ends at or below the watermark. Copies and nested children of a direct child
 * follow it and lie inside its region. */
static word_t check_untyped(struct cte *u)
{
    cap_t uc = u->cap;
    word_t size = BIT(cap_untyped_size_bits(uc));
    word_t used = cap_untyped_free_index(uc);
    CHECK(used <= size, INV_MDB_ORDER, "untyped watermark beyond its size", u);
    paddr_t limit = cap_ptr(uc) + used;
    struct cte *child = NULL;
    word_t steps = 0;
    for (struct cte *n = mdb_next(u); n && cte_is_parent_of(u, n); n = mdb_next(n)) {
        CHECK(++steps <= MAX_MDB_STEPS, INV_MDB_CYCLE, "untyped subtree loops", u);
        if (child && cap_same_region(child->cap, n->cap))
            continue;
        paddr_t base = cap_ptr(n->cap);
        if (base + object_bytes(n->cap) > limit) {
            kprintf("LarkDebugCheckInvariants: untyped %lx 2^%u used %lx, child type %lu at "
                    "%lx 2^%lu, limit %lx\n", cap_ptr(uc), cap_untyped_size_bits(uc), used,
                    cap_type(n->cap), base, cap_object_size_bits(n->cap), limit);
            return violation(INV_MDB_ORDER,
                             "untyped child overlaps a newer child or lies above the watermark",
                             n);
        }
        limit = base;
        child = n;
    }
    return INV_OK;
}

/* From the head of a derivation list to its end: no loop. */
static word_t check_mdb_list(struct cte *head)
{
    word_t steps = 0;
    for (struct cte *n = head; n; n = mdb_next(n))
        CHECK(++steps <= MAX_MDB_STEPS, INV_MDB_CYCLE, "MDB list loops", head);
    return INV_OK;
}

/* ---- IPC objects */
static word_t check_endpoint(struct endpoint *ep)
{
    word_t state = ep_state(ep);
    struct tcb *head = ep_head(ep);
    CHECK(state <= EP_RECV, INV_EP_QUEUE, "endpoint in an unknown state", ep);
    CHECK((state == EP_IDLE) == (head == NULL), INV_EP_QUEUE,
          "endpoint state and queue disagree", ep);
    word_t want = state == EP_SEND ? TS_BLOCKED_ON_SEND : TS_BLOCKED_ON_RECEIVE;
    struct tcb *prev = NULL;
    unsigned steps = 0;
    for (struct tcb *t = head; t; prev = t, t = t->ep_next) {
        CHECK(++steps <= MAX_QUEUE_STEPS, INV_EP_QUEUE, "endpoint queue loops", ep);
        CHECK(t->ep_prev == prev, INV_EP_QUEUE, "endpoint queue back link broken", t);
        CHECK(t->state == want, INV_EP_QUEUE, "queued thread not blocked on this endpoint", t);
        CHECK(t->blocking_object == (word_t)(uintptr_t)ep, INV_EP_QUEUE,
              "queued thread blocked on another object", t);
        note_tcb(t);
    }
    CHECK(ep->tail == prev, INV_EP_QUEUE, "endpoint tail is not the last queued thread", ep);
    return INV_OK;
}

static word_t check_notification(struct notification *n)
{
    CHECK(n->state <= NTFN_ACTIVE, INV_NTFN_QUEUE, "notification in an unknown state", n);
    CHECK((n->state == NTFN_WAITING) == (n->head != NULL), INV_NTFN_QUEUE,
          "notification state and queue disagree", n);
    struct tcb *prev = NULL;
    unsigned steps = 0;
    for (struct tcb *t = n->head; t; prev = t, t = t->ep_next) {
        CHECK(++steps <= MAX_QUEUE_STEPS, INV_NTFN_QUEUE, "notification queue loops", n);
        CHECK(t->ep_prev == prev, INV_NTFN_QUEUE, "notification queue back link broken", t);
        CHECK(t->state == TS_BLOCKED_ON_NOTIFICATION, INV_NTFN_QUEUE,
              "queued thread not blocked on a notification", t);
        CHECK(t->blocking_object == (word_t)(uintptr_t)n, INV_NTFN_QUEUE,
              "queued thread blocked on another object", t);
        note_tcb(t);
    }
    CHECK(n->tail == prev, INV_NTFN_QUEUE, "notification tail is not the last waiter", n);
    CHECK(!n->bound_tcb || n->bound_tcb->bound_notification == n, INV_NTFN_QUEUE,
          "bound TCB does not point back at the notification", n);
    CHECK(!n->sc || n->sc->notification == n, INV_SC_LINK,
          "notification's SC does not point back at it", n);
    if (n->bound_tcb)
        note_tcb(n->bound_tcb);
    return INV_OK;
}

static word_t check_reply(struct reply *r)
{
    if (r->tcb) {
        CHECK(r->tcb->reply == r, INV_REPLY, "reply's thread does not point back at it", r);
        CHECK(r->tcb->state == TS_BLOCKED_ON_REPLY || r->tcb->state == TS_BLOCKED_ON_RECEIVE,
              INV_REPLY, "reply's thread is neither waiting for it nor receiving on it", r);
        note_tcb(r->tcb);
    }
    CHECK(!r->next || r->next->prev == r, INV_REPLY, "call stack next's prev is not it", r);
    CHECK(!r->prev || r->prev->next == r, INV_REPLY, "call stack prev's next is not it", r);
    CHECK(!r->sc || r->sc->reply == r, INV_SC_LINK, "reply's SC stack head is another", r);
    return INV_OK;
}

static word_t check_sched_context(struct sched_context *sc)
{
    CHECK(!sc->tcb || sc->tcb->sc == sc, INV_SC_LINK, "SC's thread runs on another SC", sc);
    CHECK(!sc->notification || sc->notification->sc == sc, INV_SC_LINK,
          "SC's notification lends another SC", sc);
    CHECK(!sc->reply || sc->reply->sc == sc, INV_SC_LINK,
          "SC's newest reply does not carry it", sc);
    if (sc->tcb)
        note_tcb(sc->tcb);
    if (!sc_is_active(sc))
        return INV_OK;
    CHECK(sc->size_bits >= 7 && sc->size_bits <= 38 &&
          sc->refill_max <= refill_absolute_max(sc->size_bits), INV_REFILL,
          "refill_max exceeds what the SC object holds", sc);
    CHECK(sc->refill_head < sc->refill_max && sc->refill_tail < sc->refill_max, INV_REFILL,
          "refill head or tail out of range", sc);
    word_t count = refill_count(sc);
    CHECK(count >= 1 && count <= sc->refill_max, INV_REFILL, "refill count out of range", sc);
    const struct refill *head = refill_head(sc);
    for (word_t i = 0; i < count; i++) {
        struct refill *r = refill_at(sc, i);
        CHECK(r->amount > 0, INV_REFILL, "refill with no budget", sc);
        /* mcs_refill.h: releases ordered, refills after the head do not overlap */
        if (i > 1)
            CHECK(refill_at(sc, i - 1)->release + refill_at(sc, i - 1)->amount <= r->release,
                  INV_REFILL, "refills overlap or are out of release order", sc);
        else if (i == 1)
            CHECK(head->release <= r->release, INV_REFILL, "refills out of release order", sc);
    }
    if (!sc_is_round_robin(sc))
        CHECK(refill_sum(sc) == sc->budget, INV_REFILL, "refills do not sum to the budget", sc);
    return INV_OK;
}

/* ---- one slot of the walk */
static word_t check_slot(struct cte *s)
{
    TRY(check_slot_links(s));
    cap_t c = s->cap;
    if (!cap_is_null(c) && !mdb_prev(s))
        TRY(check_mdb_list(s));
    switch (cap_type(c)) {
    case CAP_UNTYPED: return check_untyped(s);
    case CAP_CNODE: note_slots(cap_kptr(c), BIT(cap_cnode_radix(c))); return INV_OK;
    case CAP_THREAD: note_tcb(tcb_from_cap(c)); return INV_OK;
    case CAP_ENDPOINT: return check_endpoint(cap_kptr(c));
    case CAP_NOTIFICATION: return check_notification(cap_kptr(c));
    case CAP_REPLY: return check_reply(cap_kptr(c));
    case CAP_SCHED_CONTEXT: return check_sched_context(cap_kptr(c));
    default: return INV_OK;
    }
}

/* ---- threads */
static bool in_ep_queue(struct tcb *head, const struct tcb *t)
{
    unsigned steps = 0;
    for (struct tcb *q = head; q && steps < MAX_QUEUE_STEPS; q = q->ep_next, steps++) {
        if (q == t)
            return true;
    }
    return false;
}

/* Some reachable slot names the object at `kptr` (an endpoint or notification). */
static bool reachable_cap_names(word_t kptr, word_t type)
{
    for (unsigned i = 0; i < cnode_count; i++) {
        for (word_t j = 0; j < cnodes[i].count; j++) {
            cap_t c = cnodes[i].slots[j].cap;
            if (cap_type(c) == type && (word_t)(uintptr_t)cap_kptr(c) == kptr)
                return true;
        }
    }
    return false;
}

static word_t check_blocked(struct tcb *t)
{
    word_t obj = t->blocking_object;
    switch (t->state) {
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_RECEIVE: {
        struct endpoint *ep = (struct endpoint *)(uintptr_t)obj;
        CHECK(ep, INV_TCB_BLOCKED, "thread blocked on IPC without an endpoint", t);
        word_t want = t->state == TS_BLOCKED_ON_SEND ? EP_SEND : EP_RECV;
        CHECK(ep_state(ep) == want && in_ep_queue(ep_head(ep), t), INV_TCB_BLOCKED,
              "thread blocked on an endpoint that does not queue it", t);
        CHECK(walk_truncated || reachable_cap_names(obj, CAP_ENDPOINT), INV_DEAD_OBJECT,
              "thread queued on an endpoint no reachable cap names", t);
        if (t->state == TS_BLOCKED_ON_RECEIVE && t->reply)
            CHECK(t->reply->tcb == t, INV_REPLY, "receiver's reply names another thread", t);
        return INV_OK;
    }
    case TS_BLOCKED_ON_NOTIFICATION: {
        struct notification *n = (struct notification *)(uintptr_t)obj;
        CHECK(n, INV_TCB_BLOCKED, "thread waiting without a notification", t);
        CHECK(n->state == NTFN_WAITING && in_ep_queue(n->head, t), INV_TCB_BLOCKED,
              "thread waiting on a notification that does not queue it", t);
        CHECK(walk_truncated || reachable_cap_names(obj, CAP_NOTIFICATION), INV_DEAD_OBJECT,
              "thread queued on a notification no reachable cap names", t);
        return INV_OK;
    }
    case TS_BLOCKED_ON_REPLY:
        CHECK(t->reply && t->reply->tcb == t, INV_REPLY,
              "thread waits for a reply that does not name it", t);
        return INV_OK;
    default:
        return INV_OK;
    }
}

static bool in_ready_queue(const struct tcb *t)
{
    unsigned steps = 0;
    for (struct tcb *q = ks_ready.q[t->priority].head; q && steps < MAX_QUEUE_STEPS;
         q = q->sched_next, steps++) {
        if (q == t)
            return true;
    }
    return false;
}

static bool in_release_queue(const struct tcb *t)
{
    unsigned steps = 0;
    for (struct tcb *q = ks_release_head; q && steps < MAX_QUEUE_STEPS;
         q = q->release_next, steps++) {
        if (q == t)
            return true;
    }
    return false;
}

/* What each TCB slot may hold (Zombie: a CNode being deleted preemptibly). */
static bool tcb_slot_ok(unsigned slot, word_t type)
{
    if (type == CAP_NULL)
        return true;
    switch (slot) {
    case TCB_CSPACE_SLOT: return type == CAP_CNODE || type == CAP_ZOMBIE;
    case TCB_VSPACE_SLOT: return type == CAP_PAGE_TABLE;
    case TCB_IPC_BUFFER_SLOT: return type == CAP_FRAME;
    default: return type == CAP_ENDPOINT; /* fault and timeout endpoints */
    }
}

static word_t check_tcb(struct tcb *t)
{
    for (unsigned i = 0; i < TCB_NUM_SLOTS; i++)
        CHECK(tcb_slot_ok(i, cap_type(t->slots[i].cap)), INV_TCB_SLOT,
              "TCB slot holds a cap of the wrong type", t);
    CHECK(t->state <= TS_IDLE, INV_TCB_BLOCKED, "thread in an unknown state", t);
    CHECK(t->priority < NUM_PRIORITIES && t->mcp < NUM_PRIORITIES, INV_READY_QUEUE,
          "thread priority out of range", t);
    CHECK(!t->sc || t->sc->tcb == t, INV_SC_LINK, "thread's SC names another thread", t);
    CHECK(fastpath_vspace_answer_ok(t), INV_TCB_SLOT,
          "the fastpath remembers another VSpace for the thread", t);
    CHECK(!t->bound_notification || t->bound_notification->bound_tcb == t, INV_NTFN_QUEUE,
          "thread's bound notification is bound to another", t);
    CHECK(!t->in_ready_queue || in_ready_queue(t), INV_READY_QUEUE,
          "thread marked queued is not in the queue of its priority", t);
    CHECK(!t->in_release_queue || in_release_queue(t), INV_RELEASE_QUEUE,
          "thread marked waiting for a refill is not in the release queue", t);
    if (t->sc)
        TRY(check_sched_context(t->sc));
    return check_blocked(t);
}

/* ---- scheduler queues */
static word_t check_ready_queues(void)
{
    const struct ready_bitmap *b = &ks_ready.bitmap;
    for (unsigned i = 0; i < NUM_PRIORITIES / WORD_BITS; i++)
        CHECK(!!(b->l1 & BIT(i)) == (b->l2[i] != 0), INV_BITMAP,
              "bitmap level 1 disagrees with level 2", NULL);
    for (unsigned p = 0; p < NUM_PRIORITIES; p++) {
        struct tcb *head = ks_ready.q[p].head;
        bool bit = b->l2[p / WORD_BITS] & BIT(p % WORD_BITS);
        if (bit != (head != NULL)) {
            kprintf("LarkDebugCheckInvariants: priority %u\n", p);
            return violation(INV_BITMAP, "bitmap bit set iff the queue is non-empty", head);
        }
        struct tcb *prev = NULL;
        unsigned steps = 0;
        for (struct tcb *t = head; t; prev = t, t = t->sched_next) {
            CHECK(++steps <= MAX_QUEUE_STEPS, INV_READY_QUEUE, "ready queue loops", t);
            CHECK(t->sched_prev == prev, INV_READY_QUEUE, "ready queue back link broken", t);
            CHECK(t->priority == p, INV_READY_QUEUE, "thread queued at another priority", t);
            CHECK(t->in_ready_queue, INV_READY_QUEUE, "queued thread not marked queued", t);
            CHECK(t != ks_cur_thread, INV_CUR_QUEUED, "current thread in a ready queue", t);
            CHECK(thread_is_runnable(t), INV_READY_QUEUE, "ready thread not runnable", t);
            CHECK(t->sc && sc_is_active(t->sc), INV_READY_QUEUE,
                  "ready thread without an active SC", t);
            CHECK(!t->in_release_queue, INV_READY_QUEUE,
                  "thread both ready and waiting for a refill", t);
            note_tcb(t);
        }
        CHECK(ks_ready.q[p].tail == prev, INV_READY_QUEUE, "ready queue tail wrong", prev);
    }
    return INV_OK;
}

static word_t check_release_queue(void)
{
    struct tcb *prev = NULL;
    unsigned steps = 0;
    for (struct tcb *t = ks_release_head; t; prev = t, t = t->release_next) {
        CHECK(++steps <= MAX_QUEUE_STEPS, INV_RELEASE_QUEUE, "release queue loops", t);
        CHECK(t->release_prev == prev, INV_RELEASE_QUEUE, "release queue back link broken", t);
        CHECK(t->in_release_queue, INV_RELEASE_QUEUE, "released thread not marked", t);
        CHECK(t != ks_cur_thread, INV_CUR_QUEUED, "current thread in the release queue", t);
        CHECK(thread_is_runnable(t), INV_RELEASE_QUEUE,
              "thread waiting for a refill is not runnable", t);
        CHECK(t->sc && sc_is_active(t->sc) && t->sc->tcb == t, INV_RELEASE_QUEUE,
              "thread waiting for a refill has no active SC of its own", t);
        CHECK(!prev || relq_key(prev) <= relq_key(t), INV_RELEASE_QUEUE,
              "release queue not sorted by release time", t);
        note_tcb(t);
    }
    return INV_OK;
}

word_t check_kernel_invariants(struct tcb *caller)
{
    cnode_count = tcb_count = 0;
    walk_truncated = false;
    if (ks_cur_thread)
        CHECK(!ks_cur_thread->in_ready_queue && !ks_cur_thread->in_release_queue,
              INV_CUR_QUEUED, "current thread is queued", ks_cur_thread);
    TRY(check_ready_queues());
    TRY(check_release_queue());
    note_tcb(caller);
    /* the tables grow while we walk them: CNodes found in slots, TCBs found in caps and
     * queues (whose own slots add more) */
    unsigned done_cnodes = 0, done_tcbs = 0;
    while (done_cnodes < cnode_count || done_tcbs < tcb_count) {
        if (done_cnodes < cnode_count) {
            struct slot_range r = cnodes[done_cnodes++];
            for (word_t i = 0; i < r.count; i++)
                TRY(check_slot(&r.slots[i]));
        } else {
            TRY(check_tcb(tcbs[done_tcbs++]));
        }
    }
    return INV_OK;
}
