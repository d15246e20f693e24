/* TCB invocations (labels 2..17) and the TCB's fresh state after Retype. */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/cnode.h>
#include <lark/invocation.h>
#include <lark/ipc.h>
#include <lark/mcs_refill.h>
#include <lark/sched.h>
#include <lark/vspace.h>

_Static_assert(offsetof(struct tcb, ctx) == 0, "trap.S finds the context at the TCB start");
_Static_assert(offsetof(struct user_context, fregs) == CTX_OFFSET_FREGS, "fpu.S layout");
_Static_assert(offsetof(struct user_context, fcsr) == CTX_OFFSET_FCSR, "fpu.S layout");

word_t *tcb_ipc_buffer_for_receive(struct tcb *t)
{
    cap_t c = t->slots[TCB_IPC_BUFFER_SLOT].cap;
    if (cap_type(c) != CAP_FRAME || cap_frame_vm_rights(c) != VM_READ_WRITE) {
        return NULL;
    }
    return tcb_ipc_buffer_kptr(t);
}

void tcb_init(struct tcb *t)
{
    t->state = TS_INACTIVE;
    t->ctx.regs[REG_SSTATUS] = SSTATUS_SPIE; /* user mode runs with interrupts on */
}

/* seL4_UserContext order (abi.md section 2): pc, ra, sp, gp, s0..s11, a0..a7, t0..t6, tp.
 * pc is handled apart (it is where the thread resumes). */
static const unsigned user_context_regs[USER_CONTEXT_WORDS] = {
    REG_PC, REG_XN(1), REG_XN(2), REG_XN(3),
    REG_XN(8), REG_XN(9), REG_XN(18), REG_XN(19), REG_XN(20), REG_XN(21), REG_XN(22),
    REG_XN(23), REG_XN(24), REG_XN(25), REG_XN(26), REG_XN(27),
    REG_XN(10), REG_XN(11), REG_XN(12), REG_XN(13), REG_XN(14), REG_XN(15), REG_XN(16),
    REG_XN(17),
    REG_XN(5), REG_XN(6), REG_XN(7), REG_XN(28), REG_XN(29), REG_XN(30), REG_XN(31),
    REG_XN(4),
};
#define FRAME_REGS 16 /* pc, ra, sp, gp, s0..s11: seL4's frameRegisters */

/* seL4 reports pc as FaultIP, the restart pc: for a thread that entered the kernel through a
 * syscall that is the ecall itself, even when it has since been resumed (Suspend moves it to
 * the next instruction, as seL4's updateRestartPC does). */
static word_t read_user_reg(const struct tcb *t, unsigned i)
{
    if (i == 0) {
        return t->ctx.regs[REG_FAULT_IP];
    }
    return t->ctx.regs[user_context_regs[i]];
}

static void write_user_reg(struct tcb *t, unsigned i, word_t v)
{
    if (i == 0) {
        t->ctx.regs[REG_PC] = v;
        t->ctx.regs[REG_FAULT_IP] = v;
        return;
    }
    t->ctx.regs[user_context_regs[i]] = v;
}

static exception_t read_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2) {
        return err_truncated_message();
    }
    word_t flags = inv_arg(inv, 0), n = inv_arg(inv, 1);
    if (n < 1 || n > USER_CONTEXT_WORDS) {
        return err_range(1, USER_CONTEXT_WORDS);
    }
    if (t == inv->thread) {
        return err_illegal_operation();
    }
    if (flags & 1) {
        thread_suspend(t);
    }
    for (unsigned i = 0; i < n; i++) {
        inv_set_result(inv, i, read_user_reg(t, i));
    }
    return EXCEPTION_NONE;
}

