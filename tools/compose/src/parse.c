/* Reads the XML system description into struct system. Structure only: names resolve and
 * numbers parse here; whole-system rules (overlaps, cycles, IRQs claimed twice) are check.c's. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lark_spec.h"
#include "model.h"

struct attr_spec {
    const char *name;
    bool required;
};

static struct system *cur;

static void xml_error(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", err->message ? err->message : "XML error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = 0;
    diag(cur, err->line, "XML: %s", msg);
}

static int line_of(xmlNode *n)
{
    return (int)xmlGetLineNo(n);
}

static bool is_element(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Every attribute must be known; required ones must be present. */
static bool check_attrs(xmlNode *n, const struct attr_spec *spec)
{
    bool ok = true;
    for (xmlAttr *a = n->properties; a; a = a->next) {
        bool known = false;
        for (const struct attr_spec *s = spec; s->name; s++)
            known |= strcmp(s->name, (const char *)a->name) == 0;
        if (!known) {
            diag(cur, line_of(n), "unknown attribute '%s' on <%s>", a->name, n->name);
            ok = false;
        }
    }
    for (const struct attr_spec *s = spec; s->name; s++) {
        if (!s->required)
            continue;
        xmlChar *v = xmlGetProp(n, (const xmlChar *)s->name);
        if (!v) {
            diag(cur, line_of(n), "<%s> needs attribute '%s'", n->name, s->name);
            ok = false;
        }
        xmlFree(v);
    }
    return ok;
}

/* Copies attribute `name` into buf; returns false (quietly) when absent. */
static bool get_attr(xmlNode *n, const char *name, char *buf, size_t size)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return false;
    if (strlen((const char *)v) >= size) {
        diag(cur, line_of(n), "attribute '%s' on <%s> is too long (max %zu)", name, n->name, size - 1);
        xmlFree(v);
        return false;
    }
    strcpy(buf, (const char *)v);
    xmlFree(v);
    return true;
}

/* Names become C identifiers in the glue, so they are restricted to [a-z][a-z0-9_]*. */
static bool get_name(xmlNode *n, const char *attr, char *buf)
{
    if (!get_attr(n, attr, buf, MAX_NAME))
        return false;
    bool ok = buf[0] >= 'a' && buf[0] <= 'z';
    for (const char *p = buf; *p; p++)
        ok &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (!ok) {
        diag(cur, line_of(n), "bad name '%s' for %s: use lower-case letters, digits and '_', starting with a letter",
             buf, attr);
        return false;
    }
    return true;
}

/* Unsigned number (decimal or 0x hex) in [min, max]; absent gives `dflt`. */
static bool get_num(xmlNode *n, const char *attr, uint64_t min, uint64_t max, uint64_t dflt, uint64_t *out)
{
    char buf[64];
    *out = dflt;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    if (!v)
        return true;
    snprintf(buf, sizeof buf, "%s", (const char *)v);
    xmlFree(v);
    char *end;
    errno = 0;
    unsigned long long x = strtoull(buf, &end, 0);
    /* No C octal: "010" would silently mean 8. */
    bool octal = buf[0] == '0' && buf[1] >= '0' && buf[1] <= '9';
    if (buf[0] < '0' || buf[0] > '9' || *end || errno || octal) {
        diag(cur, line_of(n), "bad number '%s' for %s", buf, attr);
        return false;
    }
    if (x < min || x > max) {
        diag(cur, line_of(n), "%s = %s is out of range [%llu, %llu]", attr, buf,
             (unsigned long long)min, (unsigned long long)max);
        return false;
    }
    *out = x;
    return true;
}

static bool get_bool(xmlNode *n, const char *attr, bool *out)
{
    char buf[8];
    *out = false;
    if (!get_attr(n, attr, buf, sizeof buf))
        return true;
    if (strcmp(buf, "true") == 0)
        *out = true;
    else if (strcmp(buf, "false") != 0) {
        diag(cur, line_of(n), "%s must be true or false, not '%s'", attr, buf);
        return false;
    }
    return true;
}

static bool get_rights(xmlNode *n, unsigned dflt, unsigned *out)
{
    char buf[8];
    *out = dflt;
    if (!get_attr(n, "rights", buf, sizeof buf))
        return true;
    if (strcmp(buf, "r") == 0)
        *out = LARK_RIGHT_READ;
    else if (strcmp(buf, "rw") == 0)
        *out = LARK_RIGHT_READ | LARK_RIGHT_WRITE;
    else {
        diag(cur, line_of(n), "rights must be r or rw, not '%s'", buf);
        return false;
    }
    return true;
}

