/* System call dispatch: every number of abi.md section 1 plus the LarkOS debug calls. */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/cspace.h>
#include <lark/debug_syscalls.h>
#include <lark/fault.h>
#include <lark/invariants.h>
#include <lark/invocation.h>
#include <lark/ipc.h>
#include <lark/preempt_stats.h>
#include <lark/sched.h>
#include <lark/syscall.h>

static word_t *reg(struct tcb *t, unsigned r) { return &t->ctx.regs[r]; }

static void set_mr(struct tcb *t, word_t *buf, unsigned i, word_t v)
{
    if (i < MSG_REGISTERS_IN_CPU)
        t->ctx.regs[MR_REG(i)] = v;
    else if (buf && i < MSG_MAX_LENGTH)
        buf[IPCBUF_MSG + i] = v;
}

/* Lookup fault words from MR `first` on: type, bitsLeft, then the type's extra words.
 * Returns the next free MR index. */
static unsigned put_lookup_fault(struct tcb *t, word_t *buf, unsigned first)
{
    const struct lookup_fault *lf = &cur_lookup_fault;
    unsigned i = first;
    set_mr(t, buf, i++, lf->type);
    if (lf->type == LOOKUP_INVALID_ROOT)
        return i;
    set_mr(t, buf, i++, lf->bits_left);
    if (lf->type == LOOKUP_DEPTH_MISMATCH) {
        set_mr(t, buf, i++, lf->bits_found);
    } else if (lf->type == LOOKUP_GUARD_MISMATCH) {
        set_mr(t, buf, i++, lf->guard_found);
        set_mr(t, buf, i++, lf->bits_found);
    }
    return i;
}

/* Reply to a Call on a kernel object with the error in the label (abi.md section 5). */
static void reply_error(struct tcb *t)
{
    word_t *buf = tcb_ipc_buffer_for_receive(t); /* replies need a writable buffer */
    const struct syscall_error *e = &cur_syscall_error;
    unsigned n = 0;
    switch (e->type) {
    case ERR_INVALID_ARGUMENT: set_mr(t, buf, n++, e->invalid_argument); break;
    case ERR_INVALID_CAPABILITY: set_mr(t, buf, n++, e->invalid_cap); break;
    case ERR_RANGE:
        set_mr(t, buf, n++, e->range_min);
        set_mr(t, buf, n++, e->range_max);
        break;
    case ERR_FAILED_LOOKUP:
        set_mr(t, buf, n++, e->lookup_was_source ? 1 : 0);
        n = put_lookup_fault(t, buf, n);
        break;
    case ERR_NOT_ENOUGH_MEMORY: set_mr(t, buf, n++, e->bytes_available); break;
    default: break;
    }
    *reg(t, MSGINFO_REG) = msginfo_new(e->type, 0, 0, n);
}

static void cap_fault(struct tcb *t, cptr_t cptr, bool in_recv)
{
    cur_fault = (struct fault){.type = FAULT_CAP, .addr = cptr, .data = in_recv,
                               .lookup = cur_lookup_fault};
    fault_handle(t);
}

static cap_t cspace_root(struct tcb *t) { return t->slots[TCB_CSPACE_SLOT].cap; }

/* The caps invoke_cap hands to the IPC path rather than to a decoder. */
static bool is_ipc_cap(cap_t c)
{
    word_t type = cap_type(c);
    return type == CAP_ENDPOINT || type == CAP_NOTIFICATION || type == CAP_REPLY;
}

/* seL4 decodeInvocation for the caps used through the IPC syscalls; everything else goes
 * to the object decoders. A send through an endpoint or notification cap without the Write
 * right is an InvalidCapability error (MR0 = 0), not a cap fault: the lookup succeeded. */
static exception_t invoke_cap(struct invocation *inv, bool can_donate, bool blocking)
{
    cap_t c = inv->cap;
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        if (!(cap_rights(c) & RIGHT_WRITE))
            return err_invalid_cap(0);
        ipc_send(inv->thread, cap_kptr(c), cap_badge(c), cap_rights(c) & RIGHT_GRANT,
                 cap_rights(c) & RIGHT_GRANT_REPLY, can_donate, blocking, inv->is_call);
        return EXCEPTION_NONE;
    case CAP_NOTIFICATION:
        if (!(cap_rights(c) & RIGHT_WRITE))
            return err_invalid_cap(0);
        ntfn_signal(cap_kptr(c), cap_badge(c));
        return EXCEPTION_NONE;
    case CAP_REPLY:
        ipc_reply(inv->thread, cap_kptr(c), cap_reply_can_grant(c));
        return EXCEPTION_NONE;
    default:
        return decode_invocation(inv);
    }
}

