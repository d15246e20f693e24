/* Layouts of the IPC and scheduling objects (K2's code: src/object/{endpoint,notification,
 * reply,schedcontext}.c). Sizes are the ABI's (abi.md section 3). */
#ifndef LARK_OBJECTS_H
#define LARK_OBJECTS_H
#include "tcb.h"

enum ep_state { EP_IDLE = 0, EP_SEND = 1, EP_RECV = 2 };
struct endpoint {              /* 16 bytes */
    uintptr_t head_state;      /* struct tcb *head | enum ep_state (TCBs are 2K-aligned) */
    struct tcb *tail;
};
_Static_assert(sizeof(struct endpoint) == 16, "endpoint is 2^4 bytes");

enum ntfn_state { NTFN_IDLE = 0, NTFN_WAITING = 1, NTFN_ACTIVE = 2 };
struct notification {          /* 64 bytes */
    word_t state;              /* enum ntfn_state */
    struct tcb *head, *tail;   /* waiting threads (NTFN_WAITING) */
    word_t badge;              /* accumulated badges (NTFN_ACTIVE) */
    struct tcb *bound_tcb;
    struct sched_context *sc;  /* MCS: SC lent to passive waiters */
    word_t pad[2];
};
_Static_assert(sizeof(struct notification) == 64, "notification is 2^6 bytes");

struct reply {                 /* 32 bytes */
    struct tcb *tcb;           /* the caller waiting on this reply, or the receiver */
    struct reply *prev, *next; /* MCS call stack (SC donation chain) */
    struct sched_context *sc;  /* SC donated along this reply, if any */
};
_Static_assert(sizeof(struct reply) == 32, "reply is 2^5 bytes");

struct refill {
    word_t release; /* ticks */
    word_t amount;  /* ticks */
};
struct sched_context {         /* 2^size_bits bytes; refills fill the rest */
    word_t period, budget;     /* ticks */
    word_t consumed;           /* ticks since the last Consumed / YieldTo */
    word_t core;
    struct tcb *tcb;
    struct reply *reply;
    struct notification *notification;
    word_t badge;
    struct tcb *yield_from;
    word_t refill_max, refill_head, refill_tail;
    word_t sporadic;
    word_t size_bits;
    word_t pad[2];
    struct refill refills[];   /* refill_max entries */
};
_Static_assert(sizeof(struct sched_context) == 128, "SC header fills the 2^7 minimum");
#define SC_REFILLS_FOR_BITS(bits) ((((word_t)1 << (bits)) - sizeof(struct sched_context)) / \
                                   sizeof(struct refill))

/* Object life-cycle hooks called by Retype and by the last-cap deletion (finalise). */
void endpoint_finalise(struct endpoint *ep);        /* cancel all IPC */
void notification_finalise(struct notification *n); /* cancel waits, unbind TCB and SC */
void reply_finalise(struct reply *r);               /* unlink from call stack */
void sched_context_init(struct sched_context *sc, unsigned size_bits);
void sched_context_finalise(struct sched_context *sc);
/* CNode CancelBadgedSends (K1 decodes, K2 walks the queue). */
void endpoint_cancel_badged_sends(struct endpoint *ep, word_t badge);

struct invocation;
exception_t decode_sched_context_invocation(struct invocation *inv);  /* labels 34..38 */
exception_t decode_sched_control_invocation(struct invocation *inv);  /* label 33 */

#endif
