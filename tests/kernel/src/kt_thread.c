/* Helper threads: each gets a TCB, a SchedContext, an IPC buffer frame, one of the static
 * stacks and TLS blocks below, and starts in kt_thread_entry with a0 = its kt_thread_t. */
#include "kt.h"

#define KT_STACK_BYTES 16384
#define KT_TLS_BYTES 512

kt_thread_t kt_threads[KT_MAX_THREADS];
static char stacks[KT_MAX_THREADS][KT_STACK_BYTES] __attribute__((aligned(16)));
static char tls_blocks[KT_MAX_THREADS][KT_TLS_BYTES] __attribute__((aligned(64)));
static int used;
extern char __image_start[];

void kt_tls_init(char *block, size_t size);

void kt_threads_reset(void);
void kt_threads_reset(void)
{
    used = 0;
}

static void kt_thread_entry(kt_thread_t *t)
{
    seL4_SetIPCBuffer((seL4_IPCBuffer *)t->ipc_vaddr);
    t->started = 1;
    t->fn(t);
    t->done = 1;
    for (;;) {
        seL4_TCB_Suspend(t->self);
    }
}

static int claim(kt_thread_t *t, void (*fn)(kt_thread_t *))
{
    if (used >= KT_MAX_THREADS) {
        kt_fail(__FILE__, __LINE__, "more than %d helper threads in one test", KT_MAX_THREADS);
        return -1;
    }
    kt_memset(t, 0, sizeof(*t));
    t->index = used++;
    t->fn = fn;
    return 0;
}

static int configure_sched(kt_thread_t *t, seL4_Word prio, bool with_sc)
{
    seL4_CPtr sc = 0;
    if (with_sc) {
        sc = kt_alloc(seL4_SchedContextObject, 8);
        if (sc == 0) {
            return -1;
        }
        seL4_Error err = seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0);
        if (err != seL4_NoError) {
            kt_fail(__FILE__, __LINE__, "SchedControl_Configure: %s", kt_err_name(err));
            return -1;
        }
    }
    t->sc = sc;
    seL4_Error err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, prio, prio, sc, 0);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "TCB_SetSchedParams: %s", kt_err_name(err));
        return -1;
    }
    return 0;
}

static int new_common(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio, bool with_sc)
{
    if (claim(t, fn) != 0) {
        return -1;
    }
    t->tcb = kt_alloc(seL4_TCBObject, 0);
    if (t->tcb == 0) {
        return -1;
    }
    t->self = t->tcb;
    t->ipc_vaddr = (seL4_Word)kt_page_cap(&t->ipc_frame);
    if (t->ipc_vaddr == 0) {
        return -1;
    }
    seL4_Error err = seL4_TCB_Configure(t->tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, t->ipc_vaddr,
                                        t->ipc_frame);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "TCB_Configure: %s", kt_err_name(err));
        return -1;
    }
    return configure_sched(t, prio, with_sc);
}

int kt_thread_new(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio)
{
    return new_common(t, fn, prio, true);
}

int kt_thread_new_passive(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio)
{
    return new_common(t, fn, prio, false);
}

int kt_thread_start(kt_thread_t *t)
{
    char *tls = tls_blocks[t->index];
    kt_tls_init(tls, KT_TLS_BYTES);
    kt_memset(&t->regs, 0, sizeof(t->regs));
    t->regs.pc = (seL4_Word)kt_thread_entry;
    t->regs.sp = (seL4_Word)&stacks[t->index][KT_STACK_BYTES];
    t->regs.gp = kt_read_gp();
    t->regs.tp = (seL4_Word)tls;
    t->regs.a0 = (seL4_Word)t;
    seL4_Error err = seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof(seL4_UserContext) / sizeof(seL4_Word),
                                             &t->regs);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "TCB_WriteRegisters: %s", kt_err_name(err));
        return -1;
    }
    return 0;
}

int kt_thread_set_fault_ep(kt_thread_t *t, seL4_CPtr ep, seL4_Word prio)
{
    seL4_Error err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, prio, prio, t->sc, ep);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "TCB_SetSchedParams (fault endpoint): %s", kt_err_name(err));
        return -1;
    }
    return 0;
}

bool kt_wait_done(kt_thread_t *t, int rounds)
{
    for (int i = 0; i < rounds && !t->done; i++) {
        seL4_Yield();
    }
    return t->done != 0;
}

/* ---- a second address space */
int kt_space_new(kt_space_t *s)
{
    kt_memset(s, 0, sizeof(*s));
    s->vspace = kt_alloc(seL4_RISCV_PageTableObject, 0);
    if (s->vspace == 0) {
        return -1;
    }
    seL4_Error err = seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, s->vspace);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "ASIDPool_Assign: %s", kt_err_name(err));
        return -1;
    }
    const seL4_SlotRegion *img = &kt_bi->userImageFrames;
    for (seL4_CPtr f = img->start; f < img->end; f++) {
        seL4_CPtr copy = kt_copy(f, seL4_AllRights);
        if (copy == 0) {
            return -1;
        }
        seL4_Word v = (seL4_Word)__image_start + ((f - img->start) << seL4_PageBits);
        if (kt_map(copy, s->vspace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes) != 0) {
            return -1;
        }
    }
    s->cnode_bits = 4;
    s->cnode = kt_alloc(seL4_CapTableObject, s->cnode_bits);
    return s->cnode == 0 ? -1 : 0;
}

int kt_space_give(kt_space_t *s, seL4_Word index, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_Error err = seL4_CNode_Mint(s->cnode, index, (seL4_Uint8)s->cnode_bits, KT_ROOT, src, KT_DEPTH,
                                     rights, badge);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "mint into the space's CNode slot %lu: %s", index, kt_err_name(err));
        return -1;
    }
    return 0;
}

int kt_space_thread_new(kt_space_t *s, kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio)
{
    if (claim(t, fn) != 0) {
        return -1;
    }
    t->tcb = kt_alloc(seL4_TCBObject, 0);
    if (t->tcb == 0) {
        return -1;
    }
    t->self = KT_SPACE_SELF;
    t->ipc_vaddr = (seL4_Word)kt_page_cap(&t->ipc_frame);
    if (t->ipc_vaddr == 0) {
        return -1;
    }
    seL4_CPtr again = kt_copy(t->ipc_frame, seL4_AllRights);
    if (again == 0 || kt_map(again, s->vspace, t->ipc_vaddr, seL4_ReadWrite, 0) != 0) {
        return -1;
    }
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - s->cnode_bits).words[0];
    seL4_Error err = seL4_TCB_Configure(t->tcb, s->cnode, guard, s->vspace, 0, t->ipc_vaddr, again);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "TCB_Configure (space): %s", kt_err_name(err));
        return -1;
    }
    if (kt_space_give(s, KT_SPACE_SELF, t->tcb, seL4_AllRights, 0) != 0) {
        return -1;
    }
    return configure_sched(t, prio, true);
}
