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
    word_t period, budget;     /* ticks; period 0: round robin */
    word_t consumed;           /* ticks since the last Consumed / YieldTo / timeout */
    struct tcb *tcb;
    struct reply *reply;       /* newest reply of the call stack this SC was donated along */
    struct notification *notification;
    word_t badge;
    struct tcb *yield_from;
    word_t refill_max;         /* 0: not configured yet */
    uint32_t refill_head, refill_tail;
    uint32_t sporadic, size_bits;
    word_t pad;
    struct refill refills[];   /* refill_max entries */
};
/* seL4 gives the smallest SC (2^7) room for MIN_REFILLS (2) refills: keep the header at
 * 96 bytes so 128 - 96 = 2 refills fit. */
_Static_assert(sizeof(struct sched_context) == 96, "SC header leaves two refills in 2^7");
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

/* --- shared by K2's modules (endpoint.c, notification.c, reply.c, schedcontext.c) --- */
static inline struct tcb *ep_head(const struct endpoint *ep)
{
    return (struct tcb *)(ep->head_state & ~(uintptr_t)3);
}
static inline word_t ep_state(const struct endpoint *ep) { return ep->head_state & 3; }
/* Queue t by priority (behind threads of its own priority); the endpoint takes `state`. */
void ep_append(struct endpoint *ep, struct tcb *t, word_t state);
void ep_remove(struct endpoint *ep, struct tcb *t); /* idle when the queue empties */

void ntfn_append(struct notification *n, struct tcb *t);
void ntfn_remove(struct notification *n, struct tcb *t);
void ntfn_bind_tcb(struct notification *n, struct tcb *t);
void ntfn_unbind_tcb(struct notification *n);
/* MCS: a passive thread woken by a notification runs on the notification's SC, and gives
 * it back when it waits again. */
void ntfn_maybe_donate_sc(struct tcb *t, struct notification *n);
void ntfn_maybe_return_sc(struct notification *n, struct tcb *t);

/* Call with a reply object: the caller blocks on `r`; with can_donate and a passive callee
 * the caller's SC goes to the callee and `r` is pushed on the SC's call stack. */
void reply_push(struct tcb *caller, struct tcb *callee, struct reply *r, bool can_donate);
/* seL4 reply_remove (a reply is delivered, or the reply object is deleted): unlink the
 * reply; at the head of a call stack the donated SC goes back to the caller. The caller is
 * left inactive (the reply path then sets it running). */
void reply_remove(struct reply *r, struct tcb *caller);
/* seL4 reply_remove_tcb (the caller's IPC is cancelled): unlink the reply, cutting the call
 * stack; a donated SC stays with the callee. The caller is left inactive. */
void reply_cancel(struct reply *r, struct tcb *caller);

void sched_context_bind_tcb(struct sched_context *sc, struct tcb *t);
void sched_context_unbind_tcb(struct sched_context *sc);
void sched_context_donate(struct sched_context *sc, struct tcb *to);
void sched_context_bind_ntfn(struct sched_context *sc, struct notification *n);
void sched_context_unbind_ntfn(struct sched_context *sc);
/* Consumed time in microseconds since the last call (Consumed, YieldTo, timeout faults). */
word_t sched_context_update_consumed(struct sched_context *sc);
/* A YieldTo of `yielder` ends: MR0 = the target SC's consumed time, the link is cut. */
void sched_complete_yield_to(struct tcb *yielder);

struct invocation;
exception_t decode_sched_context_invocation(struct invocation *inv);  /* labels 34..38 */
exception_t decode_sched_control_invocation(struct invocation *inv);  /* label 33 */

#endif
