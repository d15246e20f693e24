/* Authority graph output. Node ids: component:<name>, device:<name>, region:<name>, irq:<number>,
 * kernel:<cap>. Edge kinds: call, signal, map, mmio, irq, holds. */
#include <string.h>

#include "graph.h"
#include "lark_spec.h"

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static const char *rights_name(unsigned r)
{
    return (r & LARK_RIGHT_WRITE) ? "rw" : "r";
}

/* One callback per edge keeps JSON and DOT from drifting apart. */
struct edge {
    const char *kind, *name;
    char from[MAX_NAME + 16], to[MAX_NAME + 16];
    char detail[96];
};

typedef void (*edge_fn)(FILE *f, const struct edge *e, bool first);

static int for_each_edge(FILE *f, const struct system *sys, edge_fn fn)
{
    struct edge e;
    int n = 0;
#define EMIT() (fn(f, &e, n == 0), n++)
    for (int i = 0; i < sys->nrpcs; i++) {
        const struct rpc *r = &sys->rpcs[i];
        for (int k = 0; k < r->nclients; k++) {
            if (r->clients[k].component < 0 || r->server < 0)
                continue;
            e = (struct edge){.kind = "call", .name = r->name};
            snprintf(e.from, sizeof e.from, "component:%s", sys->components[r->clients[k].component].name);
            snprintf(e.to, sizeof e.to, "component:%s", sys->components[r->server].name);
            snprintf(e.detail, sizeof e.detail, "badge %llu", (unsigned long long)r->clients[k].badge);
            EMIT();
        }
    }
    for (int i = 0; i < sys->nnotifications; i++) {
        const struct notification *o = &sys->notifications[i];
        for (int k = 0; k < o->nsignallers; k++) {
            if (o->signallers[k].component < 0 || o->waiter < 0)
                continue;
            e = (struct edge){.kind = "signal", .name = o->name};
            snprintf(e.from, sizeof e.from, "component:%s", sys->components[o->signallers[k].component].name);
            snprintf(e.to, sizeof e.to, "component:%s", sys->components[o->waiter].name);
            snprintf(e.detail, sizeof e.detail, "badge %llu", (unsigned long long)o->signallers[k].badge);
            EMIT();
        }
    }
    for (int i = 0; i < sys->nshared; i++)
        for (int k = 0; k < sys->shared[i].nsides; k++) {
            if (sys->shared[i].sides[k].component < 0)
                continue;
            e = (struct edge){.kind = "map", .name = sys->shared[i].name};
            snprintf(e.from, sizeof e.from, "component:%s", sys->components[sys->shared[i].sides[k].component].name);
            snprintf(e.to, sizeof e.to, "region:%s", sys->shared[i].name);
            snprintf(e.detail, sizeof e.detail, "%s", rights_name(sys->shared[i].sides[k].rights));
            EMIT();
        }
    for (int i = 0; i < sys->nmmio; i++) {
        const struct mmio *m = &sys->mmios[i];
        if (m->component < 0 || m->device < 0)
            continue;
        e = (struct edge){.kind = "mmio", .name = sys->devices[m->device].name};
        snprintf(e.from, sizeof e.from, "component:%s", sys->components[m->component].name);
        snprintf(e.to, sizeof e.to, "device:%s", sys->devices[m->device].name);
        snprintf(e.detail, sizeof e.detail, "%s", rights_name(m->rights));
        EMIT();
    }
    for (int i = 0; i < sys->nirqs; i++) {
        const struct irq *q = &sys->irqs[i];
        if (q->component < 0)
            continue;
        e = (struct edge){.kind = "irq", .name = q->name};
        snprintf(e.from, sizeof e.from, "irq:%u", q->number);
        snprintf(e.to, sizeof e.to, "component:%s", sys->components[q->component].name);
        snprintf(e.detail, sizeof e.detail, "thread %s", sys->components[q->component].threads[q->thread].name);
        EMIT();
    }
    for (int c = 0; c < sys->ncomponents; c++)
        for (int h = 0; h < HOLD_COUNT; h++)
            if (sys->components[c].holds[h]) {
                e = (struct edge){.kind = "holds", .name = held_cap_names[h]};
                snprintf(e.from, sizeof e.from, "component:%s", sys->components[c].name);
                snprintf(e.to, sizeof e.to, "kernel:%s", held_cap_names[h]);
                snprintf(e.detail, sizeof e.detail, "%s", h == HOLD_UNTYPED ? "all untyped memory" : "copy");
                EMIT();
            }
#undef EMIT
    return n;
}

static void json_edge(FILE *f, const struct edge *e, bool first)
{
    fprintf(f, "%s\n    {\"kind\": \"%s\", \"name\": ", first ? "" : ",", e->kind);
    json_str(f, e->name);
    fprintf(f, ", \"from\": ");
    json_str(f, e->from);
    fprintf(f, ", \"to\": ");
    json_str(f, e->to);
    fprintf(f, ", \"detail\": ");
    json_str(f, e->detail);
    fprintf(f, "}");
}