/* Send-phase of Send, NBSend, Call, ReplyRecv, NBSendRecv, NBSendWait. Returns
 * EXCEPTION_PREEMPTED if the syscall must be restarted. */
static exception_t handle_invocation(bool is_call, bool blocking, bool can_donate, cptr_t cptr)
{
    struct tcb *t = ks_cur_thread;
    word_t info = *reg(t, MSGINFO_REG);
    struct cte *slot;
    if (cspace_lookup_slot(cspace_root(t), cptr, &slot) != EXCEPTION_NONE) {
        if (blocking)
            cap_fault(t, cptr, false);
        return EXCEPTION_NONE;
    }
    /* field by field: a designated initialiser would zero extra[] too, which is only read
     * below extra_count */
    struct invocation inv;
    inv.thread = t;
    inv.label = msginfo_label(info);
    inv.cap = slot->cap;
    inv.slot = slot;
    /* the buffer only matters for extra caps and for decoder arguments past MR3: most
     * invocations skip its lookup, and so does a send through an endpoint, notification or
     * reply cap (the IPC path finds the sender's buffer itself) */
    unsigned extra_caps = msginfo_extra_caps(info);
    inv.ipcbuf = NULL;
    inv.extra_count = 0;
    inv.is_call = is_call;
    inv.result_len = 0;
    inv.length = msginfo_length(info);
    if (inv.length > MSG_MAX_LENGTH)
        inv.length = MSG_MAX_LENGTH;
    if (extra_caps || (inv.length > MSG_REGISTERS_IN_CPU && !is_ipc_cap(inv.cap)))
        inv.ipcbuf = tcb_ipc_buffer_kptr(t);
    if (!inv.ipcbuf && inv.length > MSG_REGISTERS_IN_CPU)
        inv.length = MSG_REGISTERS_IN_CPU;
    if (inv.ipcbuf) {
        for (unsigned i = 0; i < extra_caps; i++) {
            cptr_t c = inv.ipcbuf[IPCBUF_CAPS_OR_BADGES + i];
            if (cspace_lookup_slot(cspace_root(t), c, &inv.extra[i]) != EXCEPTION_NONE) {
                if (blocking)
                    cap_fault(t, c, false);
                return EXCEPTION_NONE;
            }
            inv.extra_count = i + 1;
        }
    }

    exception_t e = invoke_cap(&inv, can_donate, blocking);
    if (e == EXCEPTION_PREEMPTED)
        return e;
    if (e == EXCEPTION_FAULT) {
        if (blocking)
            fault_handle(t);
        return EXCEPTION_NONE;
    }
    /* The invoker may have blocked (an endpoint Call), suspended or deleted itself: only a
     * caller still running gets the kernel's reply, whose badge register is 0 as in seL4 */
    bool sent = e == EXCEPTION_NONE && cap_type(inv.cap) == CAP_ENDPOINT;
    if (is_call && t->state == TS_RUNNING && !sent) {
        *reg(t, BADGE_REG) = 0;
        if (e == EXCEPTION_SYSCALL_ERROR)
            reply_error(t);
        else
            *reg(t, MSGINFO_REG) = msginfo_new(0, 0, 0, inv.result_len);
    }
    return EXCEPTION_NONE;
}

static void handle_recv(bool blocking, bool can_reply)
{
    struct tcb *t = ks_cur_thread;
    cptr_t src = *reg(t, REG_A0);
    struct cte *slot;
    if (cspace_lookup_slot(cspace_root(t), src, &slot) != EXCEPTION_NONE) {
        cap_fault(t, src, true);
        return;
    }
    cap_t c = slot->cap;
    cur_lookup_fault = (struct lookup_fault){LOOKUP_MISSING_CAPABILITY, 0, 0, 0};
    if (cap_type(c) == CAP_ENDPOINT) {
        if (!(cap_rights(c) & RIGHT_READ)) {
            cap_fault(t, src, true);
            return;
        }
        struct reply *r = NULL;
        if (can_reply) {
            cptr_t rc = *reg(t, REPLY_REG);
            struct cte *rs;
            /* seL4 16 lookupReply: a reply cptr that fails to resolve, or names anything
             * but a reply cap, is a cap fault on the reply cptr */
            if (cspace_lookup_slot(cspace_root(t), rc, &rs) != EXCEPTION_NONE) {
                cap_fault(t, rc, true);
                return;
            }
            if (cap_type(rs->cap) != CAP_REPLY) {
                cur_lookup_fault = (struct lookup_fault){LOOKUP_MISSING_CAPABILITY, 0, 0, 0};
                cap_fault(t, rc, true);
                return;
            }
            r = cap_kptr(rs->cap);
        }
        ipc_receive(t, c, blocking, r);
    } else if (cap_type(c) == CAP_NOTIFICATION) {
        struct notification *n = cap_kptr(c);
        if (!(cap_rights(c) & RIGHT_READ) || (n->bound_tcb && n->bound_tcb != t)) {
            cap_fault(t, src, true);
            return;
        }
        ipc_receive(t, c, blocking, NULL);
    } else {
        cap_fault(t, src, true);
    }
}

