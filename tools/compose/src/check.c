/* Whole-system rules: things no single element can get wrong on its own. */
#include <stdio.h>
#include <string.h>

#include "model.h"

static bool ranges_overlap(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
    return a < b + bsize && b < a + asize;
}

static void check_devices(struct system *sys)
{
    for (int i = 0; i < sys->ndevices; i++)
        for (int j = 0; j < i; j++) {
            const struct device *a = &sys->devices[j], *b = &sys->devices[i];
            if (ranges_overlap(a->paddr, a->size, b->paddr, b->size))
                diag(sys, b->line, "overlapping regions: device '%s' [0x%llx, 0x%llx) overlaps device '%s' (line %d)",
                     b->name, (unsigned long long)b->paddr, (unsigned long long)(b->paddr + b->size), a->name,
                     a->line);
        }
    for (int i = 0; i < sys->nmmio; i++)
        for (int j = 0; j < i; j++)
            if (sys->mmios[i].device >= 0 && sys->mmios[i].device == sys->mmios[j].device &&
                sys->mmios[i].component == sys->mmios[j].component)
                diag(sys, sys->mmios[i].line, "device '%s' mapped twice into '%s' (line %d)",
                     sys->devices[sys->mmios[i].device].name, sys->components[sys->mmios[i].component].name,
                     sys->mmios[j].line);
}

static void check_irqs(struct system *sys)
{
    for (int i = 0; i < sys->nirqs; i++)
        for (int j = 0; j < i; j++)
            if (sys->irqs[i].number == sys->irqs[j].number)
                diag(sys, sys->irqs[i].line, "IRQ %u claimed twice: by '%s' here and by '%s' (line %d)",
                     sys->irqs[i].number, sys->irqs[i].name, sys->irqs[j].name, sys->irqs[j].line);
    /* One notification per thread carries all its IRQs, one badge bit each. */
    for (int c = 0; c < sys->ncomponents; c++)
        for (int t = 0; t < sys->components[c].nthreads; t++) {
            int n = 0;
            for (int i = 0; i < sys->nirqs; i++)
                if (sys->irqs[i].component == c && sys->irqs[i].thread == t && ++n == 61)
                    diag(sys, sys->irqs[i].line, "more than 60 IRQs go to thread '%s' of '%s'",
                         sys->components[c].threads[t].name, sys->components[c].name);
        }
}

static void check_authority(struct system *sys)
{
    int mm = -1;
    for (int c = 0; c < sys->ncomponents; c++) {
        struct component *comp = &sys->components[c];
        if (comp->memory_manager) {
            if (mm >= 0)
                diag(sys, comp->line, "two memory managers: '%s' and '%s'", sys->components[mm].name, comp->name);
            mm = c;
            if (!comp->holds[HOLD_UNTYPED])
                diag(sys, comp->line, "memory manager '%s' must hold untyped (<holds cap=\"untyped\"/>)", comp->name);
        } else if (comp->holds[HOLD_UNTYPED]) {
            /* All remaining untyped memory goes to one place: the memory manager. */
            diag(sys, comp->hold_line[HOLD_UNTYPED],
                 "'%s' holds untyped but is not the memory manager (memory_manager=\"true\")", comp->name);
        }
    }
}

/* Synchronous calls form a directed graph client -> server. A cycle means every component on it
 * may block in seL4_Call waiting for the next one: a deadlock. */
static int rpc_edge_line(const struct system *sys, int from, int to)
{
    for (int r = 0; r < sys->nrpcs; r++)
        for (int k = 0; k < sys->rpcs[r].nclients; k++)
            if (sys->rpcs[r].clients[k].component == from && sys->rpcs[r].server == to)
                return sys->rpcs[r].clients[k].line;
    return 0;
}

static bool find_cycle(const struct system *sys, int node, int *state, int *stack, int depth, struct system *out)
{
    state[node] = 1;
    stack[depth] = node;
    for (int next = 0; next < sys->ncomponents; next++) {
        int line = rpc_edge_line(sys, node, next);
        if (!line)
            continue;
        if (state[next] == 1) {
            char path[1024] = "";
            int start = 0;
            while (stack[start] != next)
                start++;
            for (int i = start; i <= depth; i++) {
                strncat(path, sys->components[stack[i]].name, sizeof path - strlen(path) - 1);
                strncat(path, " -> ", sizeof path - strlen(path) - 1);
            }
            strncat(path, sys->components[next].name, sizeof path - strlen(path) - 1);
            diag(out, line, "a cycle of synchronous calls can deadlock: %s", path);
            return true;
        }
        if (state[next] == 0 && find_cycle(sys, next, state, stack, depth + 1, out))
            return true;
    }
    state[node] = 2;
    return false;
}

static void check_cycles(struct system *sys)
{
    int state[MAX_COMPONENTS] = {0}, stack[MAX_COMPONENTS + 1];
    for (int c = 0; c < sys->ncomponents; c++)
        if (state[c] == 0 && find_cycle(sys, c, state, stack, 0, sys))
            return; /* one cycle reported is enough to fix before looking again */
}

/* A thread blocks on one endpoint at a time, so it can serve one rpc only. */
static void check_servers(struct system *sys)
{
    for (int i = 0; i < sys->nrpcs; i++)
        for (int j = 0; j < i; j++) {
            const struct rpc *a = &sys->rpcs[j], *b = &sys->rpcs[i];
            if (a->server >= 0 && a->server == b->server && a->server_thread == b->server_thread)
                diag(sys, b->line,
                     "thread '%s' of '%s' already serves rpc '%s' (line %d); a thread waits on one endpoint, give "
                     "this rpc its own <thread>",
                     sys->components[b->server].threads[b->server_thread].name, sys->components[b->server].name,
                     a->name, a->line);
        }
}

bool check_system(struct system *sys)
{
    int before = diag_count();
    check_servers(sys);
    check_devices(sys);
    check_irqs(sys);
    check_authority(sys);
    check_cycles(sys);
    return diag_count() == before;
}