static int lookup_component(xmlNode *n, const char *attr)
{
    char name[MAX_NAME];
    if (!get_attr(n, attr, name, sizeof name))
        return -1;
    int c = find_component(cur, name);
    if (c < 0)
        diag(cur, line_of(n), "unknown component '%s'", name);
    return c;
}

/* Optional thread attribute; the main thread when absent. */
static int lookup_thread(xmlNode *n, int comp)
{
    char name[MAX_NAME];
    if (comp < 0 || !get_attr(n, "thread", name, sizeof name))
        return 0;
    int t = find_thread(&cur->components[comp], name);
    if (t < 0)
        diag(cur, line_of(n), "component '%s' has no thread '%s'", cur->components[comp].name, name);
    return t < 0 ? 0 : t;
}

static void unexpected_child(xmlNode *parent, xmlNode *child)
{
    diag(cur, line_of(child), "unknown element <%s> in <%s>", child->name, parent->name);
}

static void parse_thread(struct component *c, xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"entry", true}, {"priority", false},
                                            {"budget", false}, {"period", false}, {0, false}};
    check_attrs(n, spec);
    if (c->nthreads == MAX_THREADS) {
        diag(cur, line_of(n), "component '%s' has more than %d threads", c->name, MAX_THREADS);
        return;
    }
    struct thread_desc *t = &c->threads[c->nthreads];
    memset(t, 0, sizeof *t);
    t->line = line_of(n);
    get_name(n, "name", t->name);
    get_name(n, "entry", t->entry);
    if (t->name[0] && find_thread(c, t->name) >= 0)
        diag(cur, t->line, "duplicate thread name '%s' in component '%s'", t->name, c->name);
    uint64_t v;
    get_num(n, "priority", 0, 255, c->priority, &v);
    t->priority = (unsigned)v;
    get_num(n, "period", 1, 1000000000, c->period_us, &t->period_us);
    get_num(n, "budget", 1, 1000000000, c->budget_us < t->period_us ? c->budget_us : t->period_us, &t->budget_us);
    c->nthreads++;
}

static void parse_holds(struct component *c, xmlNode *n)
{
    static const struct attr_spec spec[] = {{"cap", true}, {0, false}};
    char what[MAX_NAME] = "";
    check_attrs(n, spec);
    if (!get_attr(n, "cap", what, sizeof what))
        return;
    for (int k = 0; k < HOLD_COUNT; k++) {
        if (strcmp(what, held_cap_names[k]) == 0) {
            if (c->holds[k])
                diag(cur, line_of(n), "component '%s' already holds %s", c->name, what);
            c->holds[k] = true;
            c->hold_line[k] = line_of(n);
            return;
        }
    }
    diag(cur, line_of(n), "unknown cap '%s' in <holds> (untyped, asid_pool, sched_control or domain)", what);
}

static void parse_component(xmlNode *n)
{
    static const struct attr_spec spec[] = {
        {"name", true},    {"program", true}, {"priority", true},   {"budget", false},
        {"period", false}, {"stack", false},  {"cnode_bits", false}, {"memory_manager", false},
        {0, false}};
    check_attrs(n, spec);
    if (cur->ncomponents == MAX_COMPONENTS) {
        diag(cur, line_of(n), "more than %d components", MAX_COMPONENTS);
        return;
    }
    struct component *c = &cur->components[cur->ncomponents];
    memset(c, 0, sizeof *c);
    c->line = line_of(n);
    get_name(n, "name", c->name);
    if (c->name[0] && find_component(cur, c->name) >= 0)
        diag(cur, c->line, "duplicate component name '%s'", c->name);
    get_attr(n, "program", c->program, sizeof c->program);
    uint64_t v;
    get_num(n, "priority", 0, 255, 0, &v);
    c->priority = (unsigned)v;
    get_num(n, "period", 1, 1000000000, 10000, &c->period_us);
    get_num(n, "budget", 1, 1000000000, c->period_us, &c->budget_us);
    if (c->budget_us > c->period_us)
        diag(cur, c->line, "budget %llu us is larger than period %llu us",
             (unsigned long long)c->budget_us, (unsigned long long)c->period_us);
    if (get_num(n, "stack", 4096, 1 << 24, 16384, &c->stack_size) && (c->stack_size & 4095))
        diag(cur, c->line, "stack %llu is not a multiple of 4096", (unsigned long long)c->stack_size);
    get_num(n, "cnode_bits", 4, 16, 8, &v);
    c->cnode_bits = (unsigned)v;
    get_bool(n, "memory_manager", &c->memory_manager);

    struct thread_desc *main_thread = &c->threads[0];
    strcpy(main_thread->name, "main");
    main_thread->priority = c->priority;
    main_thread->budget_us = c->budget_us;
    main_thread->period_us = c->period_us;
    main_thread->line = c->line;
    c->nthreads = 1;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (is_element(k, "thread"))
            parse_thread(c, k);
        else if (is_element(k, "holds"))
            parse_holds(c, k);
        else if (k->type == XML_ELEMENT_NODE)
            unexpected_child(n, k);
    }
    for (int t = 1; t < c->nthreads; t++)
        if (c->threads[t].budget_us > c->threads[t].period_us)
            diag(cur, c->threads[t].line, "thread budget larger than its period");
    cur->ncomponents++;
}

