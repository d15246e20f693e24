/* Text form of a spec, for people and tests: one line per table entry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lark_spec.h"
#include "spec_dump.h"

static const char *const type_names[LARK_OBJ_TYPE_COUNT] = {
    "untyped", "tcb", "endpoint", "notification", "cnode", "sched_context", "reply",
    "giga_page", "frame", "mega_page", "page_table"};
static const char *const cap_kinds[LARK_CAP_KIND_COUNT] = {"object", "irq_handler", "asid_pool", "sched_control",
                                                           "domain"};

static void rights(FILE *out, uint32_t r)
{
    fprintf(out, "%s%s%s%s", r & LARK_RIGHT_READ ? "R" : "", r & LARK_RIGHT_WRITE ? "W" : "",
            r & LARK_RIGHT_GRANT ? "G" : "", r & LARK_RIGHT_GRANT_REPLY ? "g" : "");
}

static void dump(const struct lark_spec *s, FILE *out, size_t file_size)
{
    const struct lark_spec_header *h = s->header;
    uint64_t ram = 0;
    for (uint32_t i = 0; i < h->objects.count; i++)
        ram += lark_spec_object_bytes(&s->objects[i]);
    fprintf(out, "spec version %u.%u, %u bytes (file %zu), crc32 0x%08x\n", h->version_major, h->version_minor,
            h->total_size, file_size, h->checksum);
    fprintf(out, "counts: %u components, %u objects, %u caps, %u mappings, %u fills, %u threads, %u irqs\n",
            h->components.count, h->objects.count, h->caps.count, h->mappings.count, h->fills.count,
            h->threads.count, h->irqs.count);
    fprintf(out, "object RAM: %llu bytes\n", (unsigned long long)ram);
    for (uint32_t i = 0; i < h->components.count; i++) {
        const struct lark_spec_component *c = &s->components[i];
        fprintf(out, "component %u %s elf=%s cnode=%u vspace=%u threads=%u+%u first_free=%u%s\n", i,
                lark_spec_string(s, c->name), lark_spec_string(s, c->elf), c->cnode, c->vspace, c->first_thread,
                c->thread_count, c->first_free_slot, c->flags & LARK_COMPF_MEMORY_MANAGER ? " memory_manager" : "");
    }
    for (uint32_t i = 0; i < h->objects.count; i++) {
        const struct lark_spec_object *o = &s->objects[i];
        fprintf(out, "object %u %s bits=%u %s", i, type_names[o->type], o->size_bits, lark_spec_string(s, o->name));
        if (o->flags & LARK_OBJF_DEVICE)
            fprintf(out, " device paddr=0x%llx", (unsigned long long)o->paddr);
        fprintf(out, "\n");
    }
    for (uint32_t i = 0; i < h->caps.count; i++) {
        const struct lark_spec_cap *c = &s->caps[i];
        fprintf(out, "cap %s[%u] = %s", lark_spec_string(s, s->objects[c->cnode].name), c->slot, cap_kinds[c->kind]);
        if (c->kind == LARK_CAP_OBJECT)
            fprintf(out, " %s", lark_spec_string(s, s->objects[c->target].name));
        else if (c->kind == LARK_CAP_IRQ_HANDLER)
            fprintf(out, " irq %u", s->irqs[c->target].irq);
        fprintf(out, " rights=");
        rights(out, c->rights);
        fprintf(out, " badge=0x%llx\n", (unsigned long long)c->badge);
    }
    for (uint32_t i = 0; i < h->mappings.count; i++) {
        const struct lark_spec_mapping *m = &s->mappings[i];
        if (m->kind == LARK_MAP_PAGE_TABLE) {
            fprintf(out, "map %s 0x%llx page_table level %u %s\n", lark_spec_string(s, s->objects[m->vspace].name),
                    (unsigned long long)m->vaddr, m->level, lark_spec_string(s, s->objects[m->object].name));
        } else {
            fprintf(out, "map %s 0x%llx frame %s rights=", lark_spec_string(s, s->objects[m->vspace].name),
                    (unsigned long long)m->vaddr, lark_spec_string(s, s->objects[m->object].name));
            rights(out, m->rights);
            fprintf(out, "%s\n", m->attrs & LARK_MAPA_EXECUTE_NEVER ? " xn" : " x");
        }
    }
    for (uint32_t i = 0; i < h->fills.count; i++) {
        const struct lark_spec_fill *f = &s->fills[i];
        fprintf(out, "fill %s +%u len %u from %s@%llu\n", lark_spec_string(s, s->objects[f->frame].name),
                f->frame_offset, f->length, lark_spec_string(s, s->components[f->component].name),
                (unsigned long long)f->file_offset);
    }
    for (uint32_t i = 0; i < h->threads.count; i++) {
        const struct lark_spec_thread *t = &s->threads[i];
        fprintf(out, "thread %s.%s entry=0x%llx sp=0x%llx ipc=0x%llx prio=%u mcp=%u budget=%llu period=%llu%s%s\n",
                lark_spec_string(s, s->components[t->component].name), lark_spec_string(s, t->name),
                (unsigned long long)t->entry, (unsigned long long)t->stack_top, (unsigned long long)t->ipc_buffer,
                t->priority, t->mcp, (unsigned long long)t->budget_us, (unsigned long long)t->period_us,
                t->bound_notification != LARK_SPEC_NONE ? " bound=" : "",
                t->bound_notification != LARK_SPEC_NONE ? lark_spec_string(s, s->objects[t->bound_notification].name)
                                                        : "");
    }
    for (uint32_t i = 0; i < h->irqs.count; i++) {
        const struct lark_spec_irq *q = &s->irqs[i];
        fprintf(out, "irq %u %s -> %s badge=0x%llx (%s)\n", q->irq, q->trigger ? "edge" : "level",
                lark_spec_string(s, s->objects[q->notification].name), (unsigned long long)q->badge,
                lark_spec_string(s, s->components[q->component].name));
    }
}

int dump_spec_file(const char *path, FILE *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "lark-compose: cannot open %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t cap = 1 << 16, n = 0;
    uint64_t *buf = malloc(cap); /* uint64_t: the reader wants 8-byte alignment */
    size_t got;
    while (buf && (got = fread((char *)buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= (1u << 30))
                break;
            cap *= 2;
            uint64_t *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                buf = NULL;
            }
            buf = grown;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "lark-compose: out of memory reading %s\n", path);
        return 2;
    }
    struct lark_spec s;
    const char *why;
    if (!lark_spec_open(&s, buf, n, &why)) {
        fprintf(stderr, "%s: invalid spec: %s\n", path, why);
        free(buf);
        return 1;
    }
    dump(&s, out, n);
    free(buf);
    return 0;
}
