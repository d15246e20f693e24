/* Turns the laid-out system and its ELFs into the binary spec: every object, cap, mapping,
 * frame fill, thread and IRQ the root server must create. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lark_spec.h"
#include "spec_build.h"

#define SC_SIZE_BITS 8 /* room for a few refills beyond seL4's minimum of 7 */

#define VEC(T) struct { T *v; uint32_t n, cap; }
#define PUSH(vec, item)                                                                       \
    do {                                                                                      \
        if ((vec).n == (vec).cap) {                                                           \
            (vec).cap = (vec).cap ? (vec).cap * 2 : 64;                                       \
            void *grown = realloc((vec).v, (size_t)(vec).cap * sizeof *(vec).v);              \
            if (!grown) {                                                                     \
                fprintf(stderr, "lark-compose: out of memory\n");                             \
                exit(2);                                                                      \
            }                                                                                 \
            (vec).v = grown;                                                                  \
        }                                                                                     \
        (vec).v[(vec).n++] = (item);                                                          \
    } while (0)

struct builder {
    VEC(struct lark_spec_object) objects;
    VEC(struct lark_spec_cap) caps;
    VEC(struct lark_spec_mapping) maps;     /* frames, all components */
    VEC(struct lark_spec_mapping) tables;   /* page tables, all components */
    VEC(struct lark_spec_fill) fills;
    VEC(struct lark_spec_thread) threads;
    VEC(struct lark_spec_irq) irqs;
    VEC(struct lark_spec_component) comps;
    VEC(char) strings;
};

static uint32_t str(struct builder *b, const char *s)
{
    uint32_t at = b->strings.n;
    do
        PUSH(b->strings, *s);
    while (*s++);
    return at;
}

static uint32_t obj(struct builder *b, uint32_t type, uint32_t bits, uint32_t comp, const char *fmt, const char *a,
                    const char *c2, unsigned long long idx)
{
    char name[160];
    snprintf(name, sizeof name, fmt, a, c2, idx);
    struct lark_spec_object o = {.type = type, .size_bits = bits, .name = str(b, name), .component = comp};
    PUSH(b->objects, o);
    return b->objects.n - 1;
}

static void cap(struct builder *b, uint32_t cnode, uint32_t slot, uint32_t kind, uint32_t target, uint32_t rights,
                uint64_t badge)
{
    struct lark_spec_cap c = {.cnode = cnode, .slot = slot, .kind = kind, .target = target, .rights = rights,
                              .badge = badge};
    PUSH(b->caps, c);
}

static void map_frame(struct builder *b, uint32_t vspace, uint32_t frame, uint64_t vaddr, uint32_t rights, bool exec)
{
    struct lark_spec_mapping m = {.kind = LARK_MAP_FRAME, .vspace = vspace, .object = frame, .rights = rights,
                                  .attrs = exec ? 0 : LARK_MAPA_EXECUTE_NEVER, .vaddr = vaddr};
    PUSH(b->maps, m);
}

/* One frame per ELF page; a page shared by two segments gets the union of their rights. */
static void load_elf_pages(struct builder *b, const struct component *comp, uint32_t ci, uint32_t vspace,
                           const struct elf_info *elf)
{
    for (int s = 0; s < elf->nsegs; s++) {
        const struct elf_segment *seg = &elf->segs[s];
        uint64_t first = seg->vaddr & ~4095ull, end = (seg->vaddr + seg->memsz + 4095) & ~4095ull;
        for (uint64_t page = first; page < end; page += 4096) {
            struct lark_spec_mapping *m = NULL;
            for (uint32_t i = 0; i < b->maps.n; i++)
                if (b->maps.v[i].vspace == vspace && b->maps.v[i].vaddr == page)
                    m = &b->maps.v[i];
            if (!m) {
                uint32_t f = obj(b, LARK_OBJ_FRAME, 12, ci, "%s.elf@%s%llx", comp->name, "", (unsigned long long)page);
                map_frame(b, vspace, f, page, 0, false);
                m = &b->maps.v[b->maps.n - 1];
            }
            m->rights |= (seg->read ? LARK_RIGHT_READ : 0) | (seg->write ? LARK_RIGHT_WRITE : 0);
            if (seg->exec)
                m->attrs &= ~(uint32_t)LARK_MAPA_EXECUTE_NEVER;
            /* File bytes of this segment that land in this page. */
            uint64_t lo = page > seg->vaddr ? page : seg->vaddr;
            uint64_t hi = page + 4096 < seg->vaddr + seg->filesz ? page + 4096 : seg->vaddr + seg->filesz;
            if (lo < hi) {
                struct lark_spec_fill fl = {.frame = m->object, .component = ci, .frame_offset = (uint32_t)(lo - page),
                                            .length = (uint32_t)(hi - lo), .file_offset = seg->offset + (lo - seg->vaddr)};
                PUSH(b->fills, fl);
            }
        }
    }
}