/* Connection names share one namespace: they prefix the generated accessors. */
static bool connection_name_taken(const char *name)
{
    for (int i = 0; i < cur->nrpcs; i++)
        if (!strcmp(cur->rpcs[i].name, name)) return true;
    for (int i = 0; i < cur->nnotifications; i++)
        if (!strcmp(cur->notifications[i].name, name)) return true;
    for (int i = 0; i < cur->nshared; i++)
        if (!strcmp(cur->shared[i].name, name)) return true;
    for (int i = 0; i < cur->nirqs; i++)
        if (!strcmp(cur->irqs[i].name, name)) return true;
    return false;
}

/* Connection names become LARK_SLOT_<NAME> and friends; these would collide with the glue's own
 * fixed names (LARK_SLOT_CNODE, LARK_SLOT_TCB_<thread>, LARK_SLOT_IRQ_<irq>, ...). */
static bool reserved_connection_name(const char *name)
{
    static const char *const exact[] = {"cnode", "vspace", "first_free", "asid_pool", "sched_control", "domain", 0};
    static const char *const prefix[] = {"tcb_", "sc_", "reply_", "recv_", "irq_", "badge_", 0};
    for (int i = 0; exact[i]; i++)
        if (strcmp(name, exact[i]) == 0)
            return true;
    for (int i = 0; prefix[i]; i++)
        if (strncmp(name, prefix[i], strlen(prefix[i])) == 0)
            return true;
    return false;
}

static bool take_connection_name(xmlNode *n, char *buf)
{
    if (!get_name(n, "name", buf))
        return false;
    if (reserved_connection_name(buf)) {
        diag(cur, line_of(n), "connection name '%s' is reserved for the glue (cnode, vspace, first_free, held cap "
                              "names, or a tcb_/sc_/reply_/recv_/irq_/badge_ prefix)", buf);
        return false;
    }
    if (connection_name_taken(buf)) {
        diag(cur, line_of(n), "duplicate connection name '%s'", buf);
        return false;
    }
    return true;
}

static bool room(int count, xmlNode *n)
{
    if (count < MAX_ITEMS)
        return true;
    diag(cur, line_of(n), "too many <%s> elements (max %d)", n->name, MAX_ITEMS);
    return false;
}

static void parse_interface(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"header", true}, {0, false}};
    if (!check_attrs(n, spec) || !room(cur->ninterfaces, n))
        return;
    struct interface *f = &cur->interfaces[cur->ninterfaces];
    memset(f, 0, sizeof *f);
    f->line = line_of(n);
    if (!get_name(n, "name", f->name))
        return;
    if (find_interface(cur, f->name) >= 0) {
        diag(cur, f->line, "duplicate interface name '%s'", f->name);
        return;
    }
    get_attr(n, "header", f->header, sizeof f->header);
    char joined[MAX_PATH_LEN * 2 + 2];
    if (f->header[0] == '/')
        snprintf(joined, sizeof joined, "%s", f->header);
    else
        snprintf(joined, sizeof joined, "%s/%s", cur->dir, f->header);
    if (strlen(joined) >= sizeof f->header_path)
        diag(cur, f->line, "header path too long");
    else
        memcpy(f->header_path, joined, strlen(joined) + 1);
    if (f->header[0] == '/' || strcmp(cur->dir_shown, ".") == 0)
        snprintf(joined, sizeof joined, "%s", f->header);
    else
        snprintf(joined, sizeof joined, "%s/%s", cur->dir_shown, f->header);
    snprintf(f->header_shown, sizeof f->header_shown, "%.*s", (int)sizeof f->header_shown - 1, joined);
    cur->ninterfaces++;
}

