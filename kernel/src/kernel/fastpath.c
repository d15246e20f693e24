/* The IPC fastpath: a 0..4-word Call to a passive server waiting on the endpoint, and the
 * server's ReplyRecv giving the donated SC back to its caller, done without the general IPC,
 * scheduler and lookup code. Every condition under which the slowpath would do anything else
 * (another thread to schedule, a fault, caps to transfer, a notification pending, a budget
 * running out, an interrupt due, ...) sends the syscall to the slowpath before anything is
 * changed, so what user threads observe is exactly the slowpath's result.
 *
 * Both entry points are noreturn and call nothing on the way: everything below is inlined,
 * and every exit is a jump into trap.S (fastpath_restore, fastpath_fallback and the two
 * cache misses, which call their C helpers from there), so the compiler keeps all state in
 * caller-saved registers and makes no stack frame (check: no `sp` in their disassembly). */
#include <lark/fastpath.h>

#if LARK_FASTPATH
#include <lark/arch/machine.h>
#include <lark/fastpath_lookup.h>
#include <lark/arch/riscv.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>
#include <lark/syscall.h>
#include <lark/vspace.h>

extern struct asid_pool *ks_asid_table[1 << ASID_HIGH_BITS]; /* arch/riscv/vspace.c */

/* Nothing done yet: the syscall goes the general way. trap.S's fastpath_fallback forgets the
 * scheduler cache below and enters c_handle_trap as for any other trap. A jump, not a call:
 * with no call on the way the entry points keep everything in registers, without a frame. */
static ALWAYS_INLINE NORETURN void slowpath(void)
{
    __asm__ volatile("j fastpath_fallback");
    __builtin_unreachable();
}

/* What the checks read from the scheduler, cached by the first fast entry after a slowpath
 * entry and forgotten at the next one (fastpath_fallback clears `limit`). Only the slowpath
 * changes ks_cur_sc, its refills, ks_consumed and ks_cur_time, the release queue and the
 * ready bitmap; the fastpath keeps all of them (the SC goes from thread to thread but stays
 * the running one), and time only grows. One object, so that one address reaches it all. */
struct fp_sched_cache {
    word_t limit;              /* the time checks pass while rdtime() < limit; 0: unknown */
    struct sched_context *sc;  /* ks_cur_sc when cached */
    word_t top_prio;           /* the highest ready priority, 0 when none is ready */
    word_t vspace_epoch;       /* fp_satp's (not part of the cache: here for its address) */
};
struct fp_sched_cache fp_sched = {.vspace_epoch = 1};

/* The running SC stays the running SC and lasts for this entry: the slowpath's budget check
 * passes, schedule() changes nothing about time and re-arms no timer (its deadline
 * ks_cur_time - ks_consumed + head amount is unchanged), and no refill comes due. The
 * timestamp is not stored: the next kernel entry charges the same SC the same ticks. Each
 * time condition holds up to some instant (the budget's, the release head's) or from some
 * instant on (the head refill's release, already past here), so one limit says it all.
 * Called by trap.S's fastpath_sched_miss when the cache does not answer: true when it holds
 * now (then the syscall enters the fastpath again), false for the slowpath. */
bool fastpath_sched_refresh(void)
{
    const struct tcb *cur = ks_cur_thread;
    struct sched_context *sc = cur->sc;
    word_t now = rdtime();
    if (unlikely(!sc || sc != ks_cur_sc || sc->tcb != cur || !sc_is_active(sc)))
        return false;
    const struct refill *head = &sc->refills[sc->refill_head];
    /* sched_wake would postpone the receiver if the head refill were not released yet */
    if (unlikely(head->release > now))
        return false;
    /* the slowpath goes on while consumed < amount and amount - consumed >= min budget,
     * i.e. consumed <= amount - max(min budget, 1), consumed = ks_consumed + now - cur_time */
    word_t least = refill_min_budget ? refill_min_budget : 1;
    word_t amount = head->amount;
    if (unlikely(amount < least))
        return false;
    word_t slack = amount - least;
    if (unlikely(ks_consumed + (now - ks_cur_time) > slack))
        return false;
    word_t limit;
    if (__builtin_add_overflow(ks_cur_time, slack - ks_consumed + 1, &limit))
        limit = ~(word_t)0;
    struct tcb *rel = ks_release_head;
    if (rel) {
        word_t due = rel->sc->refills[rel->sc->refill_head].release;
        if (due <= now)
            return false;
        if (due < limit)
            limit = due;
    }
    int top = bitmap_highest(&ks_ready.bitmap);
    fp_sched.sc = sc;
    fp_sched.top_prio = top < 0 ? 0 : (word_t)top;
    fp_sched.limit = limit;
    return true;
}

