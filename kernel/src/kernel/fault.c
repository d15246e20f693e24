/* Fault delivery: the fault becomes a message to the thread's fault (or timeout) endpoint,
 * sent as a blocking call; the handler's reply decides whether the thread restarts. */
#include <lark/console.h>
#include <lark/fault.h>
#include <lark/ipc.h>

/* seL4's validFaultHandler: an endpoint the thread may send on and get a reply through. */
static bool valid_handler(cap_t c)
{
    return cap_type(c) == CAP_ENDPOINT && (cap_rights(c) & RIGHT_WRITE) &&
           (cap_rights(c) & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
}

static void send_fault(struct tcb *t, cap_t handler, bool can_donate)
{
    word_t r = cap_rights(handler);
    ipc_send(t, cap_kptr(handler), cap_badge(handler), r & RIGHT_GRANT, r & RIGHT_GRANT_REPLY,
             can_donate, true, false);
}

void fault_handle(struct tcb *t)
{
    t->fault = cur_fault;
    cap_t handler = t->slots[TCB_FAULT_EP_SLOT].cap;
    if (valid_handler(handler)) {
        send_fault(t, handler, true);
        return;
    }
    kprintf("fault: thread %s (no fault handler) type %lu addr %lx data %lx at pc %lx: "
            "suspended\n", t->name[0] ? t->name : "(unnamed)", t->fault.type, t->fault.addr,
            t->fault.data, t->ctx.regs[REG_FAULT_IP]);
    t->fault.type = FAULT_NULL;
    thread_set_state(t, TS_INACTIVE);
}

void fault_handle_timeout(struct tcb *t)
{
    t->fault = cur_fault;
    cap_t handler = t->slots[TCB_TIMEOUT_EP_SLOT].cap;
    if (valid_handler(handler)) {
        send_fault(t, handler, false);
        return;
    }
    t->fault.type = FAULT_NULL;
}

/* Copy reply MRs into the registers named by `order` (the fault message's layout). */
static void copy_reply_regs(struct tcb *to, struct tcb *from, const unsigned *order,
                            unsigned n, word_t length)
{
    const word_t *fbuf = tcb_ipc_buffer_kptr(from);
    if (!fbuf && length > MSG_REGISTERS_IN_CPU)
        length = MSG_REGISTERS_IN_CPU; /* without a buffer the rest stays as it was */
    for (unsigned i = 0; i < n && i < length; i++) {
        to->ctx.regs[order[i]] = tcb_get_mr(from, fbuf, i);
    }
}

/* seL4 handleFaultReply: the reply's MRs overwrite the registers the fault message named
 * (whatever the label); only a label of 0 restarts the thread. */
bool fault_handle_reply(struct tcb *receiver, struct tcb *sender, word_t msginfo)
{
    static const unsigned syscall_regs[] = {REG_FAULT_IP, REG_SP, REG_RA, REG_A0, REG_A0 + 1,
                                            REG_A0 + 2, REG_A0 + 3, REG_A0 + 4, REG_A0 + 5,
                                            REG_A0 + 6};
    static const unsigned exception_regs[] = {REG_FAULT_IP, REG_SP};
    /* seL4 riscv TIMEOUT_REPLY_MESSAGE: the seL4_UserContext order with FaultIP first */
    static const unsigned timeout_regs[] = {
        REG_FAULT_IP, REG_XN(1), REG_XN(2), REG_XN(3), REG_XN(8), REG_XN(9), REG_XN(18),
        REG_XN(19), REG_XN(20), REG_XN(21), REG_XN(22), REG_XN(23), REG_XN(24), REG_XN(25),
        REG_XN(26), REG_XN(27), REG_XN(10), REG_XN(11), REG_XN(12), REG_XN(13), REG_XN(14),
        REG_XN(15), REG_XN(16), REG_XN(17), REG_XN(5), REG_XN(6), REG_XN(7), REG_XN(28),
        REG_XN(29), REG_XN(30), REG_XN(31), REG_XN(4)};
    word_t label = msginfo_label(msginfo), length = msginfo_length(msginfo);
    switch (receiver->fault.type) {
    case FAULT_UNKNOWN_SYSCALL:
        copy_reply_regs(receiver, sender, syscall_regs, ARRAY_SIZE(syscall_regs), length);
        return label == 0;
    case FAULT_USER_EXCEPTION:
        copy_reply_regs(receiver, sender, exception_regs, ARRAY_SIZE(exception_regs), length);
        return label == 0;
    case FAULT_TIMEOUT:
        copy_reply_regs(receiver, sender, timeout_regs, ARRAY_SIZE(timeout_regs), length);
        return label == 0;
    default:
        return true; /* cap and VM faults: the handler fixed the cause, run again */
    }
}
