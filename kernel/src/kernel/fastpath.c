/* The IPC fastpath: a 0..4-word Call to a passive server waiting on the endpoint, and the
 * server's ReplyRecv giving the donated SC back to its caller, done without the general IPC,
 * scheduler and lookup code. Every condition under which the slowpath would do anything else
 * (another thread to schedule, a fault, caps to transfer, a notification pending, a budget
 * running out, an interrupt due, ...) sends the syscall to the slowpath before anything is
 * changed, so what user threads observe is exactly the slowpath's result. */
#include <lark/fastpath.h>

#if LARK_FASTPATH
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>
#include <lark/syscall.h>
#include <lark/vspace.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* cspace_lookup_slot with depth 64, minus the lookup-fault details (a failed lookup takes
 * the slowpath, which reports it). NULL when the lookup fails. */
static inline struct cte *fp_lookup(cap_t root, cptr_t cptr)
{
    cap_t node = root;
    unsigned n = WORD_BITS;
    for (;;) {
        if (unlikely(cap_type(node) != CAP_CNODE))
            return NULL;
        unsigned radix = cap_cnode_radix(node), gbits = cap_cnode_guard_size(node);
        unsigned level = radix + gbits;
        /* checked before the guard so that the shifts below stay under 64 */
        if (unlikely(level > n || level == 0))
            return NULL;
        word_t got = gbits ? (cptr >> (n - gbits)) & MASK(gbits) : 0;
        if (unlikely(got != cap_cnode_guard(node)))
            return NULL;
        struct cte *s = (struct cte *)cap_kptr(node) + ((cptr >> (n - level)) & MASK(radix));
        n -= level;
        if (likely(n == 0 || cap_type(s->cap) != CAP_CNODE))
            return s;
        node = s->cap;
    }
}

/* The message goes in registers only and carries no caps. */
static inline bool fp_simple_message(word_t info)
{
    return msginfo_length(info) <= MSG_REGISTERS_IN_CPU && msginfo_extra_caps(info) == 0;
}

/* The running SC stays the running SC and lasts for this entry: the slowpath's budget check
 * passes, schedule() changes nothing about time and re-arms no timer (its deadline
 * ks_cur_time - ks_consumed + head amount is unchanged), and no refill comes due. */
static inline bool fp_sc_stays(const struct tcb *cur, struct sched_context *sc)
{
    if (unlikely(!sc || sc != ks_cur_sc || sc->tcb != cur || !sc_is_active(sc)))
        return false;
    word_t amount = sc->refills[sc->refill_head].amount;
    if (unlikely(ks_consumed >= amount || amount - ks_consumed < refill_min_budget))
        return false;
    if (unlikely(ks_sched_action != SCHED_ACTION_RESUME))
        return false;
    /* a timer or device interrupt waiting would be taken by the slowpath's schedule() */
    if (unlikely(csr_read(sip) & (SIP_STIP | SIP_SEIP)))
        return false;
    struct tcb *rel = ks_release_head;
    if (unlikely(rel && rel->sc->refills[rel->sc->refill_head].release <= ks_cur_time))
        return false;
    return true;
}

/* A ready thread of higher priority than `prio` exists (schedule() would pick it). */
static inline bool fp_higher_prio_ready(word_t prio)
{
    const struct ready_bitmap *b = &ks_ready.bitmap;
    unsigned i = (unsigned)(prio / WORD_BITS), j = (unsigned)(prio % WORD_BITS);
    if (b->l1 >> i >> 1)
        return true;
    return (b->l2[i] >> j >> 1) != 0;
}

/* The satp value for t's VSpace, 0 if it has no valid one (the slowpath then runs it on the
 * kernel's table). 1 if t's VSpace is already active: nothing to switch. */
static inline word_t fp_satp(struct tcb *t)
{
    if (t == active_vspace_thread)
        return 1;
    cap_t c = t->slots[TCB_VSPACE_SLOT].cap;
    if (unlikely(cap_type(c) != CAP_PAGE_TABLE || !cap_is_mapped(c)))
        return 0;
    word_t asid = cap_mapped_asid(c);
    pte_t *root = asid_lookup(asid);
    if (unlikely(root != cap_kptr(c)))
        return 0;
    return SATP_MODE_SV39 | (asid << 44) | (kptr_to_paddr(root) >> PAGE_BITS);
}

static inline void fp_copy_mrs(const struct tcb *from, struct tcb *to, word_t length)
{
    for (word_t i = 0; i < length; i++)
        to->ctx.regs[MR_REG(i)] = from->ctx.regs[MR_REG(i)];
}

static NORETURN void fp_switch_to(struct tcb *t, word_t satp)
{
    ks_cur_thread = t;
    if (satp != 1) {
        /* as vspace_activate: one hart, flush on every switch */
        csr_write(satp, satp);
        sfence_vma_all();
        active_vspace_thread = t;
    }
    fpu_prepare_return(t);
    restore_user_context();
}

