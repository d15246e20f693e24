/* IRQ control and IRQ handlers through the PLIC. An IRQ is masked when it is delivered and
 * unmasked by the handler's Ack, so it is never re-delivered before the Ack. */
#include <lark/arch/machine.h>
#include <lark/cnode.h>
#include <lark/console.h>
#include <lark/cspace.h>
#include <lark/invocation.h>
#include <lark/ipc.h>
#include <lark/irq.h>

word_t plic_max_irq(void);

word_t irq_states[MAX_IRQ + 1];
struct cte irq_notification_slots[MAX_IRQ + 1];

static void set_state(word_t irq, word_t state)
{
    irq_states[irq] = state;
    plic_enable(irq, state == IRQ_SIGNAL);
}

void irq_handle(word_t irq)
{
    plic_enable(irq, false);
    plic_complete(irq);
    if (irq > MAX_IRQ || irq_states[irq] != IRQ_SIGNAL) {
        kprintf("kernel: spurious IRQ %lu masked\n", irq);
        return;
    }
    cap_t n = irq_notification_slots[irq].cap;
    if (cap_type(n) == CAP_NOTIFICATION && (cap_rights(n) & RIGHT_WRITE))
        ntfn_signal(cap_kptr(n), cap_badge(n));
}

void irq_handler_finalise(word_t irq)
{
    if (irq > MAX_IRQ)
        return;
    cte_delete_one(&irq_notification_slots[irq]);
    set_state(irq, IRQ_INACTIVE);
}

static exception_t issue(struct invocation *inv, word_t irq, word_t index, word_t depth)
{
    /* seL4's maxIRQ (the reported bound) is its core timer IRQ, numbered right after the
     * last PLIC source; only the PLIC sources themselves can be issued */
    word_t max = plic_max_irq();
    if (irq == 0 || irq > max)
        return err_range(1, max + 1);
    if (irq_states[irq] != IRQ_INACTIVE)
        return err_revoke_first();
    struct cte *dest;
    exception_t e = cspace_lookup_for_op(false, inv_extra_cap(inv, 0)->cap, index, depth, &dest);
    if (e != EXCEPTION_NONE)
        return e;
    if (!cap_is_null(dest->cap))
        return err_delete_first();
    set_state(irq, IRQ_SIGNAL);
    cte_insert(cap_irq_handler(irq), inv->slot, dest);
    return EXCEPTION_NONE;
}

exception_t decode_irq_control_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case IRQ_ISSUE_IRQ_HANDLER:
        if (inv->length < 3 || !inv_extra_cap(inv, 0))
            return err_truncated_message();
        return issue(inv, inv_arg(inv, 0), inv_arg(inv, 1), inv_arg(inv, 2));
    case RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER:
        /* the PLIC has no per-source trigger setting: the trigger word is accepted as is */
        if (inv->length < 4 || !inv_extra_cap(inv, 0))
            return err_truncated_message();
        return issue(inv, inv_arg(inv, 0), inv_arg(inv, 2), inv_arg(inv, 3));
    default:
        return err_illegal_operation();
    }
}

exception_t decode_irq_handler_invocation(struct invocation *inv)
{
    word_t irq = cap_irq(inv->cap);
    switch (inv->label) {
    case IRQ_ACK_IRQ:
        plic_enable(irq, true);
        return EXCEPTION_NONE;
    case IRQ_SET_IRQ_HANDLER: {
        struct cte *src = inv_extra_cap(inv, 0);
        if (!src)
            return err_truncated_message();
        cap_t n = src->cap;
        if (cap_type(n) != CAP_NOTIFICATION || !(cap_rights(n) & RIGHT_WRITE))
            return err_invalid_cap(0);
        struct cte *slot = &irq_notification_slots[irq];
        cte_delete_one(slot);
        cte_insert(n, src, slot);
        return EXCEPTION_NONE;
    }
    case IRQ_CLEAR_IRQ_HANDLER:
        cte_delete_one(&irq_notification_slots[irq]);
        return EXCEPTION_NONE;
    default:
        return err_illegal_operation();
    }
}
