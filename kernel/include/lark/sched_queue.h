/* Ready queues and the release queue (K2: src/kernel/sched_queue.c). Pure: unit-tested on
 * the host. One FIFO per priority, a two-level bitmap of the non-empty ones; the release
 * queue holds threads whose scheduling context waits for its next refill, sorted by the
 * release time of the head refill. */
#ifndef LARK_SCHED_QUEUE_H
#define LARK_SCHED_QUEUE_H
#include "objects.h"
#include "mcs_refill.h"

struct ready_bitmap {
    word_t l1;                          /* bit i: l2[i] non-zero */
    word_t l2[NUM_PRIORITIES / WORD_BITS];
};
void bitmap_set(struct ready_bitmap *b, unsigned prio);
void bitmap_clear(struct ready_bitmap *b, unsigned prio);
int bitmap_highest(const struct ready_bitmap *b); /* -1 when empty */

struct ready_queues {
    struct ready_bitmap bitmap;
    struct { struct tcb *head, *tail; } q[NUM_PRIORITIES];
};
void rq_enqueue(struct ready_queues *rq, struct tcb *t);      /* tail of t->priority */
void rq_enqueue_head(struct ready_queues *rq, struct tcb *t);
void rq_dequeue(struct ready_queues *rq, struct tcb *t);      /* no-op if not queued */
struct tcb *rq_highest(const struct ready_queues *rq);         /* NULL when empty */

/* Release queue: a singly ordered list through release_next/release_prev. */
/* head refill release of t's SC */
static inline word_t relq_key(const struct tcb *t) { return refill_head(t->sc)->release; }
void relq_insert(struct tcb **head, struct tcb *t);
void relq_remove(struct tcb **head, struct tcb *t);            /* no-op if not queued */

#endif