static exception_t write_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2) {
        return err_truncated_message();
    }
    word_t flags = inv_arg(inv, 0), n = inv_arg(inv, 1);
    if (inv->length - 2 < n) {
        return err_truncated_message();
    }
    if (t == inv->thread) {
        return err_illegal_operation();
    }
    if (n > USER_CONTEXT_WORDS) {
        n = USER_CONTEXT_WORDS;
    }
    for (unsigned i = 0; i < n; i++) {
        write_user_reg(t, i, inv_arg(inv, i + 2));
    }
    /* seL4 sets NextIP = FaultIP whatever the count: the thread continues at its restart pc */
    t->ctx.regs[REG_PC] = t->ctx.regs[REG_FAULT_IP];
    if (flags & 1) {
        thread_restart(t);
    }
    return EXCEPTION_NONE;
}

static exception_t copy_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 1 || !inv_extra_cap(inv, 0)) {
        return err_truncated_message();
    }
    word_t flags = inv_arg(inv, 0);
    cap_t src_cap = inv_extra_cap(inv, 0)->cap;
    if (cap_type(src_cap) != CAP_THREAD) {
        return err_invalid_cap(1);
    }
    struct tcb *src = tcb_from_cap(src_cap);
    bool suspend = flags & BIT(0), resume = flags & BIT(1);
    bool frame = flags & BIT(2), integer = flags & BIT(3);
    if (suspend) {
        thread_suspend(src);
    }
    if (resume) {
        thread_restart(t);
    }
    for (unsigned i = 0; i < USER_CONTEXT_WORDS; i++) {
        if ((i < FRAME_REGS && frame) || (i >= FRAME_REGS && integer)) {
            write_user_reg(t, i, read_user_reg(src, i));
        }
    }
    if (t == ks_cur_thread) {
        sched_reschedule_required();
    }
    return EXCEPTION_NONE;
}