static void parse_device(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"paddr", true}, {"size", true}, {0, false}};
    if (!check_attrs(n, spec) || !room(cur->ndevices, n))
        return;
    struct device *d = &cur->devices[cur->ndevices];
    memset(d, 0, sizeof *d);
    d->line = line_of(n);
    if (!get_name(n, "name", d->name))
        return;
    if (find_device(cur, d->name) >= 0) {
        diag(cur, d->line, "duplicate device name '%s'", d->name);
        return;
    }
    bool ok = get_num(n, "paddr", 0, (1ull << 56) - 1, 0, &d->paddr) &
              get_num(n, "size", 4096, 1ull << 30, 4096, &d->size);
    if (ok && ((d->paddr | d->size) & 4095))
        diag(cur, d->line, "device '%s' paddr and size must be multiples of 4096", d->name);
    cur->ndevices++;
}

static void parse_users(xmlNode *n, const char *conn, const char *child, struct endpoint_user *users, int *count)
{
    static const struct attr_spec spec[] = {{"component", true}, {"badge", true}, {0, false}};
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (!is_element(k, child)) {
            unexpected_child(n, k);
            continue;
        }
        if (*count == MAX_CLIENTS) {
            diag(cur, line_of(k), "more than %d <%s> entries", MAX_CLIENTS, child);
            continue;
        }
        check_attrs(k, spec);
        struct endpoint_user *u = &users[*count];
        u->line = line_of(k);
        u->component = lookup_component(k, "component");
        /* Badge 0 would be indistinguishable from an unbadged cap; seL4 badges are 64-bit
         * words but stay within 60 bits here so they fit MCS notification badges everywhere. */
        if (!get_num(k, "badge", 1, (1ull << 60) - 1, 0, &u->badge))
            u->badge = 0;
        for (int i = 0; i < *count; i++) {
            if (u->badge && users[i].badge == u->badge)
                diag(cur, u->line, "badge %llu used twice on '%s'", (unsigned long long)u->badge, conn);
            if (u->component >= 0 && users[i].component == u->component)
                diag(cur, u->line, "component '%s' listed twice on '%s'",
                     cur->components[u->component].name, conn);
        }
        (*count)++;
    }
}

static void parse_rpc(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"interface", true}, {"server", true},
                                            {"thread", false}, {0, false}};
    check_attrs(n, spec);
    if (!room(cur->nrpcs, n))
        return;
    struct rpc *r = &cur->rpcs[cur->nrpcs];
    memset(r, 0, sizeof *r);
    r->line = line_of(n);
    take_connection_name(n, r->name);
    char iface[MAX_NAME] = "";
    r->interface = -1;
    if (get_attr(n, "interface", iface, sizeof iface) && (r->interface = find_interface(cur, iface)) < 0)
        diag(cur, r->line, "unknown interface '%s'", iface);
    r->server = lookup_component(n, "server");
    r->server_thread = lookup_thread(n, r->server);
    parse_users(n, r->name, "client", r->clients, &r->nclients);
    if (r->nclients == 0)
        diag(cur, r->line, "dangling connection: rpc '%s' has no <client>", r->name);
    cur->nrpcs++;
}

static void parse_notification(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"waiter", true}, {"thread", false}, {0, false}};
    check_attrs(n, spec);
    if (!room(cur->nnotifications, n))
        return;
    struct notification *o = &cur->notifications[cur->nnotifications];
    memset(o, 0, sizeof *o);
    o->line = line_of(n);
    take_connection_name(n, o->name);
    o->waiter = lookup_component(n, "waiter");
    o->waiter_thread = lookup_thread(n, o->waiter);
    parse_users(n, o->name, "signaller", o->signallers, &o->nsignallers);
    if (o->nsignallers == 0)
        diag(cur, o->line, "dangling connection: notification '%s' has no <signaller>", o->name);
    cur->nnotifications++;
}