/* The scheduler would let `prio` run on cur's SC now: the SC checks above hold and no ready
 * thread has a higher priority (schedule() would pick it). A timer or device interrupt
 * waiting would be taken by the slowpath's schedule(). (ks_sched_action is
 * SCHED_ACTION_RESUME whenever user code runs: schedule() ends so.) */
static ALWAYS_INLINE bool fp_sched_allows(struct sched_context *sc, word_t prio)
{
    struct fp_sched_cache *fs = &fp_sched;
    word_t now = rdtime();
    /* (sc->tcb == cur holds whenever cur->sc == sc: invariant INV_SC_LINK) */
    if (unlikely(sc != fs->sc || now >= fs->limit)) {
        /* a jump: the refresh out of line, called from trap.S, needs no frame here */
        __asm__ volatile("j fastpath_sched_miss");
        __builtin_unreachable();
    }
    if (unlikely(csr_read(sip) & (SIP_STIP | SIP_SEIP)))
        return false;
    return prio >= fs->top_prio;
}

/* thread_vspace()'s answer depends on the VSpace cap and the ASID table only: a valid one is
 * remembered in the thread with the cap it came from (tcb.h), and all are forgotten when the
 * ASID table changes (vspace_changed): the epoch they carry is then no longer current. */
void fastpath_vspace_changed(void)
{
    fp_sched.vspace_epoch++;
}

/* satp for a VSpace cap as vspace_activate computes it, 0 when it is no valid VSpace. */
static word_t fp_satp_of(cap_t c)
{
    word_t asid = cap_mapped_asid(c);
    if (cap_type(c) != CAP_PAGE_TABLE || asid == 0 || asid >= BIT(ASID_BITS))
        return 0;
    struct asid_pool *pool = ks_asid_table[asid >> ASID_POOL_INDEX_BITS];
    if (!pool || pool->vspace[asid & MASK(ASID_POOL_INDEX_BITS)] != cap_kptr(c))
        return 0;
    return SATP_MODE_SV39 | (asid << 44) | (cap_ptr(c) >> PAGE_BITS);
}

/* A miss (trap.S's fastpath_vspace_miss, on the way to the slowpath, which does this
 * syscall): t remembers its satp when its VSpace is valid, so that its next switch hits. */
void fastpath_vspace_fill(struct tcb *t)
{
    cap_t c = t->slots[TCB_VSPACE_SLOT].cap;
    word_t satp = fp_satp_of(c);
    if (!satp)
        return;
    t->fp_vspace_cap = c;
    t->fp_vspace_satp = satp;
    t->fp_vspace_epoch = fp_sched.vspace_epoch;
}

bool fastpath_vspace_answer_ok(const struct tcb *t)
{
    cap_t c = t->slots[TCB_VSPACE_SLOT].cap;
    if (t->fp_vspace_epoch != fp_sched.vspace_epoch || t->fp_vspace_cap.w0 != c.w0 ||
        t->fp_vspace_cap.w1 != c.w1)
        return true; /* not current: never used */
    word_t satp = fp_satp_of(c);
    return satp != 0 && satp == t->fp_vspace_satp;
}

/* The satp value for t's VSpace (as vspace_activate computes it), 1 if it is active already;
 * when t does not remember it, the syscall goes to the slowpath by way of
 * fastpath_vspace_fill (a jump: no call, no frame). */
static ALWAYS_INLINE word_t fp_satp(struct tcb *t)
{
    if (t == active_vspace_thread)
        return 1;
    cap_t c = t->slots[TCB_VSPACE_SLOT].cap;
    if (unlikely(t->fp_vspace_cap.w0 != c.w0 || t->fp_vspace_cap.w1 != c.w1 ||
                 t->fp_vspace_epoch != fp_sched.vspace_epoch)) {
        register struct tcb *a0 __asm__("a0") = t;
        __asm__ volatile("j fastpath_vspace_miss" : : "r"(a0));
        __builtin_unreachable();
    }
    return t->fp_vspace_satp;
}

/* MR0..length-1 from the sender's saved registers (reloaded rather than kept live from the
 * trap: fewer registers held, no frame); the receiver's others keep their values. The empty
 * message first: it is the common one and costs one test. */
static ALWAYS_INLINE void fp_copy_mrs(const struct tcb *from, struct tcb *to, word_t length)
{
    if (likely(length == 0))
        return;
    switch (length) {
    case 4: to->ctx.regs[MR_REG(3)] = from->ctx.regs[MR_REG(3)]; /* fall through */
    case 3: to->ctx.regs[MR_REG(2)] = from->ctx.regs[MR_REG(2)]; /* fall through */
    case 2: to->ctx.regs[MR_REG(1)] = from->ctx.regs[MR_REG(1)]; /* fall through */
    default: to->ctx.regs[MR_REG(0)] = from->ctx.regs[MR_REG(0)]; break;
    }
}