/* seL4 validFaultHandler: null, or an endpoint that can send and carry a reply. */
static bool valid_fault_handler(cap_t c)
{
    if (cap_is_null(c)) {
        return true;
    }
    return cap_type(c) == CAP_ENDPOINT && (cap_rights(c) & RIGHT_WRITE) &&
           (cap_rights(c) & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
}

/* Replace the cap in one of the TCB's own slots by a copy of `src`'s (null: just empty
 * it). The source must still hold the cap checked during decode. */
static exception_t install_tcb_cap(struct tcb *t, unsigned which, struct cte *src, cap_t c)
{
    struct cte *slot = &t->slots[which];
    exception_t e = cte_delete(slot);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    if (src && !cap_is_null(c) && cap_same_object(src->cap, c)) {
        cte_insert(c, src, slot);
    }
    if (which == TCB_VSPACE_SLOT) {
        vspace_changed(); /* the running thread may have changed its own VSpace */
    }
    return EXCEPTION_NONE;
}

/* seL4 slotCapLongRunningDelete: replacing the final cap of a CNode or thread held in the
 * TCB's own CSpace/VSpace slot would need a preemptible delete in the middle of the
 * invocation, so seL4 refuses it (delete that cap first). */
static bool long_running_delete(const struct cte *slot)
{
    word_t type = cap_type(slot->cap);
    if (cap_is_null(slot->cap) || !cte_is_final_cap(slot)) {
        return false;
    }
    return type == CAP_CNODE || type == CAP_THREAD || type == CAP_ZOMBIE;
}

static exception_t check_space_slots(struct tcb *t)
{
    if (long_running_delete(&t->slots[TCB_CSPACE_SLOT]) ||
        long_running_delete(&t->slots[TCB_VSPACE_SLOT])) {
        return err_illegal_operation();
    }
    return EXCEPTION_NONE;
}

/* A derive failure keeps its own error (an untyped with children: RevokeFirst). */
static exception_t decode_cspace_root(struct cte *slot, word_t data, cap_t *out)
{
    cap_t c = slot->cap;
    if (data != 0) {
        c = cap_update_data(false, data, c);
    }
    exception_t e = cap_derive(slot, c, out);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    if (cap_type(*out) != CAP_CNODE) {
        return err_illegal_operation();
    }
    return EXCEPTION_NONE;
}

static exception_t decode_vspace_root(struct cte *slot, cap_t *out)
{
    exception_t e = cap_derive(slot, slot->cap, out);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    /* seL4 isValidVTableRoot on RISC-V: any mapped page table. One that is not the root of
     * its ASID is accepted too; the thread then runs on the kernel's table (vspace.c) and
     * faults on every user access, as on seL4. */
    if (cap_type(*out) != CAP_PAGE_TABLE || !cap_is_mapped(*out)) {
        return err_illegal_operation();
    }
    return EXCEPTION_NONE;
}

/* SetIPCBuffer's checks: a non-device frame and a 2^10-aligned address (0: no buffer). */
static exception_t decode_buffer(struct cte *slot, word_t addr, cap_t *out)
{
    *out = cap_null();
    if (addr == 0) {
        return EXCEPTION_NONE;
    }
    exception_t e = cap_derive(slot, slot->cap, out);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    if (cap_type(*out) != CAP_FRAME || cap_frame_is_device(*out)) {
        return err_illegal_operation();
    }
    if (!IS_ALIGNED(addr, IPCBUF_SIZE_BITS)) {
        return err_alignment();
    }
    return EXCEPTION_NONE;
}

static exception_t set_buffer(struct tcb *t, word_t addr, struct cte *slot, cap_t c)
{
    exception_t e = install_tcb_cap(t, TCB_IPC_BUFFER_SLOT, addr ? slot : NULL, c);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    t->ipc_buffer = addr;
    if (t == ks_cur_thread) {
        sched_reschedule_required();
    }
    return EXCEPTION_NONE;
}

static exception_t configure(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 3 || inv->extra_count < 3) {
        return err_truncated_message();
    }
    word_t cdata = inv_arg(inv, 0), addr = inv_arg(inv, 2);
    struct cte *cslot = inv_extra_cap(inv, 0), *vslot = inv_extra_cap(inv, 1);
    struct cte *bslot = inv_extra_cap(inv, 2);
    cap_t ccap, vcap, bcap;
    /* seL4's order: the buffer first, then the CSpace and VSpace roots */
    exception_t e = decode_buffer(bslot, addr, &bcap);
    if (e == EXCEPTION_NONE) {
        e = check_space_slots(t);
    }
    if (e == EXCEPTION_NONE) {
        e = decode_cspace_root(cslot, cdata, &ccap);
    }
    if (e == EXCEPTION_NONE) {
        e = decode_vspace_root(vslot, &vcap);
    }
    if (e != EXCEPTION_NONE) {
        return e;
    }
    if ((e = install_tcb_cap(t, TCB_CSPACE_SLOT, cslot, ccap)) != EXCEPTION_NONE ||
        (e = install_tcb_cap(t, TCB_VSPACE_SLOT, vslot, vcap)) != EXCEPTION_NONE) {
        return e;
    }
    return set_buffer(t, addr, bslot, bcap);
}

static exception_t set_space(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2 || inv->extra_count < 3) {
        return err_truncated_message();
    }
    struct cte *fslot = inv_extra_cap(inv, 0), *cslot = inv_extra_cap(inv, 1);
    struct cte *vslot = inv_extra_cap(inv, 2);
    cap_t ccap, vcap;
    exception_t e = check_space_slots(t);
    if (e == EXCEPTION_NONE) {
        e = decode_cspace_root(cslot, inv_arg(inv, 0), &ccap);
    }
    if (e == EXCEPTION_NONE) {
        e = decode_vspace_root(vslot, &vcap);
    }
    if (e != EXCEPTION_NONE) {
        return e;
    }
    /* MCS seL4 checks the fault endpoint only after both roots */
    if (!valid_fault_handler(fslot->cap)) {
        return err_invalid_cap(1);
    }
    if ((e = install_tcb_cap(t, TCB_FAULT_EP_SLOT, fslot, fslot->cap)) != EXCEPTION_NONE ||
        (e = install_tcb_cap(t, TCB_CSPACE_SLOT, cslot, ccap)) != EXCEPTION_NONE) {
        return e;
    }
    return install_tcb_cap(t, TCB_VSPACE_SLOT, vslot, vcap);
}

