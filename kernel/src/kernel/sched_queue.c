/* Ready queues with a two-level priority bitmap, and the sorted release queue. */
#include <lark/sched_queue.h>
#include <lark/mcs_refill.h>

void bitmap_set(struct ready_bitmap *b, unsigned prio)
{
    unsigned i = prio / WORD_BITS;
    b->l2[i] |= BIT(prio % WORD_BITS);
    b->l1 |= BIT(i);
}

void bitmap_clear(struct ready_bitmap *b, unsigned prio)
{
    unsigned i = prio / WORD_BITS;
    b->l2[i] &= ~BIT(prio % WORD_BITS);
    if (b->l2[i] == 0) {
        b->l1 &= ~BIT(i);
    }
}

/* Index of the highest set bit (x != 0). By hand: without Zbb, __builtin_clzll becomes a
 * libgcc call, and the kernel links no float-ABI libgcc. Branch-free halving: every ready
 * queue change and every schedule() asks, and the loop form cost ~40 instructions a word. */
static inline unsigned highest_bit(word_t x)
{
    unsigned n = 0, s;
    s = (unsigned)(x >> 32 != 0) << 5;
    x >>= s;
    n += s;
    s = (unsigned)(x >> 16 != 0) << 4;
    x >>= s;
    n += s;
    s = (unsigned)(x >> 8 != 0) << 3;
    x >>= s;
    n += s;
    s = (unsigned)(x >> 4 != 0) << 2;
    x >>= s;
    n += s;
    s = (unsigned)(x >> 2 != 0) << 1;
    x >>= s;
    n += s;
    return n + (unsigned)(x >> 1);
}

/* l1 has one bit per l2 word, NUM_PRIORITIES / WORD_BITS = 4 bits: its highest bit comes
 * from a 16-entry table of 2-bit answers packed in one constant (entry v at bits 2v..2v+1). */
_Static_assert(NUM_PRIORITIES / WORD_BITS == 4, "l1 lookup packs 16 entries of 2 bits");
#define L1_HIGHEST_TABLE 0xffffaa50u

int bitmap_highest(const struct ready_bitmap *b)
{
    word_t l1 = b->l1;
    if (l1 == 0) {
        return -1;
    }
    unsigned i = (L1_HIGHEST_TABLE >> (2 * l1)) & 3;
    return (int)(i * WORD_BITS + highest_bit(b->l2[i]));
}

void rq_enqueue(struct ready_queues *rq, struct tcb *t)
{
    if (t->in_ready_queue) {
        return;
    }
    unsigned p = (unsigned)t->priority;
    t->sched_next = NULL;
    t->sched_prev = rq->q[p].tail;
    if (rq->q[p].tail) {
        rq->q[p].tail->sched_next = t;
    } else {
        rq->q[p].head = t;
        bitmap_set(&rq->bitmap, p);
    }
    rq->q[p].tail = t;
    t->in_ready_queue = true;
}

void rq_enqueue_head(struct ready_queues *rq, struct tcb *t)
{
    if (t->in_ready_queue) {
        return;
    }
    unsigned p = (unsigned)t->priority;
    t->sched_prev = NULL;
    t->sched_next = rq->q[p].head;
    if (rq->q[p].head) {
        rq->q[p].head->sched_prev = t;
    } else {
        rq->q[p].tail = t;
        bitmap_set(&rq->bitmap, p);
    }
    rq->q[p].head = t;
    t->in_ready_queue = true;
}

void rq_dequeue(struct ready_queues *rq, struct tcb *t)
{
    if (!t->in_ready_queue) {
        return;
    }
    unsigned p = (unsigned)t->priority;
    if (t->sched_prev) {
        t->sched_prev->sched_next = t->sched_next;
    } else {
        rq->q[p].head = t->sched_next;
    }
    if (t->sched_next) {
        t->sched_next->sched_prev = t->sched_prev;
    } else {
        rq->q[p].tail = t->sched_prev;
    }
    if (rq->q[p].head == NULL) {
        bitmap_clear(&rq->bitmap, p);
    }
    t->sched_next = t->sched_prev = NULL;
    t->in_ready_queue = false;
}

struct tcb *rq_highest(const struct ready_queues *rq)
{
    int p = bitmap_highest(&rq->bitmap);
    return p < 0 ? NULL : rq->q[p].head;
}

void relq_insert(struct tcb **head, struct tcb *t)
{
    if (t->in_release_queue) {
        return;
    }
    word_t key = relq_key(t);
    struct tcb *prev = NULL, *cur = *head;
    /* Equal keys keep arrival order (FIFO among threads released together). */
    while (cur && relq_key(cur) <= key) {
        prev = cur;
        cur = cur->release_next;
    }
    t->release_prev = prev;
    t->release_next = cur;
    if (cur) {
        cur->release_prev = t;
    }
    if (prev) {
        prev->release_next = t;
    } else {
        *head = t;
    }
    t->in_release_queue = true;
}

void relq_remove(struct tcb **head, struct tcb *t)
{
    if (!t->in_release_queue) {
        return;
    }
    if (t->release_prev) {
        t->release_prev->release_next = t->release_next;
    } else {
        *head = t->release_next;
    }
    if (t->release_next) {
        t->release_next->release_prev = t->release_prev;
    }
    t->release_next = t->release_prev = NULL;
    t->in_release_queue = false;
}
