/* Lint rules written in the description's <lint> block. A broken rule is an error, so a
 * description that grants authority its own rules forbid never produces a spec. */
#include <string.h>

#include "model.h"

static int hold_index(const char *name)
{
    for (int h = 0; h < HOLD_COUNT; h++)
        if (strcmp(name, held_cap_names[h]) == 0)
            return h;
    return -1;
}

static void lint_only_maps(const struct system *sys, const struct lint_rule *r)
{
    int dev = find_device(sys, r->what);
    for (int i = 0; i < sys->nmmio; i++) {
        const struct mmio *m = &sys->mmios[i];
        if (m->device != dev || m->component < 0 || strcmp(sys->components[m->component].name, r->who) == 0)
            continue;
        diag(sys, r->line, "lint rule broken: only '%s' may map device '%s', but '%s' maps it (line %d)", r->who,
             r->what, sys->components[m->component].name, m->line);
    }
}

static void lint_only_holds(const struct system *sys, const struct lint_rule *r)
{
    int h = hold_index(r->what);
    if (h < 0)
        return;
    for (int c = 0; c < sys->ncomponents; c++) {
        const struct component *comp = &sys->components[c];
        if (comp->holds[h] && strcmp(comp->name, r->who) != 0)
            diag(sys, r->line, "lint rule broken: only '%s' may hold %s, but '%s' holds it (line %d)", r->who,
                 r->what, comp->name, comp->hold_line[h]);
    }
}

/* Authority from one component over another: calling it, signalling it, or sharing memory. */
static void lint_forbid(const struct system *sys, const struct lint_rule *r)
{
    int from = find_component(sys, r->who), to = find_component(sys, r->what);
    if (from < 0 || to < 0)
        return;
    for (int i = 0; i < sys->nrpcs; i++)
        for (int k = 0; k < sys->rpcs[i].nclients; k++)
            if (sys->rpcs[i].server == to && sys->rpcs[i].clients[k].component == from)
                diag(sys, r->line, "lint rule broken: '%s' must not reach '%s', but rpc '%s' lets it call (line %d)",
                     r->who, r->what, sys->rpcs[i].name, sys->rpcs[i].clients[k].line);
    for (int i = 0; i < sys->nnotifications; i++)
        for (int k = 0; k < sys->notifications[i].nsignallers; k++)
            if (sys->notifications[i].waiter == to && sys->notifications[i].signallers[k].component == from)
                diag(sys, r->line,
                     "lint rule broken: '%s' must not reach '%s', but notification '%s' lets it signal (line %d)",
                     r->who, r->what, sys->notifications[i].name, sys->notifications[i].signallers[k].line);
    for (int i = 0; i < sys->nshared; i++) {
        const struct shared_region *s = &sys->shared[i];
        int line_from = 0, line_to = 0;
        for (int k = 0; k < s->nsides; k++) {
            if (s->sides[k].component == from)
                line_from = s->sides[k].line;
            if (s->sides[k].component == to)
                line_to = s->sides[k].line;
        }
        if (line_from && line_to)
            diag(sys, r->line, "lint rule broken: '%s' must not reach '%s', but they share region '%s' (line %d)",
                 r->who, r->what, s->name, line_from);
    }
}

bool check_lints(const struct system *sys)
{
    int before = diag_count();
    for (int i = 0; i < sys->nlints; i++) {
        const struct lint_rule *r = &sys->lints[i];
        switch (r->kind) {
        case LINT_ONLY_MAPS: lint_only_maps(sys, r); break;
        case LINT_ONLY_HOLDS: lint_only_holds(sys, r); break;
        case LINT_FORBID: lint_forbid(sys, r); break;
        }
    }
    return diag_count() == before;
}