void handle_syscall(sword_t number)
{
    struct tcb *t = ks_cur_thread;
    exception_t e = EXCEPTION_NONE;
    t->ctx.regs[REG_PC] = t->ctx.regs[REG_FAULT_IP] + 4;
    switch (number) {
    case SYS_SEND: e = handle_invocation(false, true, false, *reg(t, REG_A0)); break;
    case SYS_NB_SEND: e = handle_invocation(false, false, false, *reg(t, REG_A0)); break;
    case SYS_CALL: e = handle_invocation(true, true, true, *reg(t, REG_A0)); break;
    case SYS_RECV: handle_recv(true, true); break;
    case SYS_NB_RECV: handle_recv(false, true); break;
    case SYS_WAIT: handle_recv(true, false); break;
    case SYS_NB_WAIT: handle_recv(false, false); break;
    case SYS_REPLY_RECV:
        e = handle_invocation(false, false, true, *reg(t, REPLY_REG));
        if (e == EXCEPTION_NONE && t->state == TS_RUNNING)
            handle_recv(true, true);
        break;
    case SYS_NB_SEND_RECV:
        e = handle_invocation(false, false, true, *reg(t, NBSEND_DEST_REG));
        if (e == EXCEPTION_NONE && t->state == TS_RUNNING)
            handle_recv(true, true);
        break;
    case SYS_NB_SEND_WAIT:
        /* seL4 takes this destination from a6, the reply register Wait does not use (its
         * libsel4 leaves t0 = 0); abi.md puts it in t0 with a6 = 0. Slot 0 is never a
         * destination, so a nonzero a6 decides and both conventions work. */
        e = handle_invocation(false, false, true,
                              *reg(t, REPLY_REG) ? *reg(t, REPLY_REG) : *reg(t, NBSEND_DEST_REG));
        if (e == EXCEPTION_NONE && t->state == TS_RUNNING)
            handle_recv(true, false);
        break;
    case SYS_YIELD: sched_yield(); break;
    case SYS_DEBUG_PUTCHAR:
    case SYS_DEBUG_DUMP_SCHEDULER:
    case SYS_DEBUG_HALT:
    case SYS_DEBUG_CAP_IDENTIFY:
    case SYS_DEBUG_SNAPSHOT:
    case SYS_DEBUG_NAME_THREAD:
    case SYS_LARK_DEBUG_DUMP_CNODE:
        handle_debug_syscall(t, number);
        break;
    case SYS_SET_TLS_BASE: *reg(t, REG_TP) = *reg(t, REG_A0); break;
    case SYS_LARK_CHECK_INVARIANTS: *reg(t, REG_A0) = check_kernel_invariants(t); break;
    case SYS_LARK_PREEMPT_STATS: {
        struct preempt_figures f = preempt_stats_take();
        *reg(t, REG_A0) = f.worst;
        *reg(t, REG_A1) = f.restarts;
        *reg(t, REG_A2) = f.worst_pending;
        *reg(t, REG_A3) = f.points;
        *reg(t, REG_A4) = f.entries;
        *reg(t, REG_A5) = f.worst_kind;
        break;
    }
    default:
        /* the fault IP is the ecall itself; a handler's reply decides where it resumes */
        t->ctx.regs[REG_PC] = t->ctx.regs[REG_FAULT_IP];
        cur_fault = (struct fault){.type = FAULT_UNKNOWN_SYSCALL, .data = (word_t)number};
        fault_handle(t);
        return;
    }
    if (e == EXCEPTION_PREEMPTED)
        t->ctx.regs[REG_PC] = t->ctx.regs[REG_FAULT_IP]; /* re-execute the ecall later */
}
