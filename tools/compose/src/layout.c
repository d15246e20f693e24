/* Gives every cap a CSpace slot and every region a virtual address, then checks that nothing
 * in one address space overlaps. ELF segments are checked later, when the ELFs are read. */
#include <string.h>

#include "lark_spec.h"
#include "model.h"

struct vregion {
    const char *what;
    char name[MAX_NAME + 16];
    uint64_t start, size;
    int line;
};

static int collect_regions(const struct system *sys, int c, struct vregion *out, int max)
{
    int n = 0;
    const struct component *comp = &sys->components[c];
    for (int t = 0; t < comp->nthreads && n + 2 <= max; t++) {
        const struct thread_desc *th = &comp->threads[t];
        out[n++] = (struct vregion){"IPC buffer of thread", "", th->ipc_buffer, 4096, th->line};
        strcpy(out[n - 1].name, th->name);
        out[n++] = (struct vregion){"stack of thread", "", th->stack_top - comp->stack_size, comp->stack_size, th->line};
        strcpy(out[n - 1].name, th->name);
    }
    for (int i = 0; i < sys->nshared; i++)
        for (int k = 0; k < sys->shared[i].nsides && n < max; k++)
            if (sys->shared[i].sides[k].component == c) {
                out[n] = (struct vregion){"shared region", "", sys->shared[i].sides[k].vaddr, sys->shared[i].size,
                                          sys->shared[i].sides[k].line};
                strcpy(out[n++].name, sys->shared[i].name);
            }
    for (int i = 0; i < sys->nmmio && n < max; i++)
        if (sys->mmios[i].component == c && sys->mmios[i].device >= 0) {
            const struct device *d = &sys->devices[sys->mmios[i].device];
            out[n] = (struct vregion){"device", "", sys->mmios[i].vaddr, d->size, sys->mmios[i].line};
            strcpy(out[n++].name, d->name);
        }
    return n;
}

/* Picks the lowest address at or above the cursor that misses every explicit region. */
static uint64_t place(const struct system *sys, int c, uint64_t *cursor, uint64_t size)
{
    struct vregion regs[MAX_ITEMS * 2];
    int n = collect_regions(sys, c, regs, MAX_ITEMS * 2);
    bool moved = true;
    while (moved) {
        moved = false;
        for (int i = 0; i < n; i++)
            if (regs[i].start && regs[i].start < *cursor + size + LAYOUT_GUARD &&
                *cursor < regs[i].start + regs[i].size + LAYOUT_GUARD) {
                *cursor = regs[i].start + regs[i].size + LAYOUT_GUARD;
                moved = true;
            }
    }
    uint64_t at = *cursor;
    *cursor += size + LAYOUT_GUARD;
    return at;
}

static void place_threads(struct component *comp)
{
    for (int t = 0; t < comp->nthreads; t++) {
        struct thread_desc *th = &comp->threads[t];
        th->ipc_buffer = LAYOUT_THREAD_BASE + (uint64_t)t * LAYOUT_THREAD_STRIDE;
        th->stack_top = th->ipc_buffer + LAYOUT_STACK_OFFSET + comp->stack_size;
    }
}

static void place_regions(struct system *sys)
{
    for (int c = 0; c < sys->ncomponents; c++) {
        uint64_t cursor = LAYOUT_REGION_BASE;
        for (int i = 0; i < sys->nshared; i++)
            for (int k = 0; k < sys->shared[i].nsides; k++)
                if (sys->shared[i].sides[k].component == c && !sys->shared[i].sides[k].vaddr)
                    sys->shared[i].sides[k].vaddr = place(sys, c, &cursor, sys->shared[i].size);
        for (int i = 0; i < sys->nmmio; i++)
            if (sys->mmios[i].component == c && !sys->mmios[i].vaddr && sys->mmios[i].device >= 0)
                sys->mmios[i].vaddr = place(sys, c, &cursor, sys->devices[sys->mmios[i].device].size);
    }
}