/* Page tables every mapping of a VSpace needs: one per 1 GiB (level 1), one per 2 MiB (level 2). */
static void add_page_tables(struct builder *b, const struct component *comp, uint32_t ci, uint32_t vspace)
{
    for (int level = 1; level <= 2; level++) {
        unsigned shift = level == 1 ? 30 : 21;
        for (uint32_t i = 0; i < b->maps.n; i++) {
            if (b->maps.v[i].vspace != vspace)
                continue;
            uint64_t base = b->maps.v[i].vaddr >> shift << shift;
            bool have = false;
            for (uint32_t k = 0; k < b->tables.n; k++)
                have |= b->tables.v[k].vspace == vspace && b->tables.v[k].level == (uint32_t)level &&
                        b->tables.v[k].vaddr == base;
            if (have)
                continue;
            uint32_t pt = obj(b, LARK_OBJ_PAGE_TABLE, 12, ci, "%s.pt%s@%llx", comp->name, level == 1 ? "1" : "2",
                              (unsigned long long)base);
            struct lark_spec_mapping m = {.kind = LARK_MAP_PAGE_TABLE, .vspace = vspace, .object = pt,
                                          .level = (uint32_t)level, .vaddr = base};
            PUSH(b->tables, m);
        }
    }
}

typedef VEC(uint8_t) byte_vec;

static void align8(byte_vec *out)
{
    while (out->n & 7u)
        PUSH(*out, 0);
}

#define APPEND(out, hdrfield, vec)                                                      \
    do {                                                                                \
        align8(&(out));                                                                 \
        (hdrfield).offset = (vec).n ? (out).n : 0;                                      \
        (hdrfield).count = (vec).n;                                                     \
        const uint8_t *bytes_ = (const uint8_t *)(vec).v;                               \
        for (size_t i_ = 0; i_ < (size_t)(vec).n * sizeof *(vec).v; i_++)               \
            PUSH(out, bytes_[i_]);                                                      \
    } while (0)

static void *serialize(struct builder *b, size_t *size)
{
    struct lark_spec_header h = {.magic = LARK_SPEC_MAGIC, .version_major = LARK_SPEC_VERSION_MAJOR,
                                 .version_minor = LARK_SPEC_VERSION_MINOR, .header_size = sizeof h};
    byte_vec out = {0};
    for (size_t i = 0; i < sizeof h; i++)
        PUSH(out, 0);
    /* Page tables first: the root server maps in table order, and frames need their tables. */
    VEC(struct lark_spec_mapping) all = {0};
    for (uint32_t i = 0; i < b->tables.n; i++)
        PUSH(all, b->tables.v[i]);
    for (uint32_t i = 0; i < b->maps.n; i++)
        PUSH(all, b->maps.v[i]);
    APPEND(out, h.components, b->comps);
    APPEND(out, h.objects, b->objects);
    APPEND(out, h.caps, b->caps);
    APPEND(out, h.mappings, all);
    APPEND(out, h.fills, b->fills);
    APPEND(out, h.threads, b->threads);
    APPEND(out, h.irqs, b->irqs);
    APPEND(out, h.strings, b->strings);
    align8(&out);
    free(all.v);
    h.total_size = out.n;
    h.checksum = lark_spec_crc32(out.v + sizeof h, out.n - sizeof h);
    memcpy(out.v, &h, sizeof h);
    *size = out.n;
    return out.v;
}