/* seL4_Call on an endpoint a passive server waits on with a reply object. */
static void fastpath_call(struct tcb *cur)
{
    word_t info = cur->ctx.regs[MSGINFO_REG];
    if (unlikely(!fp_simple_message(info) || cur->fault.type != FAULT_NULL))
        return;
    struct cte *slot = fp_lookup(cur->slots[TCB_CSPACE_SLOT].cap, cur->ctx.regs[REG_A0]);
    if (unlikely(!slot))
        return;
    cap_t c = slot->cap;
    word_t rights = cap_rights(c);
    /* without Grant or GrantReply the caller gets no reply: the slowpath makes it inactive */
    if (unlikely(cap_type(c) != CAP_ENDPOINT || !(rights & RIGHT_WRITE) ||
                 !(rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY))))
        return;
    struct endpoint *ep = cap_kptr(c);
    if (unlikely(ep_state(ep) != EP_RECV))
        return;
    struct tcb *dest = ep_head(ep);
    struct reply *r = dest->reply;
    struct sched_context *sc = cur->sc;
    /* the passive-server case: the caller's SC goes with the call */
    if (unlikely(!r || dest->sc || dest->in_release_queue || !fp_sc_stays(cur, sc)))
        return;
    if (unlikely(fp_higher_prio_ready(dest->priority)))
        return;
    word_t satp = fp_satp(dest);
    if (unlikely(!satp))
        return;

    /* committed: what ipc_send, reply_push and schedule() would do */
    cur->ctx.regs[REG_PC] = cur->ctx.regs[REG_FAULT_IP] + 4;
    struct tcb *next = dest->ep_next;
    if (next) {
        next->ep_prev = NULL;
        ep->head_state = (uintptr_t)next | EP_RECV;
    } else {
        ep->head_state = EP_IDLE;
        ep->tail = NULL;
    }
    dest->ep_next = dest->ep_prev = NULL;
    dest->reply = NULL;
    dest->blocking_object = 0;

    word_t length = msginfo_length(info);
    fp_copy_mrs(cur, dest, length);
    dest->ctx.regs[MSGINFO_REG] = msginfo_new(msginfo_label(info), 0, 0, length);
    dest->ctx.regs[BADGE_REG] = cap_badge(c);
    dest->state = TS_RUNNING;

    r->tcb = cur;
    cur->reply = r;
    cur->blocking_object = (word_t)(uintptr_t)r;
    cur->state = TS_BLOCKED_ON_REPLY;
    struct reply *old = sc->reply;
    r->prev = old;
    r->next = NULL;
    if (old) {
        old->next = r;
        old->sc = NULL;
    }
    r->sc = sc;
    sc->reply = r;
    cur->sc = NULL;
    sc->tcb = dest;
    dest->sc = sc;

    fp_switch_to(dest, satp);
}

/* seL4_ReplyRecv of a server running on its caller's donated SC: the SC goes back with the
 * reply and the server waits on the endpoint again. */
static void fastpath_reply_recv(struct tcb *cur)
{
    word_t info = cur->ctx.regs[MSGINFO_REG];
    if (unlikely(!fp_simple_message(info) || cur->fault.type != FAULT_NULL))
        return;
    cap_t root = cur->slots[TCB_CSPACE_SLOT].cap;
    struct cte *rslot = fp_lookup(root, cur->ctx.regs[REPLY_REG]);
    struct cte *eslot = fp_lookup(root, cur->ctx.regs[REG_A0]);
    if (unlikely(!rslot || !eslot))
        return;
    cap_t rc = rslot->cap, ec = eslot->cap;
    if (unlikely(cap_type(rc) != CAP_REPLY || cap_type(ec) != CAP_ENDPOINT ||
                 !(cap_rights(ec) & RIGHT_READ)))
        return;
    struct endpoint *ep = cap_kptr(ec);
    if (unlikely(ep_state(ep) == EP_SEND))
        return;
    struct notification *bound = cur->bound_notification;
    if (unlikely(bound && bound->state == NTFN_ACTIVE))
        return;
    struct reply *r = cap_kptr(rc);
    struct tcb *caller = r->tcb;
    struct sched_context *sc = cur->sc;
    if (unlikely(!caller || caller->state != TS_BLOCKED_ON_REPLY || caller->reply != r))
        return;
    /* the reply heads the call stack of the running SC and the caller is passive */
    if (unlikely(r->sc != sc || caller->sc || caller->fault.type != FAULT_NULL ||
                 caller->in_release_queue || !fp_sc_stays(cur, sc)))
        return;
    if (unlikely(fp_higher_prio_ready(caller->priority)))
        return;
    word_t satp = fp_satp(caller);
    if (unlikely(!satp))
        return;

    /* committed: what ipc_reply (reply_remove), ipc_receive and schedule() would do */
    cur->ctx.regs[REG_PC] = cur->ctx.regs[REG_FAULT_IP] + 4;
    struct reply *prev = r->prev;
    sc->reply = prev;
    if (prev) {
        prev->next = NULL;
        prev->sc = sc;
    }
    r->prev = r->next = NULL;
    r->sc = NULL;
    cur->sc = NULL;
    sc->tcb = caller;
    caller->sc = sc;
    caller->reply = NULL;
    caller->blocking_object = 0;

    word_t length = msginfo_length(info);
    fp_copy_mrs(cur, caller, length);
    caller->ctx.regs[MSGINFO_REG] = msginfo_new(msginfo_label(info), 0, 0, length);
    caller->ctx.regs[BADGE_REG] = 0;
    caller->state = TS_RUNNING;

    cur->blocking_object = (word_t)(uintptr_t)ep;
    cur->reply = r;
    r->tcb = cur;
    cur->state = TS_BLOCKED_ON_RECEIVE;
    ep_append(ep, cur, EP_RECV);

    fp_switch_to(caller, satp);
}

void fastpath_syscall(struct tcb *cur)
{
    sword_t number = (sword_t)cur->ctx.regs[REG_A7];
    if (number == SYS_CALL)
        fastpath_call(cur);
    else if (number == SYS_REPLY_RECV)
        fastpath_reply_recv(cur);
}
#endif