static exception_t set_ipc_buffer(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 1 || !inv_extra_cap(inv, 0)) {
        return err_truncated_message();
    }
    word_t addr = inv_arg(inv, 0);
    struct cte *bslot = inv_extra_cap(inv, 0);
    cap_t bcap;
    exception_t e = decode_buffer(bslot, addr, &bcap);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    return set_buffer(t, addr, bslot, bcap);
}

/* The authority TCB (extra cap 0) and the value checked against its MCP. */
static exception_t check_prio(struct invocation *inv, word_t prio, struct tcb **auth)
{
    cap_t a = inv_extra_cap(inv, 0)->cap;
    if (cap_type(a) != CAP_THREAD) {
        return err_invalid_cap(1);
    }
    *auth = tcb_from_cap(a);
    if (prio > (*auth)->mcp) {
        return err_range(0, (*auth)->mcp);
    }
    return EXCEPTION_NONE;
}

static void reorder_queue(struct tcb *t)
{
    if (t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_RECEIVE) {
        struct endpoint *ep = (struct endpoint *)(uintptr_t)t->blocking_object;
        word_t state = ep_state(ep);
        ep_remove(ep, t);
        ep_append(ep, t, state);
    } else if (t->state == TS_BLOCKED_ON_NOTIFICATION) {
        struct notification *n = (struct notification *)(uintptr_t)t->blocking_object;
        ntfn_remove(n, t);
        ntfn_append(n, t);
    }
}

/* seL4 setPriority: a queued (or the current) thread goes to the head of its new priority
 * and the scheduler chooses again; a blocked one moves in its IPC queue. */
static void set_priority(struct tcb *t, word_t prio)
{
    if (thread_is_runnable(t) && (t->in_ready_queue || t == ks_cur_thread)) {
        rq_dequeue(&ks_ready, t);
        t->priority = prio;
        sched_enqueue(t);
        sched_reschedule_required();
        return;
    }
    t->priority = prio;
    reorder_queue(t);
}

static exception_t set_priority_inv(struct invocation *inv, struct tcb *t, bool mcp)
{
    if (inv->length < 1 || !inv_extra_cap(inv, 0)) {
        return err_truncated_message();
    }
    word_t prio = inv_arg(inv, 0);
    struct tcb *auth;
    exception_t e = check_prio(inv, prio, &auth);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    if (mcp) {
        t->mcp = prio;
    } else {
        set_priority(t, prio);
    }
    return EXCEPTION_NONE;
}

static bool sc_released(struct sched_context *sc)
{
    return sc_is_active(sc) && refill_ready(sc, ks_cur_time) && refill_sufficient(sc, 0);
}

static exception_t set_sched_params(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2 || inv->extra_count < 3) {
        return err_truncated_message();
    }
    word_t mcp = inv_arg(inv, 0), prio = inv_arg(inv, 1);
    struct tcb *auth;
    exception_t e = check_prio(inv, mcp, &auth);
    if (e == EXCEPTION_NONE) {
        e = check_prio(inv, prio, &auth);
    }
    if (e != EXCEPTION_NONE) {
        return e;
    }
    cap_t sccap = inv_extra_cap(inv, 1)->cap;
    struct cte *fslot = inv_extra_cap(inv, 2);
    struct sched_context *sc = NULL;
    if (cap_type(sccap) == CAP_SCHED_CONTEXT) {
        sc = cap_kptr(sccap);
        if ((t->sc && t->sc != sc) || (!t->sc && sc->tcb)) {
            return err_illegal_operation();
        }
        if (!thread_is_runnable(t) && t->state != TS_INACTIVE && !sc_released(sc)) {
            return err_illegal_operation();
        }
    } else if (cap_is_null(sccap)) {
        if (t == ks_cur_thread && t->sc) {
            return err_illegal_operation();
        }
    } else {
        return err_invalid_cap(2);
    }
    if (!valid_fault_handler(fslot->cap)) {
        return err_invalid_cap(3);
    }
    e = install_tcb_cap(t, TCB_FAULT_EP_SLOT, fslot, fslot->cap);
    if (e != EXCEPTION_NONE) {
        return e;
    }
    t->mcp = mcp;
    if (sc && sc != t->sc) {
        sched_context_bind_tcb(sc, t);
    } else if (!sc && t->sc) {
        sched_context_unbind_tcb(t->sc);
    }
    set_priority(t, prio);
    return EXCEPTION_NONE;
}

