/* IPC: endpoint send/receive with message and capability transfer, replies, notification
 * signal/wait, and cancelling a thread's IPC. */
#include <lark/cspace.h>
#include <lark/fault.h>
#include <lark/ipc.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>

static word_t *ipc_buffer(struct tcb *t) { return tcb_ipc_buffer_kptr(t); }

/* MR0..MR3 go register to register; the rest only if both threads have an IPC buffer.
 * Two straight loops rather than tcb_get_mr/tcb_set_mr per word: a 10-word message paid
 * ~25 instructions a word for their range checks. n <= MSG_MAX_LENGTH (the caller clamps). */
static word_t copy_mrs(const struct tcb *from, const word_t *fbuf, struct tcb *to, word_t *tbuf,
                       word_t n)
{
    word_t in_regs = n < MSG_REGISTERS_IN_CPU ? n : MSG_REGISTERS_IN_CPU;
    for (word_t i = 0; i < in_regs; i++) {
        to->ctx.regs[MR_REG(i)] = from->ctx.regs[MR_REG(i)];
    }
    if (n <= MSG_REGISTERS_IN_CPU || !fbuf || !tbuf) {
        return in_regs;
    }
    for (word_t i = MSG_REGISTERS_IN_CPU; i < n; i++) {
        tbuf[IPCBUF_MSG + i] = fbuf[IPCBUF_MSG + i];
    }
    return n;
}

/* The receiver's slot for one incoming cap (IPC buffer words 125..127), or NULL. */
static struct cte *receive_slot(struct tcb *receiver, const word_t *rbuf)
{
    struct cte *cn_slot, *dest;
    cap_t root = receiver->slots[TCB_CSPACE_SLOT].cap;
    if (cspace_lookup_slot(root, rbuf[IPCBUF_RECEIVE_CNODE], &cn_slot) != EXCEPTION_NONE) {
        return NULL;
    }
    if (cap_type(cn_slot->cap) != CAP_CNODE) {
        return NULL;
    }
    word_t depth = rbuf[IPCBUF_RECEIVE_DEPTH];
    if (depth < 1 || depth > WORD_BITS) {
        return NULL;
    }
    if (cspace_lookup_slot_exact(cn_slot->cap, rbuf[IPCBUF_RECEIVE_INDEX], (unsigned)depth,
                                 &dest) != EXCEPTION_NONE) {
        return NULL;
    }
    return cap_is_null(dest->cap) ? dest : NULL;
}

/* Returns the msginfo fields extraCaps/capsUnwrapped for the receiver. */
static __attribute__((noinline)) word_t transfer_caps(struct cte *const caps[], unsigned ncaps, struct endpoint *ep,
                            struct tcb *receiver, word_t *rbuf, word_t *unwrapped)
{
    *unwrapped = 0;
    if (ncaps == 0 || !rbuf) {
        return 0;
    }
    struct cte *dest = receive_slot(receiver, rbuf);
    unsigned i;
    for (i = 0; i < ncaps; i++) {
        struct cte *src = caps[i];
        cap_t c = src->cap;
        if (cap_type(c) == CAP_ENDPOINT && ep && cap_kptr(c) == (void *)ep) {
            /* A cap to the endpoint the message travels through arrives as its badge. */
            rbuf[IPCBUF_CAPS_OR_BADGES + i] = cap_badge(c);
            *unwrapped |= BIT(i);
            continue;
        }
        if (!dest) {
            break;
        }
        cap_t derived;
        if (cap_derive(src, c, &derived) != EXCEPTION_NONE || cap_is_null(derived)) {
            break;
        }
        cte_insert(derived, src, dest);
        dest = NULL;
    }
    return i;
}

/* The extra caps a message names, looked up in the sender's CSpace before any message word
 * is written (the receiver's buffer may be the sender's). Kept out of line so that the usual
 * message without caps does not pay for its registers. */
static __attribute__((noinline)) unsigned lookup_extra_caps(const struct tcb *sender,
                                                            const word_t *sbuf, word_t info,
                                                            struct cte *caps[])
{
    cap_t root = sender->slots[TCB_CSPACE_SLOT].cap;
    for (unsigned i = 0; i < msginfo_extra_caps(info); i++) {
        if (cspace_lookup_slot(root, sbuf[IPCBUF_CAPS_OR_BADGES + i], &caps[i]) !=
            EXCEPTION_NONE) {
            return 0; /* a failed lookup sends no caps at all, as seL4 */
        }
    }
    return (unsigned)msginfo_extra_caps(info);
}

