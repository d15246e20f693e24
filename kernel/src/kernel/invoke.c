/* Invocations of kernel objects: argument access, dispatch by cap type, the reply. */
#include <lark/cnode.h>
#include <lark/invocation.h>
#include <lark/irq.h>
#include <lark/objects.h>
#include <lark/sched.h>
#include <lark/untyped.h>
#include <lark/vspace.h>

void inv_set_result(struct invocation *inv, unsigned i, word_t v)
{
    /* seL4 hands results only to a Call (ReadRegisters, GetAddress, SetFlags check `call`):
     * an invocation by Send leaves the invoker's message registers and buffer alone */
    if (!inv->is_call)
        return;
    word_t *buf = i < MSG_REGISTERS_IN_CPU ? NULL : tcb_ipc_buffer_for_receive(inv->thread);
    if (i < MSG_REGISTERS_IN_CPU)
        inv->thread->ctx.regs[MR_REG(i)] = v;
    else if (buf && i < MSG_MAX_LENGTH)
        buf[IPCBUF_MSG + i] = v;
    else
        return; /* no IPC buffer: results past MR3 are lost, as on seL4 */
    if (inv->result_len < i + 1)
        inv->result_len = i + 1;
}

exception_t decode_invocation(struct invocation *inv)
{
    switch (cap_type(inv->cap)) {
    case CAP_UNTYPED: return decode_untyped_invocation(inv);
    case CAP_CNODE: return decode_cnode_invocation(inv);
    case CAP_THREAD: return decode_tcb_invocation(inv);
    case CAP_SCHED_CONTEXT: return decode_sched_context_invocation(inv);
    case CAP_SCHED_CONTROL: return decode_sched_control_invocation(inv);
    case CAP_IRQ_CONTROL: return decode_irq_control_invocation(inv);
    case CAP_IRQ_HANDLER: return decode_irq_handler_invocation(inv);
    case CAP_DOMAIN: return decode_domain_invocation(inv);
    case CAP_FRAME: return decode_frame_invocation(inv);
    case CAP_PAGE_TABLE: return decode_page_table_invocation(inv);
    case CAP_ASID_CONTROL: return decode_asid_control_invocation(inv);
    case CAP_ASID_POOL: return decode_asid_pool_invocation(inv);
    case CAP_NULL:
    case CAP_ZOMBIE:
    default:
        return err_invalid_cap(0);
    }
}
