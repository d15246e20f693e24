/* Validating reader for the binary system spec. Freestanding on purpose: the root server links
 * this same file, so it may use no libc beyond the compiler's own headers. */
#include "lark_spec.h"

uint32_t lark_spec_crc32(const void *bytes, size_t size)
{
    const uint8_t *p = bytes;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < size; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* Fixed object sizes from abi.md section 3 (log2 bytes). */
static uint32_t fixed_size_bits(uint32_t type)
{
    switch (type) {
    case LARK_OBJ_TCB: return 11;
    case LARK_OBJ_ENDPOINT: return 4;
    case LARK_OBJ_NOTIFICATION: return 6;
    case LARK_OBJ_REPLY: return 5;
    case LARK_OBJ_GIGA_PAGE: return 30;
    case LARK_OBJ_FRAME: return 12;
    case LARK_OBJ_MEGA_PAGE: return 21;
    case LARK_OBJ_PAGE_TABLE: return 12;
    default: return 0;
    }
}

uint64_t lark_spec_object_bytes(const struct lark_spec_object *obj)
{
    if (obj->flags & LARK_OBJF_DEVICE)
        return 0;
    switch (obj->type) {
    case LARK_OBJ_CNODE: return 1ull << (obj->size_bits + 5);
    case LARK_OBJ_UNTYPED:
    case LARK_OBJ_SCHED_CONTEXT: return 1ull << obj->size_bits;
    default: return 1ull << fixed_size_bits(obj->type);
    }
}

static bool fail(const char **error, const char *why)
{
    if (error)
        *error = why;
    return false;
}

static bool table_ok(const struct lark_spec_table *t, size_t elem, uint32_t total, uint32_t hdr)
{
    if (t->count == 0)
        return true;
    if (t->offset < hdr || (t->offset & 7u))
        return false;
    uint64_t end = (uint64_t)t->offset + (uint64_t)t->count * elem;
    return end <= total;
}

static bool obj_is(const struct lark_spec *s, uint32_t idx, uint32_t type)
{
    return idx < s->header->objects.count && s->objects[idx].type == type;
}

static bool string_ok(const struct lark_spec *s, uint32_t off)
{
    return off < s->strings_size;
}

static bool check_objects(const struct lark_spec *s, const char **error)
{
    const struct lark_spec_header *h = s->header;
    for (uint32_t i = 0; i < h->objects.count; i++) {
        const struct lark_spec_object *o = &s->objects[i];
        if (o->type >= LARK_OBJ_TYPE_COUNT)
            return fail(error, "object has an unknown type");
        if (!string_ok(s, o->name))
            return fail(error, "object name outside the string table");
        if (o->component != LARK_SPEC_NONE && o->component >= h->components.count)
            return fail(error, "object owner is not a component");
        if (o->type == LARK_OBJ_CNODE && (o->size_bits < 1 || o->size_bits > 20))
            return fail(error, "CNode size out of range");
        if (o->type == LARK_OBJ_SCHED_CONTEXT && (o->size_bits < 7 || o->size_bits > 20))
            return fail(error, "SchedContext size out of range");
        if (o->type == LARK_OBJ_UNTYPED && (o->size_bits < 4 || o->size_bits > 38))
            return fail(error, "untyped size out of range");
        uint32_t fixed = fixed_size_bits(o->type);
        if (fixed && o->size_bits != fixed)
            return fail(error, "object size does not match its type");
        if ((o->flags & ~(uint32_t)LARK_OBJF_DEVICE) != 0)
            return fail(error, "object has unknown flags");
        if ((o->flags & LARK_OBJF_DEVICE) && (o->type != LARK_OBJ_FRAME || (o->paddr & 0xfffu)))
            return fail(error, "device object is not a page-aligned frame");
        if (!(o->flags & LARK_OBJF_DEVICE) && o->paddr != 0)
            return fail(error, "only device frames have a physical address");
    }
    return true;
}

static bool check_caps(const struct lark_spec *s, const char **error)
{
    const struct lark_spec_header *h = s->header;
    for (uint32_t i = 0; i < h->caps.count; i++) {
        const struct lark_spec_cap *c = &s->caps[i];
        if (!obj_is(s, c->cnode, LARK_OBJ_CNODE))
            return fail(error, "cap is not placed in a CNode");
        if (c->slot == 0 || (uint64_t)c->slot >= (1ull << s->objects[c->cnode].size_bits))
            return fail(error, "cap slot outside its CNode (or the null slot 0)");
        if (c->kind >= LARK_CAP_KIND_COUNT)
            return fail(error, "cap has an unknown kind");
        if (c->kind == LARK_CAP_OBJECT && c->target >= h->objects.count)
            return fail(error, "cap names an object that does not exist");
        if (c->kind == LARK_CAP_IRQ_HANDLER && c->target >= h->irqs.count)
            return fail(error, "IRQ handler cap names an IRQ that does not exist");
        if (c->kind != LARK_CAP_OBJECT && c->kind != LARK_CAP_IRQ_HANDLER && c->target != LARK_SPEC_NONE)
            return fail(error, "kernel authority cap has a target");
        if (c->rights & ~(uint32_t)LARK_RIGHTS_ALL)
            return fail(error, "cap has unknown rights bits");
        for (uint32_t j = 0; j < i; j++)
            if (s->caps[j].cnode == c->cnode && s->caps[j].slot == c->slot)
                return fail(error, "two caps in the same CNode slot");
    }
    return true;
}

static bool check_mappings(const struct lark_spec *s, const char **error)
{
    const struct lark_spec_header *h = s->header;
    for (uint32_t i = 0; i < h->mappings.count; i++) {
        const struct lark_spec_mapping *m = &s->mappings[i];
        if (!obj_is(s, m->vspace, LARK_OBJ_PAGE_TABLE))
            return fail(error, "mapping's VSpace is not a page table");
        if (m->vaddr & 0xfffu)
            return fail(error, "mapping address not page-aligned");
        if (m->vaddr >= LARK_SPEC_USER_TOP)
            return fail(error, "mapping address above seL4_UserTop");
        if (m->attrs & ~(uint32_t)LARK_MAPA_EXECUTE_NEVER)
            return fail(error, "mapping has unknown attributes");
        if (m->kind == LARK_MAP_FRAME) {
            if (!obj_is(s, m->object, LARK_OBJ_FRAME))
                return fail(error, "frame mapping names a non-frame");
            if (m->rights & ~(uint32_t)(LARK_RIGHT_READ | LARK_RIGHT_WRITE))
                return fail(error, "frame mapping rights other than read/write");
        } else if (m->kind == LARK_MAP_PAGE_TABLE) {
            if (!obj_is(s, m->object, LARK_OBJ_PAGE_TABLE))
                return fail(error, "page-table mapping names a non-page-table");
            if (m->level != 1 && m->level != 2)
                return fail(error, "page-table level must be 1 or 2");
        } else {
            return fail(error, "mapping has an unknown kind");
        }
    }
    for (uint32_t i = 0; i < h->fills.count; i++) {
        const struct lark_spec_fill *f = &s->fills[i];
        if (!obj_is(s, f->frame, LARK_OBJ_FRAME) || (s->objects[f->frame].flags & LARK_OBJF_DEVICE))
            return fail(error, "fill target is not a RAM frame");
        if (f->component >= h->components.count)
            return fail(error, "fill names a component that does not exist");
        if ((uint64_t)f->frame_offset + f->length > 4096)
            return fail(error, "fill runs past the end of its frame");
        if (f->file_offset + f->length > s->components[f->component].elf_size)
            return fail(error, "fill reads past the end of the component's ELF");
    }
    return true;
}

static bool check_threads(const struct lark_spec *s, const char **error)
{
    const struct lark_spec_header *h = s->header;
    for (uint32_t i = 0; i < h->threads.count; i++) {
        const struct lark_spec_thread *t = &s->threads[i];
        if (t->component >= h->components.count)
            return fail(error, "thread belongs to no component");
        if (!string_ok(s, t->name))
            return fail(error, "thread name outside the string table");
        if (!obj_is(s, t->tcb, LARK_OBJ_TCB) || !obj_is(s, t->sc, LARK_OBJ_SCHED_CONTEXT) ||
            !obj_is(s, t->reply, LARK_OBJ_REPLY) || !obj_is(s, t->ipc_buffer_frame, LARK_OBJ_FRAME))
            return fail(error, "thread object of the wrong type");
        if (t->bound_notification != LARK_SPEC_NONE && !obj_is(s, t->bound_notification, LARK_OBJ_NOTIFICATION))
            return fail(error, "thread bound to a non-notification");
        if (t->priority > 255 || t->mcp > 255)
            return fail(error, "thread priority above 255");
        if (t->budget_us == 0 || t->budget_us > t->period_us)
            return fail(error, "thread budget must be 1..period");
        if ((t->ipc_buffer & 1023u) || (t->stack_top & 15u) || t->stack_top > LARK_SPEC_USER_TOP)
            return fail(error, "thread IPC buffer or stack misaligned");
    }
    for (uint32_t i = 0; i < h->irqs.count; i++) {
        const struct lark_spec_irq *q = &s->irqs[i];
        if (q->trigger > 1 || !obj_is(s, q->notification, LARK_OBJ_NOTIFICATION) ||
            q->component >= h->components.count || !(q->badge & LARK_SPEC_IRQ_BADGE_MARK) ||
            q->badge == LARK_SPEC_IRQ_BADGE_MARK)
            return fail(error, "IRQ entry invalid");
        for (uint32_t j = 0; j < i; j++)
            if (s->irqs[j].irq == q->irq)
                return fail(error, "IRQ listed twice");
    }
    for (uint32_t i = 0; i < h->components.count; i++) {
        const struct lark_spec_component *c = &s->components[i];
        if (!string_ok(s, c->name) || !string_ok(s, c->elf))
            return fail(error, "component name outside the string table");
        if (!obj_is(s, c->cnode, LARK_OBJ_CNODE) || !obj_is(s, c->vspace, LARK_OBJ_PAGE_TABLE))
            return fail(error, "component CNode or VSpace of the wrong type");
        if (c->thread_count == 0 || (uint64_t)c->first_thread + c->thread_count > h->threads.count)
            return fail(error, "component thread range invalid");
        if (c->flags & ~(uint32_t)LARK_COMPF_MEMORY_MANAGER)
            return fail(error, "component has unknown flags");
        if ((uint64_t)c->first_free_slot > (1ull << s->objects[c->cnode].size_bits))
            return fail(error, "component first free slot outside its CNode");
    }
    return true;
}

bool lark_spec_open(struct lark_spec *s, const void *bytes, size_t size, const char **error)
{
    const struct lark_spec_header *h = bytes;
    if (!bytes || ((uintptr_t)bytes & 7u))
        return fail(error, "spec buffer missing or not 8-byte aligned");
    if (size < sizeof *h)
        return fail(error, "spec shorter than its header");
    if (h->magic != LARK_SPEC_MAGIC)
        return fail(error, "bad spec magic");
    if (h->version_major != LARK_SPEC_VERSION_MAJOR)
        return fail(error, "unsupported spec major version");
    if (h->header_size != sizeof *h)
        return fail(error, "unexpected spec header size");
    if (h->total_size > size || h->total_size < sizeof *h)
        return fail(error, "spec total size does not match the buffer");
    const uint8_t *base = bytes;
    if (lark_spec_crc32(base + sizeof *h, h->total_size - sizeof *h) != h->checksum)
        return fail(error, "spec checksum mismatch");
    uint32_t total = h->total_size, hs = sizeof *h;
    if (!table_ok(&h->components, sizeof(struct lark_spec_component), total, hs) ||
        !table_ok(&h->objects, sizeof(struct lark_spec_object), total, hs) ||
        !table_ok(&h->caps, sizeof(struct lark_spec_cap), total, hs) ||
        !table_ok(&h->mappings, sizeof(struct lark_spec_mapping), total, hs) ||
        !table_ok(&h->fills, sizeof(struct lark_spec_fill), total, hs) ||
        !table_ok(&h->threads, sizeof(struct lark_spec_thread), total, hs) ||
        !table_ok(&h->irqs, sizeof(struct lark_spec_irq), total, hs) ||
        !table_ok(&h->strings, 1, total, hs))
        return fail(error, "spec table outside the spec or misaligned");
    if (h->strings.count == 0 || base[h->strings.offset + h->strings.count - 1] != 0)
        return fail(error, "string table empty or not NUL-terminated");
    s->header = h;
    s->components = (const void *)(base + h->components.offset);
    s->objects = (const void *)(base + h->objects.offset);
    s->caps = (const void *)(base + h->caps.offset);
    s->mappings = (const void *)(base + h->mappings.offset);
    s->fills = (const void *)(base + h->fills.offset);
    s->threads = (const void *)(base + h->threads.offset);
    s->irqs = (const void *)(base + h->irqs.offset);
    s->strings = (const char *)(base + h->strings.offset);
    s->strings_size = h->strings.count;
    if (!check_objects(s, error) || !check_caps(s, error) || !check_mappings(s, error) ||
        !check_threads(s, error))
        return false;
    if (error)
        *error = 0;
    return true;
}

const char *lark_spec_string(const struct lark_spec *s, uint32_t offset)
{
    return offset < s->strings_size ? s->strings + offset : "";
}
