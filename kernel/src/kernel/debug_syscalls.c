/* Debug syscalls: console output, cap identification, CSpace dumps, thread names. */
#include <lark/arch/sbi.h>
#include <lark/console.h>
#include <lark/cspace.h>
#include <lark/debug_syscalls.h>
#include <lark/objects.h>
#include <lark/sched.h>

static word_t *reg(struct tcb *t, unsigned r) { return &t->ctx.regs[r]; }
static cap_t cspace_root(struct tcb *t) { return t->slots[TCB_CSPACE_SLOT].cap; }

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

static void dump_cnode(cap_t cn)
{
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

static void debug_dump_cnode(struct tcb *t)
{
    struct cte *slot;
    cptr_t cptr = *reg(t, REG_A0);
    if (cspace_lookup_slot(cspace_root(t), cptr, &slot) != EXCEPTION_NONE ||
        cap_type(slot->cap) != CAP_CNODE) {
        kprintf("DebugDumpCNode: %lx is not a CNode cap\n", cptr);
        return;
    }
    dump_cnode(slot->cap);
}

/* seL4 prints the caller's capDL here; LarkOS prints the caller's CSpace root instead. */
static void debug_snapshot(struct tcb *t)
{
    kprintf("DebugSnapshot: thread %s\n", t->name[0] ? t->name : "(unnamed)");
    cap_t root = cspace_root(t);
    if (cap_type(root) == CAP_CNODE)
        dump_cnode(root);
    else
        kputs("  no CSpace root\n");
}

/* seL4's lookupCapAndSlot answers the null cap (type 0) when the lookup fails. */
static word_t debug_cap_identify(struct tcb *t, cptr_t cptr)
{
    struct cte *slot;
    if (cspace_lookup_slot(cspace_root(t), cptr, &slot) != EXCEPTION_NONE)
        return CAP_NULL;
    return cap_type(slot->cap);
}

void handle_debug_syscall(struct tcb *t, sword_t number)
{
    switch (number) {
    case SYS_DEBUG_PUTCHAR: kputc((char)*reg(t, REG_A0)); break;
    case SYS_DEBUG_DUMP_SCHEDULER: sched_dump(); break;
    case SYS_DEBUG_HALT:
        kputs("DebugHalt: shutting down\n");
        sbi_shutdown(false);
    case SYS_DEBUG_CAP_IDENTIFY: *reg(t, REG_A0) = debug_cap_identify(t, *reg(t, REG_A0)); break;
    case SYS_DEBUG_SNAPSHOT: debug_snapshot(t); break;
    case SYS_DEBUG_NAME_THREAD: debug_name_thread(t); break;
    case SYS_LARK_DEBUG_DUMP_CNODE: debug_dump_cnode(t); break;
    default: break;
    }
}
