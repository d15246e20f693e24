/* System call dispatch: every number of abi.md section 1 plus the LarkOS debug calls. */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/arch/sbi.h>
#include <lark/console.h>
#include <lark/cspace.h>
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
static void reply_error(struct tcb *t, word_t *buf)
{
    buf = buf ? tcb_ipc_buffer_for_receive(t) : NULL; /* replies need a writable buffer */
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

/* seL4 replyFromKernel_success_empty: a Call on a reply cap returns at once, empty. */
static void reply_empty_to_call(struct tcb *t, bool is_call)
{
    if (is_call && t->state == TS_RUNNING) {
        *reg(t, BADGE_REG) = 0;
        *reg(t, MSGINFO_REG) = msginfo_new(0, 0, 0, 0);
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
    struct invocation inv = {.thread = t, .label = msginfo_label(info), .cap = slot->cap,
                             .slot = slot, .ipcbuf = tcb_ipc_buffer_kptr(t),
                             .is_call = is_call};
    inv.length = msginfo_length(info);
    if (inv.length > MSG_MAX_LENGTH)
        inv.length = MSG_MAX_LENGTH;
    if (!inv.ipcbuf && inv.length > MSG_REGISTERS_IN_CPU)
        inv.length = MSG_REGISTERS_IN_CPU;
    if (inv.ipcbuf) {
        for (unsigned i = 0; i < msginfo_extra_caps(info); i++) {
            cptr_t c = inv.ipcbuf[IPCBUF_CAPS_OR_BADGES + i];
            if (cspace_lookup_slot(cspace_root(t), c, &inv.extra[i]) != EXCEPTION_NONE) {
                if (blocking)
                    cap_fault(t, c, false);
                return EXCEPTION_NONE;
            }
            inv.extra_count = i + 1;
        }
    }

    cap_t c = slot->cap;
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        if (!(cap_rights(c) & RIGHT_WRITE))
            break; /* decode_invocation answers InvalidCapability, as seL4 */
        ipc_send(t, cap_kptr(c), cap_badge(c), cap_rights(c) & RIGHT_GRANT,
                 cap_rights(c) & RIGHT_GRANT_REPLY, can_donate, blocking, is_call);
        return EXCEPTION_NONE;
    case CAP_NOTIFICATION:
        /* seL4 decodes a signal like any invocation: no Write right is an InvalidCapability
         * error (a reply only for Call, never a fault); success replies empty to a Call */
        if (!(cap_rights(c) & RIGHT_WRITE)) {
            err_invalid_cap(0);
            if (is_call)
                reply_error(t, inv.ipcbuf);
            return EXCEPTION_NONE;
        }
        ntfn_signal(cap_kptr(c), cap_badge(c));
        if (is_call && t->state == TS_RUNNING) {
            *reg(t, BADGE_REG) = 0;
            *reg(t, MSGINFO_REG) = msginfo_new(0, 0, 0, 0);
        }
        return EXCEPTION_NONE;
    case CAP_REPLY:
        ipc_reply(t, cap_kptr(c), cap_reply_can_grant(c));
        reply_empty_to_call(t, is_call);
        return EXCEPTION_NONE;
    default:
        break;
    }

    exception_t e = decode_invocation(&inv);
    if (e == EXCEPTION_PREEMPTED)
        return e;
    if (e == EXCEPTION_FAULT) {
        if (blocking)
            fault_handle(t);
        return EXCEPTION_NONE;
    }
    /* the invoker may have suspended or deleted itself: only a running caller gets a reply */
    if (is_call && t->state == TS_RUNNING) {
        if (e == EXCEPTION_SYSCALL_ERROR)
            reply_error(t, inv.ipcbuf);
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

static void debug_name_thread(struct tcb *t)
{
    struct cte *slot;
    word_t *buf = tcb_ipc_buffer_kptr(t);
    if (cspace_lookup_slot(cspace_root(t), *reg(t, REG_A0), &slot) != EXCEPTION_NONE ||
        cap_type(slot->cap) != CAP_THREAD || !buf)
        return; /* seL4 halts here; a debug call should not take the machine down */
    struct tcb *target = tcb_from_cap(slot->cap);
    const char *name = (const char *)&buf[IPCBUF_MSG];
    word_t max = (MSG_MAX_LENGTH * WORD_BYTES);
    word_t n = 0;
    while (n < max && name[n])
        n++;
    if (n == max)
        return; /* not terminated inside the message */
    if (n >= sizeof(target->name))
        n = sizeof(target->name) - 1;
    for (word_t i = 0; i < n; i++)
        target->name[i] = name[i];
    target->name[n] = 0;
}

static const char *cap_type_name(word_t type)
{
    switch (type) {
    case CAP_UNTYPED: return "untyped";
    case CAP_ENDPOINT: return "endpoint";
    case CAP_NOTIFICATION: return "notification";
    case CAP_REPLY: return "reply";
    case CAP_CNODE: return "cnode";
    case CAP_THREAD: return "tcb";
    case CAP_IRQ_CONTROL: return "irq_control";
    case CAP_IRQ_HANDLER: return "irq_handler";
    case CAP_ZOMBIE: return "zombie";
    case CAP_DOMAIN: return "domain";
    case CAP_SCHED_CONTEXT: return "sched_context";
    case CAP_SCHED_CONTROL: return "sched_control";
    case CAP_FRAME: return "frame";
    case CAP_PAGE_TABLE: return "page_table";
    case CAP_ASID_CONTROL: return "asid_control";
    case CAP_ASID_POOL: return "asid_pool";
    default: return "?";
    }
}

static void debug_dump_cnode(struct tcb *t)
{
    struct cte *slot;
    cptr_t cptr = *reg(t, REG_A0);
    if (cspace_lookup_slot(cspace_root(t), cptr, &slot) != EXCEPTION_NONE ||
        cap_type(slot->cap) != CAP_CNODE) {
        kprintf("DebugDumpCNode: %lx is not a CNode cap\n", cptr);
        return;
    }
    cap_t cn = slot->cap;
    struct cte *s = cap_kptr(cn);
    word_t n = BIT(cap_cnode_radix(cn));
    kprintf("CNode %lx: %lu slots, guard %lx/%u\n", cap_ptr(cn), n, cap_cnode_guard(cn),
            cap_cnode_guard_size(cn));
    for (word_t i = 0; i < n; i++) {
        cap_t c = s[i].cap;
        if (cap_is_null(c))
            continue;
        kprintf("  %4lu: %s", i, cap_type_name(cap_type(c)));
        switch (cap_type(c)) {
        case CAP_ENDPOINT:
        case CAP_NOTIFICATION:
            kprintf(" %lx badge %lx rights %lx", cap_ptr(c), cap_badge(c), cap_rights(c));
            break;
        case CAP_UNTYPED:
            kprintf(" %lx 2^%u%s used %lx", cap_ptr(c), cap_untyped_size_bits(c),
                    cap_untyped_is_device(c) ? " device" : "", cap_untyped_free_index(c));
            break;
        case CAP_FRAME:
            kprintf(" %lx 2^%u rights %u", cap_ptr(c), frame_size_bits(cap_frame_size(c)),
                    cap_frame_vm_rights(c));
            if (cap_is_mapped(c))
                kprintf(" mapped asid %lu at %lx", cap_mapped_asid(c), cap_mapped_vaddr(c));
            break;
        case CAP_IRQ_HANDLER: kprintf(" irq %lu", cap_irq(c)); break;
        case CAP_CNODE:
            kprintf(" %lx radix %u guard %lx/%u", cap_ptr(c), cap_cnode_radix(c),
                    cap_cnode_guard(c), cap_cnode_guard_size(c));
            break;
        case CAP_NULL: break;
        default: kprintf(" %lx", cap_ptr(c)); break;
        }
        kputs("\n");
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
        /* seL4 takes this destination from a6 (its libsel4 leaves t0 = 0); abi.md and our
         * libsel4 put it in t0 (a6 = 0). Slot 0 is never a destination, so both work. */
        e = handle_invocation(false, false, true,
                              *reg(t, REPLY_REG) ? *reg(t, REPLY_REG) : *reg(t, NBSEND_DEST_REG));
        if (e == EXCEPTION_NONE && t->state == TS_RUNNING)
            handle_recv(true, false);
        break;
    case SYS_YIELD: sched_yield(); break;
    case SYS_DEBUG_PUTCHAR: kputc((char)*reg(t, REG_A0)); break;
    case SYS_DEBUG_DUMP_SCHEDULER: sched_dump(); break;
    case SYS_DEBUG_HALT:
        kputs("DebugHalt: shutting down\n");
        sbi_shutdown(false);
    case SYS_DEBUG_CAP_IDENTIFY: {
        struct cte *slot;
        word_t type = 0;
        if (cspace_lookup_slot(cspace_root(t), *reg(t, REG_A0), &slot) == EXCEPTION_NONE)
            type = cap_type(slot->cap);
        *reg(t, REG_A0) = type;
        break;
    }
    case SYS_DEBUG_NAME_THREAD: debug_name_thread(t); break;
    case SYS_SET_TLS_BASE: *reg(t, REG_TP) = *reg(t, REG_A0); break;
    case SYS_LARK_DEBUG_DUMP_CNODE: debug_dump_cnode(t); break;
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