static void parse_shared(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"size", true}, {0, false}};
    static const struct attr_spec side_spec[] = {{"component", true}, {"rights", true}, {"vaddr", false}, {0, false}};
    check_attrs(n, spec);
    if (!room(cur->nshared, n))
        return;
    struct shared_region *s = &cur->shared[cur->nshared];
    memset(s, 0, sizeof *s);
    s->line = line_of(n);
    take_connection_name(n, s->name);
    if (get_num(n, "size", 4096, 1ull << 26, 4096, &s->size) && (s->size & 4095))
        diag(cur, s->line, "shared region '%s' size must be a multiple of 4096", s->name);
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (!is_element(k, "map")) {
            unexpected_child(n, k);
            continue;
        }
        if (s->nsides == MAX_SIDES) {
            diag(cur, line_of(k), "more than %d <map> entries", MAX_SIDES);
            continue;
        }
        check_attrs(k, side_spec);
        struct region_side *d = &s->sides[s->nsides];
        d->line = line_of(k);
        d->component = lookup_component(k, "component");
        get_rights(k, LARK_RIGHT_READ, &d->rights);
        if (get_num(k, "vaddr", 4096, LARK_SPEC_USER_TOP - 4096, 0, &d->vaddr) && (d->vaddr & 4095))
            diag(cur, d->line, "vaddr 0x%llx is not page-aligned", (unsigned long long)d->vaddr);
        for (int i = 0; i < s->nsides; i++)
            if (d->component >= 0 && s->sides[i].component == d->component)
                diag(cur, d->line, "component '%s' maps shared region '%s' twice",
                     cur->components[d->component].name, s->name);
        s->nsides++;
    }
    if (s->nsides < 2)
        diag(cur, s->line, "dangling connection: shared region '%s' needs at least two <map> sides", s->name);
    cur->nshared++;
}

static void parse_mmio(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"device", true}, {"component", true}, {"vaddr", false},
                                            {"rights", false}, {0, false}};
    check_attrs(n, spec);
    if (!room(cur->nmmio, n))
        return;
    struct mmio *m = &cur->mmios[cur->nmmio];
    memset(m, 0, sizeof *m);
    m->line = line_of(n);
    char dev[MAX_NAME] = "";
    m->device = -1;
    if (get_attr(n, "device", dev, sizeof dev) && (m->device = find_device(cur, dev)) < 0)
        diag(cur, m->line, "unknown device '%s'", dev);
    m->component = lookup_component(n, "component");
    get_rights(n, LARK_RIGHT_READ | LARK_RIGHT_WRITE, &m->rights);
    if (get_num(n, "vaddr", 4096, LARK_SPEC_USER_TOP - 4096, 0, &m->vaddr) && (m->vaddr & 4095))
        diag(cur, m->line, "vaddr 0x%llx is not page-aligned", (unsigned long long)m->vaddr);
    cur->nmmio++;
}

static void parse_irq(xmlNode *n)
{
    static const struct attr_spec spec[] = {{"name", true}, {"number", true}, {"component", true},
                                            {"thread", false}, {"trigger", false}, {0, false}};
    check_attrs(n, spec);
    if (!room(cur->nirqs, n))
        return;
    struct irq *q = &cur->irqs[cur->nirqs];
    memset(q, 0, sizeof *q);
    q->line = line_of(n);
    take_connection_name(n, q->name);
    uint64_t v;
    /* QEMU virt's PLIC has sources 1..95 (0 means "no interrupt"). */
    get_num(n, "number", 1, 1023, 1, &v);
    q->number = (unsigned)v;
    q->component = lookup_component(n, "component");
    q->thread = lookup_thread(n, q->component);
    char trig[16];
    if (get_attr(n, "trigger", trig, sizeof trig)) {
        if (strcmp(trig, "edge") == 0)
            q->trigger = 1;
        else if (strcmp(trig, "level") != 0)
            diag(cur, q->line, "trigger must be level or edge, not '%s'", trig);
    }
    cur->nirqs++;
}