/* Resume t: sepc and sstatus are written here, the registers by trap.S's fastpath_restore
 * (entered by a jump with t in t6, so that no call needs a frame). The sstatus written is
 * what fpu_prepare_return would store: it need not be stored, the next trap saves sstatus
 * afresh before anything reads it. */
static ALWAYS_INLINE NORETURN void fp_switch_to(struct tcb *t, word_t satp)
{
    ks_cur_thread = t;
    if (satp != 1) {
        /* as vspace_activate: one hart, flush on every switch */
        csr_write(satp, satp);
        sfence_vma_all();
        active_vspace_thread = t;
    }
    word_t s = t->ctx.regs[REG_SSTATUS];
    s = (s & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM)) | SSTATUS_SPIE;
    if (t != fpu_owner)
        s = (s & ~SSTATUS_FS_MASK) | SSTATUS_FS_OFF;
    csr_write(sepc, t->ctx.regs[REG_PC]);
    csr_write(sstatus, s); /* SIE stays 0: nothing is taken before the sret */
    register struct tcb *t6 __asm__("t6") = t;
    __asm__ volatile("j fastpath_restore" : : "r"(t6) : "memory");
    __builtin_unreachable();
}

/* Continue in `target` with the entry point's arguments still in a0..a7: a jump, which gcc
 * does not emit for a call to a noreturn function (and a call would need a frame). */
#define FP_JUMP_WITH_ARGS(target)                                                          \
    do {                                                                                   \
        register word_t a0_ __asm__("a0") = cptr, a1_ __asm__("a1") = info;               \
        register word_t a2_ __asm__("a2") = mr0, a3_ __asm__("a3") = mr1;                 \
        register word_t a4_ __asm__("a4") = mr2, a5_ __asm__("a5") = mr3;                 \
        register word_t a6_ __asm__("a6") = reply_cptr;                                     \
        register struct tcb *a7_ __asm__("a7") = cur;                                      \
        __asm__ volatile("j " #target : : "r"(a0_), "r"(a1_), "r"(a2_), "r"(a3_), "r"(a4_), \
                         "r"(a5_), "r"(a6_), "r"(a7_));                                    \
        __builtin_unreachable();                                                           \
    } while (0)

/* seL4_Call on an endpoint a passive server waits on with a reply object. */
static ALWAYS_INLINE NORETURN void fp_call(word_t cptr, word_t info, struct tcb *cur, bool deep)
{
    if (unlikely(cur->fault.type != FAULT_NULL))
        slowpath();
    cap_t root = cur->slots[TCB_CSPACE_SLOT].cap;
    cap_t c = deep ? fp_lookup(root, cptr) : fp_lookup_flat(root, cptr);
    word_t rights = cap_rights(c);
    /* without Grant or GrantReply the caller gets no reply: the slowpath makes it inactive */
    if (unlikely(cap_type(c) != CAP_ENDPOINT || !(rights & RIGHT_WRITE) ||
                 !(rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY))))
        slowpath();
    struct endpoint *ep = cap_kptr(c);
    /* a receiver queued: head_state is its (2K-aligned) address | EP_RECV */
    struct tcb *dest = (struct tcb *)(ep->head_state - EP_RECV);
    if (unlikely((uintptr_t)dest & 3))
        slowpath();
    struct reply *r = dest->reply;
    struct sched_context *sc = cur->sc;
    /* the passive-server case: the caller's SC goes with the call */
    /* (a thread switched to with yield_to set completes its YieldTo in schedule()) */
    if (unlikely(!r || dest->sc || dest->in_release_queue || dest->yield_to ||
                 !fp_sched_allows(sc, dest->priority)))
        slowpath();
    word_t satp = fp_satp(dest);

    /* committed: what ipc_send, reply_push and schedule() would do */
    cur->ctx.regs[REG_PC] = cur->ctx.regs[REG_FAULT_IP] + 4;
    struct tcb *next = dest->ep_next;
    if (unlikely(next)) {
        next->ep_prev = NULL;
        ep->head_state = (uintptr_t)next | EP_RECV;
    } else {
        ep->head_state = EP_IDLE;
        ep->tail = NULL;
    }
    dest->ep_next = NULL; /* (ep_prev of a queue head is NULL already) */
    dest->reply = NULL;
    dest->blocking_object = 0;

    word_t length = info & 0x7f;
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

/* Two copies: the one trap.S enters handles the usual one-level CSpace and no other, so that
 * no register has to be saved; a deeper CSpace continues in the other (a tail call). */
NORETURN void fastpath_call_deep(word_t cptr, word_t info, word_t mr0, word_t mr1,
                                 word_t mr2, word_t mr3, word_t reply_cptr, struct tcb *cur);
void fastpath_call_deep(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2,
                        word_t mr3, word_t reply_cptr, struct tcb *cur)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3, (void)reply_cptr;
    fp_call(cptr, info, cur, true);
}