void write_graph_json(FILE *f, const struct system *sys)
{
    bool first = true;
    fprintf(f, "{\n  \"system\": ");
    json_str(f, sys->name);
    fprintf(f, ",\n  \"nodes\": [");
#define NODE_SEP() (fprintf(f, "%s\n    ", first ? "" : ","), first = false)
    for (int c = 0; c < sys->ncomponents; c++) {
        const struct component *comp = &sys->components[c];
        NODE_SEP();
        fprintf(f, "{\"id\": \"component:%s\", \"kind\": \"component\", \"priority\": %u, \"threads\": %d, "
                   "\"memory_manager\": %s}",
                comp->name, comp->priority, comp->nthreads, comp->memory_manager ? "true" : "false");
    }
    for (int i = 0; i < sys->ndevices; i++) {
        NODE_SEP();
        fprintf(f, "{\"id\": \"device:%s\", \"kind\": \"device\", \"paddr\": %llu, \"size\": %llu}",
                sys->devices[i].name, (unsigned long long)sys->devices[i].paddr,
                (unsigned long long)sys->devices[i].size);
    }
    for (int i = 0; i < sys->nshared; i++) {
        NODE_SEP();
        fprintf(f, "{\"id\": \"region:%s\", \"kind\": \"region\", \"size\": %llu}", sys->shared[i].name,
                (unsigned long long)sys->shared[i].size);
    }
    for (int i = 0; i < sys->nirqs; i++) {
        NODE_SEP();
        fprintf(f, "{\"id\": \"irq:%u\", \"kind\": \"irq\", \"number\": %u}", sys->irqs[i].number,
                sys->irqs[i].number);
    }
    for (int h = 0; h < HOLD_COUNT; h++) {
        bool held = false;
        for (int c = 0; c < sys->ncomponents; c++)
            held |= sys->components[c].holds[h];
        if (held) {
            NODE_SEP();
            fprintf(f, "{\"id\": \"kernel:%s\", \"kind\": \"kernel\"}", held_cap_names[h]);
        }
    }
#undef NODE_SEP
    fprintf(f, "\n  ],\n  \"edges\": [");
    for_each_edge(f, sys, json_edge);
    fprintf(f, "\n  ]\n}\n");
}

static void dot_edge(FILE *f, const struct edge *e, bool first)
{
    static const struct {
        const char *kind, *style;
    } styles[] = {{"call", "color=black"},        {"signal", "style=dashed,color=blue"},
                  {"map", "color=darkgreen"},     {"mmio", "color=red"},
                  {"irq", "style=dotted,color=red"}, {"holds", "color=purple,style=bold"}};
    const char *style = "";
    (void)first;
    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++)
        if (strcmp(styles[i].kind, e->kind) == 0)
            style = styles[i].style;
    fprintf(f, "  \"%s\" -> \"%s\" [label=\"%s %s\\n%s\", %s];\n", e->from, e->to, e->kind, e->name, e->detail,
            style);
}

void write_graph_dot(FILE *f, const struct system *sys)
{
    fprintf(f, "digraph \"%s\" {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
            sys->name);
    for (int c = 0; c < sys->ncomponents; c++)
        fprintf(f, "  \"component:%s\" [label=\"%s\\nprio %u\", shape=box%s];\n", sys->components[c].name,
                sys->components[c].name, sys->components[c].priority,
                sys->components[c].memory_manager ? ", style=filled, fillcolor=lightyellow" : "");
    for (int i = 0; i < sys->ndevices; i++)
        fprintf(f, "  \"device:%s\" [label=\"%s\\n0x%llx\", shape=component];\n", sys->devices[i].name,
                sys->devices[i].name, (unsigned long long)sys->devices[i].paddr);
    for (int i = 0; i < sys->nshared; i++)
        fprintf(f, "  \"region:%s\" [label=\"%s\\n%llu bytes\", shape=note];\n", sys->shared[i].name,
                sys->shared[i].name, (unsigned long long)sys->shared[i].size);
    for (int i = 0; i < sys->nirqs; i++)
        fprintf(f, "  \"irq:%u\" [label=\"IRQ %u\", shape=diamond];\n", sys->irqs[i].number, sys->irqs[i].number);
    for (int h = 0; h < HOLD_COUNT; h++)
        for (int c = 0; c < sys->ncomponents; c++)
            if (sys->components[c].holds[h]) {
                fprintf(f, "  \"kernel:%s\" [label=\"%s\", shape=hexagon];\n", held_cap_names[h], held_cap_names[h]);
                break;
            }
    for_each_edge(f, sys, dot_edge);
    fprintf(f, "}\n");
}