static void do_normal_transfer(struct tcb *sender, struct endpoint *ep, word_t badge,
                               bool can_grant, struct tcb *receiver)
{
    word_t info = sender->ctx.regs[MSGINFO_REG];
    word_t *sbuf = ipc_buffer(sender), *rbuf = tcb_ipc_buffer_for_receive(receiver);
    word_t length = msginfo_length(info);
    if (length > MSG_MAX_LENGTH) {
        length = MSG_MAX_LENGTH;
    }
    struct cte *caps[MSG_MAX_EXTRA_CAPS];
    unsigned ncaps = 0;
    if (can_grant && sbuf && msginfo_extra_caps(info) != 0) {
        ncaps = lookup_extra_caps(sender, sbuf, info, caps);
    }
    word_t n = copy_mrs(sender, sbuf, receiver, rbuf, length);
    word_t unwrapped = 0, extra = 0;
    if (ncaps != 0) {
        extra = transfer_caps(caps, ncaps, ep, receiver, rbuf, &unwrapped);
    }
    receiver->ctx.regs[MSGINFO_REG] = msginfo_new(msginfo_label(info), unwrapped, extra, n);
    receiver->ctx.regs[BADGE_REG] = badge;
}

static void do_fault_transfer(struct tcb *sender, struct tcb *receiver, word_t badge)
{
    word_t *rbuf = tcb_ipc_buffer_for_receive(receiver);
    const struct fault *f = &sender->fault;
    const word_t *r = sender->ctx.regs;
    word_t mr[MSG_REGISTERS_IN_CPU + 8];
    unsigned n = 0;
    switch (f->type) {
    case FAULT_CAP:
        mr[n++] = r[REG_FAULT_IP];
        mr[n++] = f->addr;
        mr[n++] = f->data;
        mr[n++] = f->lookup.type;
        if (f->lookup.type != LOOKUP_INVALID_ROOT) {
            mr[n++] = f->lookup.bits_left;
            if (f->lookup.type == LOOKUP_DEPTH_MISMATCH) {
                mr[n++] = f->lookup.bits_found;
            } else if (f->lookup.type == LOOKUP_GUARD_MISMATCH) {
                mr[n++] = f->lookup.guard_found;
                mr[n++] = f->lookup.bits_found;
            }
        }
        break;
    case FAULT_UNKNOWN_SYSCALL:
        mr[n++] = r[REG_FAULT_IP];
        mr[n++] = r[REG_SP];
        mr[n++] = r[REG_RA];
        for (unsigned i = 0; i < 7; i++) {
            mr[n++] = r[REG_A0 + i];
        }
        mr[n++] = f->data;
        break;
    case FAULT_USER_EXCEPTION:
        mr[n++] = r[REG_FAULT_IP];
        mr[n++] = r[REG_SP];
        mr[n++] = f->data;
        mr[n++] = f->code;
        break;
    case FAULT_VM:
        mr[n++] = r[REG_FAULT_IP];
        mr[n++] = f->addr;
        mr[n++] = f->data;
        mr[n++] = f->code;
        break;
    case FAULT_TIMEOUT:
        mr[n++] = f->data;
        if (sender->sc) {
            mr[n++] = sched_context_update_consumed(sender->sc);
        }
        break;
    default:
        break;
    }
    /* Registers first, then the buffer; without a buffer only MR0..MR3 arrive. */
    unsigned sent = 0;
    for (; sent < n; sent++) {
        if (sent >= MSG_REGISTERS_IN_CPU && !rbuf) {
            break;
        }
        tcb_set_mr(receiver, rbuf, sent, mr[sent]);
    }
    receiver->ctx.regs[MSGINFO_REG] = msginfo_new(f->type, 0, 0, sent);
    receiver->ctx.regs[BADGE_REG] = badge;
}

static void do_ipc_transfer(struct tcb *sender, struct endpoint *ep, word_t badge,
                            bool can_grant, struct tcb *receiver)
{
    if (sender->fault.type == FAULT_NULL) {
        do_normal_transfer(sender, ep, badge, can_grant, receiver);
    } else {
        do_fault_transfer(sender, receiver, badge);
    }
}

/* A thread unblocked on its own SC: sporadic SCs catch up on refills that came due. */
static void wake_unblocked(struct tcb *t)
{
    struct sched_context *sc = t->sc;
    if (sc && sc != ks_cur_sc && sc->sporadic && sc_is_active(sc)) {
        refill_unblock_check(sc, ks_cur_time);
    }
    sched_wake(t);
}