void *build_spec(const struct system *sys, const struct elf_info *elfs, size_t *size)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    uint32_t none = LARK_SPEC_NONE;
    PUSH(b.strings, '\0'); /* offset 0 = the empty string */

    uint32_t rpc_ep[MAX_ITEMS], ntfn[MAX_ITEMS], shared_first[MAX_ITEMS], device_first[MAX_ITEMS];
    for (int i = 0; i < sys->nrpcs; i++)
        rpc_ep[i] = obj(&b, LARK_OBJ_ENDPOINT, 4, none, "rpc:%s%s%.0llu", sys->rpcs[i].name, "", 0);
    for (int i = 0; i < sys->nnotifications; i++)
        ntfn[i] = obj(&b, LARK_OBJ_NOTIFICATION, 6, none, "notification:%s%s%.0llu", sys->notifications[i].name, "", 0);
    for (int i = 0; i < sys->nshared; i++) {
        shared_first[i] = b.objects.n;
        for (uint64_t p = 0; p < sys->shared[i].size / 4096; p++)
            obj(&b, LARK_OBJ_FRAME, 12, none, "shared:%s%s[%llu]", sys->shared[i].name, "", (unsigned long long)p);
    }
    for (int d = 0; d < sys->ndevices; d++) {
        device_first[d] = none;
        bool used = false;
        for (int m = 0; m < sys->nmmio; m++)
            used |= sys->mmios[m].device == d;
        if (!used)
            continue;
        device_first[d] = b.objects.n;
        for (uint64_t p = 0; p < sys->devices[d].size / 4096; p++) {
            obj(&b, LARK_OBJ_FRAME, 12, none, "device:%s%s[%llu]", sys->devices[d].name, "", (unsigned long long)p);
            b.objects.v[b.objects.n - 1].flags = LARK_OBJF_DEVICE;
            b.objects.v[b.objects.n - 1].paddr = sys->devices[d].paddr + p * 4096;
        }
    }

    for (int c = 0; c < sys->ncomponents; c++) {
        const struct component *comp = &sys->components[c];
        uint32_t ci = (uint32_t)c;
        uint32_t cnode = obj(&b, LARK_OBJ_CNODE, comp->cnode_bits, ci, "%s.cnode%s%.0llu", comp->name, "", 0);
        uint32_t vspace = obj(&b, LARK_OBJ_PAGE_TABLE, 12, ci, "%s.vspace%s%.0llu", comp->name, "", 0);
        cap(&b, cnode, SLOT_CNODE, LARK_CAP_OBJECT, cnode, LARK_RIGHTS_ALL, 0);
        cap(&b, cnode, SLOT_VSPACE, LARK_CAP_OBJECT, vspace, LARK_RIGHTS_ALL, 0);
        struct lark_spec_component sc = {.name = str(&b, comp->name), .cnode = cnode, .vspace = vspace,
                                         .first_thread = b.threads.n, .thread_count = (uint32_t)comp->nthreads,
                                         .flags = comp->memory_manager ? LARK_COMPF_MEMORY_MANAGER : 0,
                                         .first_free_slot = comp->first_free_slot, .elf_size = elfs[c].file_size};
        const char *base = strrchr(comp->program, '/');
        sc.elf = str(&b, base ? base + 1 : comp->program);
        PUSH(b.comps, sc);

        load_elf_pages(&b, comp, ci, vspace, &elfs[c]);
        for (int t = 0; t < comp->nthreads; t++) {
            const struct thread_desc *th = &comp->threads[t];
            struct lark_spec_thread st = {.component = ci, .name = str(&b, th->name), .priority = th->priority,
                                          .mcp = th->priority, .sc_size_bits = SC_SIZE_BITS,
                                          .budget_us = th->budget_us, .period_us = th->period_us,
                                          .entry = th->entry_addr, .stack_top = th->stack_top,
                                          .ipc_buffer = th->ipc_buffer, .arg0 = (uint64_t)t,
                                          .bound_notification = none};
            st.tcb = obj(&b, LARK_OBJ_TCB, 11, ci, "%s.%s.tcb%.0llu", comp->name, th->name, 0);
            st.sc = obj(&b, LARK_OBJ_SCHED_CONTEXT, SC_SIZE_BITS, ci, "%s.%s.sc%.0llu", comp->name, th->name, 0);
            st.reply = obj(&b, LARK_OBJ_REPLY, 5, ci, "%s.%s.reply%.0llu", comp->name, th->name, 0);
            st.ipc_buffer_frame = obj(&b, LARK_OBJ_FRAME, 12, ci, "%s.%s.ipcbuf%.0llu", comp->name, th->name, 0);
            cap(&b, cnode, th->slot_tcb, LARK_CAP_OBJECT, st.tcb, LARK_RIGHTS_ALL, 0);
            cap(&b, cnode, th->slot_sc, LARK_CAP_OBJECT, st.sc, LARK_RIGHTS_ALL, 0);
            cap(&b, cnode, th->slot_reply, LARK_CAP_OBJECT, st.reply, LARK_RIGHTS_ALL, 0);
            map_frame(&b, vspace, st.ipc_buffer_frame, th->ipc_buffer, LARK_RIGHT_READ | LARK_RIGHT_WRITE, false);
            for (uint64_t p = 0; p < comp->stack_size / 4096; p++) {
                uint32_t f = obj(&b, LARK_OBJ_FRAME, 12, ci, "%s.%s.stack[%llu]", comp->name, th->name, (unsigned long long)p);
                map_frame(&b, vspace, f, th->stack_top - comp->stack_size + p * 4096,
                          LARK_RIGHT_READ | LARK_RIGHT_WRITE, false);
            }
            if (th->has_irqs) {
                st.bound_notification = obj(&b, LARK_OBJ_NOTIFICATION, 6, ci, "%s.%s.irqs%.0llu", comp->name, th->name, 0);
                cap(&b, cnode, th->slot_irq_ntfn, LARK_CAP_OBJECT, st.bound_notification, LARK_RIGHT_READ, 0);
            }
            PUSH(b.threads, st);
        }
        for (int i = 0; i < sys->nrpcs; i++) {
            const struct rpc *r = &sys->rpcs[i];
            if (r->server == c)
                cap(&b, cnode, r->server_slot, LARK_CAP_OBJECT, rpc_ep[i], LARK_RIGHT_READ, 0);
            /* seL4 transfers a message's caps only through an endpoint cap with Grant. */
            uint32_t client_rights = LARK_RIGHT_WRITE | LARK_RIGHT_GRANT_REPLY;
            if (r->interface >= 0 && sys->interfaces[r->interface].carries_caps)
                client_rights |= LARK_RIGHT_GRANT;
            for (int k = 0; k < r->nclients; k++)
                if (r->clients[k].component == c)
                    cap(&b, cnode, r->clients[k].slot, LARK_CAP_OBJECT, rpc_ep[i], client_rights,
                        r->clients[k].badge);
        }
        for (int i = 0; i < sys->nnotifications; i++) {
            const struct notification *o = &sys->notifications[i];
            if (o->waiter == c)
                cap(&b, cnode, o->waiter_slot, LARK_CAP_OBJECT, ntfn[i], LARK_RIGHT_READ, 0);
            for (int k = 0; k < o->nsignallers; k++)
                if (o->signallers[k].component == c)
                    cap(&b, cnode, o->signallers[k].slot, LARK_CAP_OBJECT, ntfn[i], LARK_RIGHT_WRITE,
                        o->signallers[k].badge);
        }
        for (int i = 0; i < sys->nshared; i++)
            for (int k = 0; k < sys->shared[i].nsides; k++)
                if (sys->shared[i].sides[k].component == c)
                    for (uint64_t p = 0; p < sys->shared[i].size / 4096; p++)
                        map_frame(&b, vspace, shared_first[i] + (uint32_t)p, sys->shared[i].sides[k].vaddr + p * 4096,
                                  sys->shared[i].sides[k].rights, false);
        for (int m = 0; m < sys->nmmio; m++)
            if (sys->mmios[m].component == c && sys->mmios[m].device >= 0) {
                const struct device *d = &sys->devices[sys->mmios[m].device];
                for (uint64_t p = 0; p < d->size / 4096; p++)
                    map_frame(&b, vspace, device_first[sys->mmios[m].device] + (uint32_t)p,
                              sys->mmios[m].vaddr + p * 4096, sys->mmios[m].rights, false);
            }
        for (int i = 0; i < sys->nirqs; i++) {
            const struct irq *q = &sys->irqs[i];
            if (q->component != c)
                continue;
            uint32_t tnum = b.comps.v[ci].first_thread + (uint32_t)q->thread;
            struct lark_spec_irq si = {.irq = q->number, .trigger = q->trigger, .component = ci,
                                       .notification = b.threads.v[tnum].bound_notification,
                                       .badge = LARK_SPEC_IRQ_BADGE_MARK | (1ull << q->bit)};
            PUSH(b.irqs, si);
            cap(&b, cnode, q->slot_handler, LARK_CAP_IRQ_HANDLER, b.irqs.n - 1, LARK_RIGHTS_ALL, 0);
        }
        static const uint32_t kinds[HOLD_COUNT] = {0, LARK_CAP_ASID_POOL, LARK_CAP_SCHED_CONTROL, LARK_CAP_DOMAIN};
        for (int h = HOLD_ASID_POOL; h < HOLD_COUNT; h++)
            if (comp->holds[h])
                cap(&b, cnode, comp->hold_slot[h], kinds[h], none, LARK_RIGHTS_ALL, 0);
        add_page_tables(&b, comp, ci, vspace);
    }
    void *out = serialize(&b, size);
    free(b.objects.v);
    free(b.caps.v);
    free(b.maps.v);
    free(b.tables.v);
    free(b.fills.v);
    free(b.threads.v);
    free(b.irqs.v);
    free(b.comps.v);
    free(b.strings.v);
    return out;
}