static exception_t set_timeout_endpoint(struct invocation *inv, struct tcb *t)
{
    struct cte *slot = inv_extra_cap(inv, 0);
    if (!slot) {
        return err_truncated_message();
    }
    if (!valid_fault_handler(slot->cap)) {
        return err_invalid_cap(1);
    }
    return install_tcb_cap(t, TCB_TIMEOUT_EP_SLOT, slot, slot->cap);
}

static exception_t bind_notification(struct invocation *inv, struct tcb *t)
{
    struct cte *slot = inv_extra_cap(inv, 0);
    if (!slot) {
        return err_truncated_message();
    }
    if (t->bound_notification) {
        return err_illegal_operation();
    }
    cap_t c = slot->cap;
    if (cap_type(c) != CAP_NOTIFICATION || !(cap_rights(c) & RIGHT_READ)) {
        return err_illegal_operation();
    }
    struct notification *n = cap_kptr(c);
    if (n->head || n->bound_tcb) {
        return err_illegal_operation();
    }
    ntfn_bind_tcb(n, t);
    return EXCEPTION_NONE;
}

static exception_t set_flags(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2) {
        return err_truncated_message();
    }
    word_t clear = inv_arg(inv, 0), set = inv_arg(inv, 1);
    t->flags = ((t->flags & ~clear) | set) & TCB_FLAG_FPU_DISABLED;
    if (t->flags & TCB_FLAG_FPU_DISABLED) {
        fpu_release(t); /* its F/D state is saved; FS stays off while disabled */
    }
    inv_set_result(inv, 0, t->flags);
    return EXCEPTION_NONE;
}

exception_t decode_tcb_invocation(struct invocation *inv)
{
    struct tcb *t = tcb_from_cap(inv->cap);
    switch (inv->label) {
    case TCB_READ_REGISTERS: return read_registers(inv, t);
    case TCB_WRITE_REGISTERS: return write_registers(inv, t);
    case TCB_COPY_REGISTERS: return copy_registers(inv, t);
    case TCB_CONFIGURE: return configure(inv, t);
    case TCB_SET_PRIORITY: return set_priority_inv(inv, t, false);
    case TCB_SET_MC_PRIORITY: return set_priority_inv(inv, t, true);
    case TCB_SET_SCHED_PARAMS: return set_sched_params(inv, t);
    case TCB_SET_TIMEOUT_ENDPOINT: return set_timeout_endpoint(inv, t);
    case TCB_SET_IPC_BUFFER: return set_ipc_buffer(inv, t);
    case TCB_SET_SPACE: return set_space(inv, t);
    case TCB_SUSPEND:
        thread_suspend(t);
        return EXCEPTION_NONE;
    case TCB_RESUME:
        thread_restart(t);
        return EXCEPTION_NONE;
    case TCB_BIND_NOTIFICATION: return bind_notification(inv, t);
    case TCB_UNBIND_NOTIFICATION:
        if (!t->bound_notification) {
            return err_illegal_operation();
        }
        ntfn_unbind_tcb(t->bound_notification);
        return EXCEPTION_NONE;
    case TCB_SET_TLS_BASE:
        if (inv->length < 1) {
            return err_truncated_message();
        }
        t->ctx.regs[REG_TP] = inv_arg(inv, 0);
        return EXCEPTION_NONE;
    case TCB_SET_FLAGS: return set_flags(inv, t);
    default: return err_illegal_operation();
    }
}