void fastpath_call(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2, word_t mr3,
                   word_t reply_cptr, struct tcb *cur)
{
    if (unlikely(!cnode_is_flat(cur->slots[TCB_CSPACE_SLOT].cap)))
        FP_JUMP_WITH_ARGS(fastpath_call_deep);
    fp_call(cptr, info, cur, false);
}

/* ep_append for an empty queue or a thread of the lowest priority so far (fp_reply_recv
 * leaves the other cases to the slowpath: ep_append is a call, and a call needs a frame). */
static ALWAYS_INLINE void fp_ep_append(struct endpoint *ep, struct tcb *t, struct tcb *tail)
{
    t->ep_next = NULL;
    ep->tail = t;
    if (likely(!tail)) {
        t->ep_prev = NULL;
        ep->head_state = (uintptr_t)t | EP_RECV;
    } else {
        t->ep_prev = tail;
        tail->ep_next = t;
        ep->head_state = (ep->head_state & ~(uintptr_t)3) | EP_RECV;
    }
}

/* seL4_ReplyRecv of a server running on its caller's donated SC: the SC goes back with the
 * reply and the server waits on the endpoint again. */
static ALWAYS_INLINE NORETURN void fp_reply_recv(word_t cptr, word_t info, word_t reply_cptr,
                                         struct tcb *cur, bool deep)
{
    if (unlikely(cur->fault.type != FAULT_NULL))
        slowpath();
    cap_t root = cur->slots[TCB_CSPACE_SLOT].cap;
    cap_t rc = deep ? fp_lookup(root, reply_cptr) : fp_lookup_flat(root, reply_cptr);
    cap_t ec = deep ? fp_lookup(root, cptr) : fp_lookup_flat(root, cptr);
    if (unlikely(cap_type(rc) != CAP_REPLY || cap_type(ec) != CAP_ENDPOINT ||
                 !(cap_rights(ec) & RIGHT_READ)))
        slowpath();
    struct endpoint *ep = cap_kptr(ec);
    struct tcb *tail = ep->tail;
    if (unlikely(ep_state(ep) == EP_SEND || (tail && cur->priority > tail->priority)))
        slowpath();
    struct notification *bound = cur->bound_notification;
    if (unlikely(bound && bound->state == NTFN_ACTIVE))
        slowpath();
    struct reply *r = cap_kptr(rc);
    struct tcb *caller = r->tcb;
    struct sched_context *sc = cur->sc;
    if (unlikely(!caller || caller->state != TS_BLOCKED_ON_REPLY || caller->reply != r))
        slowpath();
    /* the reply heads the call stack of the running SC and the caller is passive */
    if (unlikely(r->sc != sc || caller->sc || caller->fault.type != FAULT_NULL ||
                 caller->in_release_queue || caller->yield_to ||
                 !fp_sched_allows(sc, caller->priority)))
        slowpath();
    word_t satp = fp_satp(caller);

    /* committed: what ipc_reply (reply_remove), ipc_receive and schedule() would do */
    cur->ctx.regs[REG_PC] = cur->ctx.regs[REG_FAULT_IP] + 4;
    struct reply *prev = r->prev;
    sc->reply = prev;
    if (unlikely(prev)) {
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

    word_t length = info & 0x7f;
    fp_copy_mrs(cur, caller, length);
    caller->ctx.regs[MSGINFO_REG] = msginfo_new(msginfo_label(info), 0, 0, length);
    caller->ctx.regs[BADGE_REG] = 0;
    caller->state = TS_RUNNING;

    cur->blocking_object = (word_t)(uintptr_t)ep;
    cur->reply = r;
    r->tcb = cur;
    cur->state = TS_BLOCKED_ON_RECEIVE;
    fp_ep_append(ep, cur, tail);

    fp_switch_to(caller, satp);
}

NORETURN void fastpath_reply_recv_deep(word_t cptr, word_t info, word_t mr0, word_t mr1,
                                       word_t mr2, word_t mr3, word_t reply_cptr,
                                       struct tcb *cur);
void fastpath_reply_recv_deep(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2,
                              word_t mr3, word_t reply_cptr, struct tcb *cur)
{
    (void)mr0, (void)mr1, (void)mr2, (void)mr3;
    fp_reply_recv(cptr, info, reply_cptr, cur, true);
}

void fastpath_reply_recv(word_t cptr, word_t info, word_t mr0, word_t mr1, word_t mr2,
                         word_t mr3, word_t reply_cptr, struct tcb *cur)
{
    if (unlikely(!cnode_is_flat(cur->slots[TCB_CSPACE_SLOT].cap)))
        FP_JUMP_WITH_ARGS(fastpath_reply_recv_deep);
    fp_reply_recv(cptr, info, reply_cptr, cur, false);
}
#endif