static void parse_lint(xmlNode *n)
{
    static const struct attr_spec only_spec[] = {{"component", true}, {"maps", false}, {"holds", false}, {0, false}};
    static const struct attr_spec forbid_spec[] = {{"from", true}, {"to", true}, {0, false}};
    check_attrs(n, (const struct attr_spec[]){{0, false}});
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (!room(cur->nlints, k))
            return;
        struct lint_rule *r = &cur->lints[cur->nlints];
        memset(r, 0, sizeof *r);
        r->line = line_of(k);
        if (is_element(k, "only")) {
            check_attrs(k, only_spec);
            get_attr(k, "component", r->who, sizeof r->who);
            bool maps = get_attr(k, "maps", r->what, sizeof r->what);
            bool holds = !maps && get_attr(k, "holds", r->what, sizeof r->what);
            if (maps == holds) {
                diag(cur, r->line, "<only> needs exactly one of 'maps' or 'holds'");
                continue;
            }
            r->kind = maps ? LINT_ONLY_MAPS : LINT_ONLY_HOLDS;
            if (maps && find_device(cur, r->what) < 0)
                diag(cur, r->line, "lint rule names unknown device '%s'", r->what);
            if (holds) {
                bool known = false;
                for (int h = 0; h < HOLD_COUNT; h++)
                    known |= strcmp(r->what, held_cap_names[h]) == 0;
                if (!known)
                    diag(cur, r->line, "lint rule names unknown cap '%s'", r->what);
            }
            if (find_component(cur, r->who) < 0)
                diag(cur, r->line, "unknown component '%s'", r->who);
        } else if (is_element(k, "forbid")) {
            check_attrs(k, forbid_spec);
            r->kind = LINT_FORBID;
            get_attr(k, "from", r->who, sizeof r->who);
            get_attr(k, "to", r->what, sizeof r->what);
            if (find_component(cur, r->who) < 0)
                diag(cur, r->line, "unknown component '%s'", r->who);
            if (find_component(cur, r->what) < 0)
                diag(cur, r->line, "unknown component '%s'", r->what);
        } else {
            unexpected_child(n, k);
            continue;
        }
        cur->nlints++;
    }
}

bool parse_system(struct system *sys, const char *path)
{
    int before = diag_count();
    memset(sys, 0, sizeof *sys);
    snprintf(sys->file, sizeof sys->file, "%s", path);
    char tmp[MAX_PATH_LEN];
    snprintf(tmp, sizeof tmp, "%s", path);
    /* Absolute, so generated glue.mk include paths work from any folder. */
    snprintf(sys->dir_shown, sizeof sys->dir_shown, "%s", dirname(tmp));
    snprintf(tmp, sizeof tmp, "%s", path);
    char *real = realpath(dirname(tmp), NULL);
    snprintf(sys->dir, sizeof sys->dir, "%s", real ? real : ".");
    free(real);
    cur = sys;
    xmlSetStructuredErrorFunc(NULL, xml_error);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    if (!doc) {
        if (diag_count() == before)
            diag(sys, 0, "cannot read the description");
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is_element(root, "system")) {
        diag(sys, root ? line_of(root) : 1, "the root element must be <system>");
        xmlFreeDoc(doc);
        return false;
    }
    static const struct attr_spec spec[] = {{"name", true}, {"version", false}, {0, false}};
    check_attrs(root, spec);
    get_name(root, "name", sys->name);
    uint64_t version;
    if (get_num(root, "version", 1, 1000, 1, &version) && version != 1)
        diag(sys, line_of(root), "description version %llu is not supported (only 1)", (unsigned long long)version);

    /* Declarations first so connections may refer to anything in the file. */
    for (xmlNode *n = root->children; n; n = n->next) {
        if (is_element(n, "component"))
            parse_component(n);
        else if (is_element(n, "interface"))
            parse_interface(n);
        else if (is_element(n, "device"))
            parse_device(n);
    }
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || is_element(n, "component") || is_element(n, "interface") ||
            is_element(n, "device"))
            continue;
        if (is_element(n, "rpc"))
            parse_rpc(n);
        else if (is_element(n, "notification"))
            parse_notification(n);
        else if (is_element(n, "shared"))
            parse_shared(n);
        else if (is_element(n, "mmio"))
            parse_mmio(n);
        else if (is_element(n, "irq"))
            parse_irq(n);
        else if (is_element(n, "lint"))
            parse_lint(n);
        else
            unexpected_child(root, n);
    }
    xmlFreeDoc(doc);
    if (sys->ncomponents == 0)
        diag(sys, line_of(root), "the system has no <component>");
    return diag_count() == before;
}