static void check_overlaps(struct system *sys)
{
    struct vregion regs[MAX_ITEMS * 2];
    for (int c = 0; c < sys->ncomponents; c++) {
        int n = collect_regions(sys, c, regs, MAX_ITEMS * 2);
        for (int i = 0; i < n; i++) {
            if (regs[i].start + regs[i].size > LARK_SPEC_USER_TOP)
                diag(sys, regs[i].line, "%s '%s' of '%s' ends above the user address limit 0x%llx", regs[i].what,
                     regs[i].name, sys->components[c].name, (unsigned long long)LARK_SPEC_USER_TOP);
            for (int j = 0; j < i; j++)
                if (regs[i].start < regs[j].start + regs[j].size && regs[j].start < regs[i].start + regs[i].size)
                    diag(sys, regs[i].line,
                         "overlapping regions in '%s': %s '%s' [0x%llx, 0x%llx) and %s '%s' [0x%llx, 0x%llx)",
                         sys->components[c].name, regs[i].what, regs[i].name, (unsigned long long)regs[i].start,
                         (unsigned long long)(regs[i].start + regs[i].size), regs[j].what, regs[j].name,
                         (unsigned long long)regs[j].start, (unsigned long long)(regs[j].start + regs[j].size));
        }
    }
}

static void assign_slots(struct system *sys)
{
    for (int c = 0; c < sys->ncomponents; c++) {
        struct component *comp = &sys->components[c];
        uint32_t next = SLOT_THREAD_BASE;
        for (int t = 0; t < comp->nthreads; t++) {
            comp->threads[t].slot_tcb = next++;
            comp->threads[t].slot_sc = next++;
            comp->threads[t].slot_reply = next++;
        }
        for (int t = 0; t < comp->nthreads; t++) {
            unsigned bit = 0;
            for (int i = 0; i < sys->nirqs; i++)
                if (sys->irqs[i].component == c && sys->irqs[i].thread == t)
                    sys->irqs[i].bit = bit++;
            comp->threads[t].has_irqs = bit > 0;
            if (bit)
                comp->threads[t].slot_irq_ntfn = next++;
        }
        for (int i = 0; i < sys->nrpcs; i++) {
            struct rpc *r = &sys->rpcs[i];
            if (r->server == c) {
                r->server_slot = next++;
                if (r->interface >= 0 && sys->interfaces[r->interface].carries_caps)
                    r->recv_slot = next++;
            }
            for (int k = 0; k < r->nclients; k++)
                if (r->clients[k].component == c)
                    r->clients[k].slot = next++;
        }
        for (int i = 0; i < sys->nnotifications; i++) {
            struct notification *o = &sys->notifications[i];
            if (o->waiter == c)
                o->waiter_slot = next++;
            for (int k = 0; k < o->nsignallers; k++)
                if (o->signallers[k].component == c)
                    o->signallers[k].slot = next++;
        }
        for (int i = 0; i < sys->nirqs; i++)
            if (sys->irqs[i].component == c)
                sys->irqs[i].slot_handler = next++;
        for (int h = HOLD_ASID_POOL; h < HOLD_COUNT; h++)
            if (comp->holds[h])
                comp->hold_slot[h] = next++;
        comp->first_free_slot = next;
        if ((uint64_t)next > (1ull << comp->cnode_bits))
            diag(sys, comp->line, "component '%s' needs %u CNode slots but cnode_bits=%u gives %llu", comp->name,
                 next, comp->cnode_bits, 1ull << comp->cnode_bits);
    }
}

bool layout_system(struct system *sys)
{
    int before = diag_count();
    for (int c = 0; c < sys->ncomponents; c++)
        place_threads(&sys->components[c]);
    place_regions(sys);
    check_overlaps(sys);
    assign_slots(sys);
    return diag_count() == before;
}