/* After a message went from sender to receiver: a call (or fault) waits for the reply. */
static void finish_send(struct tcb *sender, struct tcb *receiver, struct reply *r,
                        bool is_call, bool can_grant, bool can_grant_reply, bool can_donate)
{
    if (is_call || sender->fault.type != FAULT_NULL) {
        if ((can_grant || can_grant_reply) && r) {
            reply_push(sender, receiver, r, can_donate);
        } else {
            thread_set_state(sender, TS_INACTIVE);
        }
    } else if (sender != ks_cur_thread) {
        thread_set_state(sender, TS_RUNNING);
        wake_unblocked(sender);
    }
}

void ipc_send(struct tcb *sender, struct endpoint *ep, word_t badge, bool can_grant,
              bool can_grant_reply, bool can_donate, bool blocking, bool is_call)
{
    if (ep_state(ep) == EP_RECV) {
        struct tcb *dest = ep_head(ep);
        ep_remove(ep, dest);
        struct reply *r = dest->reply;
        if (r) {
            r->tcb = NULL;
            dest->reply = NULL;
        }
        dest->blocking_object = 0;
        do_ipc_transfer(sender, ep, badge, can_grant, dest);
        thread_set_state(dest, TS_RUNNING);
        bool call_like = is_call || sender->fault.type != FAULT_NULL;
        finish_send(sender, dest, r, is_call, can_grant, can_grant_reply,
                    can_donate && sender->fault.type != FAULT_TIMEOUT);
        if (!call_like && can_donate && !dest->sc && sender->sc) {
            /* NBSendRecv / NBSendWait lend the SC to a passive receiver, as seL4 */
            sched_context_donate(sender->sc, dest);
        }
        wake_unblocked(dest);
        return;
    }
    if (!blocking) {
        return; /* NBSend with nobody waiting: the message is dropped */
    }
    sender->blocking_object = (word_t)(uintptr_t)ep;
    sender->blocking_badge = badge;
    sender->blocking_can_grant = can_grant;
    sender->blocking_can_grant_reply = can_grant_reply;
    sender->blocking_is_call = is_call;
    thread_set_state(sender, TS_BLOCKED_ON_SEND);
    ep_append(ep, sender, EP_SEND);
}

static void complete_signal(struct notification *n, struct tcb *t)
{
    t->ctx.regs[BADGE_REG] = n->badge;
    n->badge = 0;
    n->state = NTFN_IDLE;
    ntfn_maybe_donate_sc(t, n);
}

static void receive_signal(struct tcb *t, struct notification *n, bool blocking)
{
    if (n->state == NTFN_ACTIVE) {
        complete_signal(n, t);
        return;
    }
    if (!blocking) {
        t->ctx.regs[BADGE_REG] = 0;
        return;
    }
    t->blocking_object = (word_t)(uintptr_t)n;
    thread_set_state(t, TS_BLOCKED_ON_NOTIFICATION);
    ntfn_append(n, t);
    ntfn_maybe_return_sc(n, t);
}

/* The reply object is about to be offered for a new receive: whoever still holds it lets
 * go (a caller still waiting on it loses its reply, as in seL4). */
static void reclaim_reply(struct reply *r, struct tcb *receiver)
{
    struct tcb *holder = r->tcb;
    if (!holder || holder == receiver) {
        return;
    }
    ipc_cancel(holder);
}

void ipc_receive(struct tcb *receiver, cap_t ep_or_ntfn, bool blocking, struct reply *reply)
{
    if (cap_type(ep_or_ntfn) == CAP_NOTIFICATION) {
        receive_signal(receiver, cap_kptr(ep_or_ntfn), blocking);
        return;
    }
    struct endpoint *ep = cap_kptr(ep_or_ntfn);
    if (reply) {
        reclaim_reply(reply, receiver);
    }
    struct notification *bound = receiver->bound_notification;
    if (bound && bound->state == NTFN_ACTIVE) {
        complete_signal(bound, receiver);
        return;
    }
    if (bound && blocking) {
        /* waiting on the endpoint again: a passive thread gives the notification's SC back
         * so that a caller can donate its own */
        ntfn_maybe_return_sc(bound, receiver);
    }
    if (ep_state(ep) == EP_SEND) {
        struct tcb *sender = ep_head(ep);
        ep_remove(ep, sender);
        sender->blocking_object = 0;
        do_ipc_transfer(sender, ep, sender->blocking_badge, sender->blocking_can_grant,
                        receiver);
        bool can_donate = sender->sc != NULL && sender->fault.type != FAULT_TIMEOUT;
        finish_send(sender, receiver, reply, sender->blocking_is_call,
                    sender->blocking_can_grant, sender->blocking_can_grant_reply, can_donate);
        return;
    }
    if (!blocking) {
        receiver->ctx.regs[BADGE_REG] = 0;
        return;
    }
    receiver->blocking_object = (word_t)(uintptr_t)ep;
    receiver->reply = reply;
    if (reply) {
        reply->tcb = receiver;
    }
    thread_set_state(receiver, TS_BLOCKED_ON_RECEIVE);
    ep_append(ep, receiver, EP_RECV);
}

/* A thread getting its reply whose SC cannot run it now (the running SC is charged later,
 * so it is not judged here). Sporadic SCs first catch up on refills that came due. */
static bool replied_without_budget(struct tcb *t)
{
    struct sched_context *sc = t->sc;
    if (!sc || sc == ks_cur_sc || !sc_is_active(sc)) {
        return false;
    }
    if (sc->sporadic) {
        refill_unblock_check(sc, ks_cur_time);
    }
    return !refill_ready(sc, ks_cur_time) || !refill_sufficient(sc, 0);
}

void ipc_reply(struct tcb *sender, struct reply *r, bool can_grant)
{
    struct tcb *caller = r->tcb;
    if (!caller || caller->state != TS_BLOCKED_ON_REPLY || caller->reply != r) {
        return; /* nobody waits on this reply: nothing to do, as seL4 */
    }
    reply_remove(r, caller);
    word_t fault_type = caller->fault.type;
    if (fault_type == FAULT_NULL) {
        do_normal_transfer(sender, NULL, 0, can_grant, caller);
        thread_set_state(caller, TS_RUNNING);
    } else {
        bool restart = fault_handle_reply(caller, sender, sender->ctx.regs[MSGINFO_REG]);
        caller->fault.type = FAULT_NULL;
        thread_set_state(caller, restart ? TS_RESTART : TS_INACTIVE);
    }
    if (!thread_is_runnable(caller)) {
        return;
    }
    if (replied_without_budget(caller) && fault_type != FAULT_TIMEOUT &&
        cap_type(caller->slots[TCB_TIMEOUT_EP_SLOT].cap) == CAP_ENDPOINT) {
        /* seL4 doReplyTransfer: the SC came back empty and the caller has a timeout
         * handler: it hears of it now (otherwise it waits for its next refill) */
        cur_fault = (struct fault){.type = FAULT_TIMEOUT, .data = caller->sc->badge};
        fault_handle_timeout(caller);
    }
    if (thread_is_runnable(caller)) {
        wake_unblocked(caller); /* (also when the handler could not take the fault) */
    }
}

void ntfn_signal(struct notification *n, word_t badge)
{
    switch (n->state) {
    case NTFN_IDLE: {
        struct tcb *t = n->bound_tcb;
        if (t && t->state == TS_BLOCKED_ON_RECEIVE) {
            ipc_cancel(t);
            t->ctx.regs[BADGE_REG] = badge;
            thread_set_state(t, TS_RUNNING);
            ntfn_maybe_donate_sc(t, n);
            wake_unblocked(t);
        } else {
            n->state = NTFN_ACTIVE;
            n->badge = badge;
        }
        break;
    }
    case NTFN_WAITING: {
        struct tcb *t = n->head;
        ntfn_remove(n, t);
        t->blocking_object = 0;
        t->ctx.regs[BADGE_REG] = badge;
        thread_set_state(t, TS_RUNNING);
        ntfn_maybe_donate_sc(t, n);
        wake_unblocked(t);
        break;
    }
    default:
        n->badge |= badge;
        break;
    }
}

void ipc_cancel(struct tcb *t)
{
    /* MCS: cancelling IPC also drops a fault waiting to be delivered or answered */
    t->fault.type = FAULT_NULL;
    switch (t->state) {
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_RECEIVE:
        ep_remove((struct endpoint *)(uintptr_t)t->blocking_object, t);
        if (t->state == TS_BLOCKED_ON_RECEIVE && t->reply) {
            t->reply->tcb = NULL;
            t->reply = NULL;
        }
        t->blocking_object = 0;
        thread_set_state(t, TS_INACTIVE);
        break;
    case TS_BLOCKED_ON_NOTIFICATION:
        ntfn_remove((struct notification *)(uintptr_t)t->blocking_object, t);
        t->blocking_object = 0;
        thread_set_state(t, TS_INACTIVE);
        break;
    case TS_BLOCKED_ON_REPLY:
        if (t->reply) {
            reply_cancel(t->reply, t);
        }
        thread_set_state(t, TS_INACTIVE);
        break;
    default:
        break;
    }
}
