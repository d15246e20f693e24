/* Round trip of the binary spec through the reader (src/spec_reader.c): reads the spec that
 * lark-compose wrote for cases/good/spec_system.xml and checks its contents against that
 * description and, independently through libelf, against the component ELF. Then corrupts the
 * spec in targeted and random ways: the reader must refuse each with the right reason and never
 * read out of bounds (this file is built with ASan and UBSan).
 * Prints "PASS name" / "FAIL name: why" per check. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lark_spec.h"

static int failures;

static void check(bool ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
}

static uint64_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint64_t *buf = calloc(1, (size_t)n + 8);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

struct elf_facts {
    uint64_t entry, worker;
    int nsegs;
    struct {
        uint64_t vaddr, filesz, memsz, offset;
        bool exec, write;
    } segs[8];
    unsigned char *bytes;
    size_t size;
};

static bool read_elf(const char *path, struct elf_facts *e)
{
    size_t size;
    e->bytes = (unsigned char *)read_all(path, &size);
    e->size = size;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || !e->bytes || elf_version(EV_CURRENT) == EV_NONE)
        return false;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    if (!elf || !gelf_getehdr(elf, &eh))
        return false;
    e->entry = eh.e_entry;
    size_t phnum;
    elf_getphdrnum(elf, &phnum);
    for (size_t i = 0; i < phnum && e->nsegs < 8; i++) {
        GElf_Phdr ph;
        gelf_getphdr(elf, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        e->segs[e->nsegs].vaddr = ph.p_vaddr;
        e->segs[e->nsegs].filesz = ph.p_filesz;
        e->segs[e->nsegs].memsz = ph.p_memsz;
        e->segs[e->nsegs].offset = ph.p_offset;
        e->segs[e->nsegs].exec = ph.p_flags & PF_X;
        e->segs[e->nsegs].write = ph.p_flags & PF_W;
        e->nsegs++;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        gelf_getshdr(scn, &sh);
        if (sh.sh_type != SHT_SYMTAB)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Sym sym;
            gelf_getsym(d, (int)i, &sym);
            const char *n = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (n && strcmp(n, "worker_entry") == 0)
                e->worker = sym.st_value;
        }
    }
    elf_end(elf);
    close(fd);
    return e->worker != 0;
}

static int component(const struct lark_spec *s, const char *name)
{
    for (uint32_t i = 0; i < s->header->components.count; i++)
        if (strcmp(lark_spec_string(s, s->components[i].name), name) == 0)
            return (int)i;
    return -1;
}

static const struct lark_spec_cap *cap_at(const struct lark_spec *s, int comp, uint32_t slot)
{
    for (uint32_t i = 0; i < s->header->caps.count; i++)
        if (s->caps[i].cnode == s->components[comp].cnode && s->caps[i].slot == slot)
            return &s->caps[i];
    return NULL;
}

static const struct lark_spec_mapping *frame_at(const struct lark_spec *s, int comp, uint64_t vaddr)
{
    for (uint32_t i = 0; i < s->header->mappings.count; i++)
        if (s->mappings[i].kind == LARK_MAP_FRAME && s->mappings[i].vspace == s->components[comp].vspace &&
            s->mappings[i].vaddr == vaddr)
            return &s->mappings[i];
    return NULL;
}

static const char *obj_name(const struct lark_spec *s, uint32_t idx)
{
    return lark_spec_string(s, s->objects[idx].name);
}

static void check_caps(const struct lark_spec *s, int server, int client, int mm)
{
    const struct lark_spec_cap *c = cap_at(s, client, 6), *srv = cap_at(s, server, 11), *m = cap_at(s, mm, 6);
    check(c && c->kind == LARK_CAP_OBJECT && strcmp(obj_name(s, c->target), "rpc:echo") == 0 &&
              c->badge == 0x70 && c->rights == (LARK_RIGHT_WRITE | LARK_RIGHT_GRANT_REPLY),
          "client endpoint cap: slot 6, badge 0x70, rights W+GrantReply", "wrong or missing");
    check(srv && c && srv->target == c->target && srv->badge == 0 && srv->rights == LARK_RIGHT_READ,
          "server endpoint cap: slot 11, same endpoint, unbadged, read only", "wrong or missing");
    check(m && c && m->target == c->target && m->badge == 3, "second client gets its own badge 3", "wrong");
    const struct lark_spec_cap *sig = cap_at(s, server, 12), *wait = cap_at(s, client, 7);
    check(sig && wait && sig->target == wait->target && s->objects[sig->target].type == LARK_OBJ_NOTIFICATION &&
              sig->badge == 4 && sig->rights == LARK_RIGHT_WRITE && wait->rights == LARK_RIGHT_READ,
          "notification: signaller badge 4 write, waiter read", "wrong");
    check(cap_at(s, mm, 7) && cap_at(s, mm, 7)->kind == LARK_CAP_ASID_POOL && cap_at(s, mm, 8)->kind ==
              LARK_CAP_SCHED_CONTROL && cap_at(s, mm, 9)->kind == LARK_CAP_DOMAIN,
          "held kernel caps in slots 7..9", "wrong");
    check(s->components[server].first_free_slot == 16 && s->components[client].first_free_slot == 8 &&
              s->components[mm].first_free_slot == 10,
          "first free slots 16/8/10", "wrong");
    check((s->components[mm].flags & LARK_COMPF_MEMORY_MANAGER) && !(s->components[server].flags & LARK_COMPF_MEMORY_MANAGER),
          "memory manager marker only on mm", "wrong");
    const struct lark_spec_cap *self = cap_at(s, client, 1);
    check(self && self->target == s->components[client].cnode && cap_at(s, client, 2)->target == s->components[client].vspace,
          "own CNode in slot 1, VSpace in slot 2", "wrong");
}

static void check_threads_irqs(const struct lark_spec *s, int server, const struct elf_facts *e)
{
    const struct lark_spec_component *c = &s->components[server];
    const struct lark_spec_thread *main_t = &s->threads[c->first_thread], *worker = &s->threads[c->first_thread + 1];
    check(c->thread_count == 2 && main_t->entry == e->entry && worker->entry == e->worker,
          "thread entries: ELF entry and worker_entry symbol", "wrong");
    check(main_t->priority == 120 && worker->priority == 121 && main_t->budget_us == 3000 &&
              main_t->period_us == 9000 && worker->budget_us == 3000 && worker->period_us == 9000,
          "priorities, budget and period", "wrong");
    check(main_t->stack_top - main_t->ipc_buffer == 0x2000 + 8192 && worker->ipc_buffer != main_t->ipc_buffer &&
              worker->arg0 == 1,
          "stack above a guard page over the IPC buffer; arg0 = thread index", "wrong");
    const struct lark_spec_mapping *ipc = frame_at(s, server, main_t->ipc_buffer);
    check(ipc && ipc->object == main_t->ipc_buffer_frame && ipc->rights == (LARK_RIGHT_READ | LARK_RIGHT_WRITE) &&
              !frame_at(s, server, main_t->ipc_buffer + 0x1000),
          "IPC buffer frame mapped RW with an unmapped guard after it", "wrong");
    bool irqs = s->header->irqs.count == 3;
    for (uint32_t i = 0; irqs && i < 3; i++) {
        const struct lark_spec_irq *q = &s->irqs[i];
        uint32_t want_ntfn = q->irq == 12 ? worker->bound_notification : main_t->bound_notification;
        uint64_t want_badge = LARK_SPEC_IRQ_BADGE_MARK | (q->irq == 11 ? 2u : 1u);
        irqs &= q->notification == want_ntfn && q->badge == want_badge && q->trigger == (q->irq == 11);
    }
    check(irqs, "IRQs 10+11 share main's notification (mark + bits 1, 2), 12 goes to worker", "wrong");
    const struct lark_spec_cap *h = cap_at(s, server, 13);
    check(h && h->kind == LARK_CAP_IRQ_HANDLER && s->irqs[h->target].irq == 10, "IRQ handler cap in slot 13",
          "wrong");
}

static bool has_table(const struct lark_spec *s, uint32_t vspace, uint64_t vaddr, uint32_t level, uint32_t before)
{
    unsigned shift = level == 1 ? 30 : 21;
    for (uint32_t i = 0; i < before; i++)
        if (s->mappings[i].kind == LARK_MAP_PAGE_TABLE && s->mappings[i].vspace == vspace &&
            s->mappings[i].level == level && s->mappings[i].vaddr == (vaddr >> shift << shift))
            return true;
    return false;
}

static void check_mappings(const struct lark_spec *s, int server, int client)
{
    bool tables = true;
    for (uint32_t i = 0; i < s->header->mappings.count; i++)
        if (s->mappings[i].kind == LARK_MAP_FRAME)
            tables &= has_table(s, s->mappings[i].vspace, s->mappings[i].vaddr, 1, i) &&
                      has_table(s, s->mappings[i].vspace, s->mappings[i].vaddr, 2, i);
    check(tables, "every frame has its level-1 and level-2 page tables mapped before it", "missing table");
    const struct lark_spec_mapping *a = frame_at(s, server, 0x60000000), *b = frame_at(s, server, 0x60001000);
    bool shared = a && b && a->rights == LARK_RIGHT_READ;
    int client_maps = 0;
    for (uint32_t i = 0; shared && i < s->header->mappings.count; i++) {
        const struct lark_spec_mapping *m = &s->mappings[i];
        if (m->vspace == s->components[client].vspace && (m->object == a->object || m->object == b->object)) {
            client_maps++;
            shared &= m->rights == (LARK_RIGHT_READ | LARK_RIGHT_WRITE) && (m->attrs & LARK_MAPA_EXECUTE_NEVER);
        }
    }
    check(shared && client_maps == 2, "shared region: same two frames, server R at 0x60000000, client RW",
          "wrong");
    const struct lark_spec_mapping *rtc0 = frame_at(s, server, 0x50000000), *rtc1 = frame_at(s, server, 0x50001000);
    check(rtc0 && rtc1 && (s->objects[rtc0->object].flags & LARK_OBJF_DEVICE) &&
              s->objects[rtc0->object].paddr == 0x101000 && s->objects[rtc1->object].paddr == 0x102000 &&
              rtc0->rights == LARK_RIGHT_READ && lark_spec_object_bytes(&s->objects[rtc0->object]) == 0,
          "device frames at their physical addresses, read only, no RAM", "wrong");
}

/* Rebuilds each component's loaded image from frames + fills and compares it to the ELF. */
static void check_fills(const struct lark_spec *s, const struct elf_facts *e)
{
    bool same = true, bss_zero = true, rights = true;
    for (uint32_t c = 0; c < s->header->components.count; c++)
        for (int g = 0; g < e->nsegs; g++)
            for (uint64_t i = 0; i < e->segs[g].memsz; i++) {
                uint64_t va = e->segs[g].vaddr + i;
                const struct lark_spec_mapping *m = frame_at(s, (int)c, va & ~4095ull);
                if (!m) {
                    same = false;
                    continue;
                }
                rights &= e->segs[g].exec ? !(m->attrs & LARK_MAPA_EXECUTE_NEVER) && !(m->rights & LARK_RIGHT_WRITE)
                                          : (m->attrs & LARK_MAPA_EXECUTE_NEVER) != 0;
                const struct lark_spec_fill *hit = NULL;
                for (uint32_t k = 0; k < s->header->fills.count; k++) {
                    const struct lark_spec_fill *f = &s->fills[k];
                    if (f->frame == m->object && (va & 4095) >= f->frame_offset &&
                        (va & 4095) < f->frame_offset + f->length)
                        hit = f;
                }
                if (i < e->segs[g].filesz)
                    same &= hit && hit->component == c &&
                            e->bytes[hit->file_offset + (va & 4095) - hit->frame_offset] ==
                                e->bytes[e->segs[g].offset + i];
                else
                    bss_zero &= hit == NULL;
            }
    check(same, "every loaded byte comes from the right ELF file offset", "mismatch");
    check(bss_zero, "bss is left zero (no fill covers it)", "fill over bss");
    check(rights, "text executable and read-only, data execute-never", "wrong rights");
}

static uint32_t field_crc(uint8_t *buf)
{
    struct lark_spec_header *h = (void *)buf;
    return lark_spec_crc32(buf + sizeof *h, h->total_size - sizeof *h);
}

static void expect_error(const uint8_t *orig, size_t size, const char *name, const char *want,
                         void (*mutate)(uint8_t *buf, const struct lark_spec *s), bool fix_crc)
{
    uint64_t *copy = malloc(size + 8);
    memcpy(copy, orig, size);
    struct lark_spec s;
    const char *why = NULL;
    lark_spec_open(&s, orig, size, &why);
    mutate((uint8_t *)copy, &s);
    if (fix_crc)
        ((struct lark_spec_header *)copy)->checksum = field_crc((uint8_t *)copy);
    bool ok = lark_spec_open(&s, copy, size, &why);
    char msg[200];
    snprintf(msg, sizeof msg, "accepted=%d error='%s', want '%s'", ok, why ? why : "", want);
    check(!ok && why && strcmp(why, want) == 0, name, msg);
    free(copy);
}

#define OFF(s, table) ((uint8_t *)(void *)(s)->table - (const uint8_t *)(const void *)(s)->header)
static void m_flip(uint8_t *b, const struct lark_spec *s) { (void)s; b[200] ^= 0x40; }
static void m_magic(uint8_t *b, const struct lark_spec *s) { (void)s; b[0] ^= 1; }
static void m_major(uint8_t *b, const struct lark_spec *s) { (void)s; ((struct lark_spec_header *)b)->version_major = 2; }
static void m_slot(uint8_t *b, const struct lark_spec *s)
{
    struct lark_spec_cap *c = (void *)(b + OFF(s, caps));
    c[0].slot = 1u << s->objects[c[0].cnode].size_bits;
}
static void m_dup(uint8_t *b, const struct lark_spec *s)
{
    struct lark_spec_cap *c = (void *)(b + OFF(s, caps));
    c[1].slot = c[0].slot;
}
static void m_type(uint8_t *b, const struct lark_spec *s) { ((struct lark_spec_object *)(void *)(b + OFF(s, objects)))[3].type = 11; }
static void m_vaddr(uint8_t *b, const struct lark_spec *s) { ((struct lark_spec_mapping *)(void *)(b + OFF(s, mappings)))[0].vaddr += 8; }
static void m_budget(uint8_t *b, const struct lark_spec *s) { ((struct lark_spec_thread *)(void *)(b + OFF(s, threads)))[0].budget_us = 99999999; }
static void m_fill(uint8_t *b, const struct lark_spec *s) { ((struct lark_spec_fill *)(void *)(b + OFF(s, fills)))[0].length = 5000; }
static void m_table(uint8_t *b, const struct lark_spec *s) { (void)s; ((struct lark_spec_header *)b)->caps.count = 0x7fffffff; }
static void m_target(uint8_t *b, const struct lark_spec *s) { ((struct lark_spec_cap *)(void *)(b + OFF(s, caps)))[2].target = 100000; }
static void m_strings(uint8_t *b, const struct lark_spec *s)
{
    struct lark_spec_header *h = (void *)b;
    b[h->strings.offset + h->strings.count - 1] = 'x';
    (void)s;
}

static void check_rejections(const uint8_t *buf, size_t size)
{
    struct lark_spec s;
    const char *why = "";
    bool rejected = !lark_spec_open(&s, buf, sizeof(struct lark_spec_header) - 1, &why);
    check(rejected && strcmp(why, "spec shorter than its header") == 0, "reject: shorter than the header", why);
    rejected = !lark_spec_open(&s, buf, size - 8, &why);
    check(rejected && strcmp(why, "spec total size does not match the buffer") == 0, "reject: truncated", why);
    check(!lark_spec_open(&s, buf + 1, size - 1, &why), "reject: misaligned buffer", "accepted");
    expect_error(buf, size, "reject: one flipped bit", "spec checksum mismatch", m_flip, false);
    expect_error(buf, size, "reject: bad magic", "bad spec magic", m_magic, false);
    expect_error(buf, size, "reject: major version 2", "unsupported spec major version", m_major, false);
    expect_error(buf, size, "reject: slot outside CNode", "cap slot outside its CNode (or the null slot 0)", m_slot, true);
    expect_error(buf, size, "reject: two caps in one slot", "two caps in the same CNode slot", m_dup, true);
    expect_error(buf, size, "reject: unknown object type", "object has an unknown type", m_type, true);
    expect_error(buf, size, "reject: unaligned mapping", "mapping address not page-aligned", m_vaddr, true);
    expect_error(buf, size, "reject: budget above period", "thread budget must be 1..period", m_budget, true);
    expect_error(buf, size, "reject: fill past its frame", "fill runs past the end of its frame", m_fill, true);
    expect_error(buf, size, "reject: table past the end", "spec table outside the spec or misaligned", m_table, true);
    expect_error(buf, size, "reject: cap to a missing object", "cap names an object that does not exist", m_target, true);
    expect_error(buf, size, "reject: unterminated strings", "string table empty or not NUL-terminated", m_strings, true);

    /* Random damage with a fixed-up checksum reaches the deep checks; none may crash. */
    uint64_t *copy = malloc(size + 8);
    unsigned seed = 12345, accepted = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(copy, buf, size);
        uint8_t *b = (uint8_t *)copy;
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = sizeof(struct lark_spec_header) + (seed >> 8) % (size - sizeof(struct lark_spec_header));
            b[at] = (uint8_t)(seed >> 3);
        }
        ((struct lark_spec_header *)b)->checksum = field_crc(b);
        accepted += lark_spec_open(&s, copy, size, &why);
    }
    free(copy);
    printf("     (random damage: %u of 20000 mutants still valid, e.g. changed badges or names)\n", accepted);
    check(true, "reject: 20000 random mutants without a crash", "");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: spec_test SPEC ELF\n");
        return 2;
    }
    size_t size;
    uint64_t *buf = read_all(argv[1], &size);
    struct elf_facts elf = {0};
    if (!buf || !read_elf(argv[2], &elf)) {
        printf("FAIL setup: cannot read %s or %s\n", argv[1], argv[2]);
        return 1;
    }
    struct lark_spec s;
    const char *why = "";
    bool ok = lark_spec_open(&s, buf, size, &why);
    check(ok, "spec opens", why);
    if (!ok)
        return 1;
    int server = component(&s, "server"), client = component(&s, "client"), mm = component(&s, "mm");
    check(s.header->components.count == 3 && server == 0 && client == 1 && mm == 2, "three components in order",
          "wrong");
    if (server < 0 || client < 0 || mm < 0)
        return 1;
    check_caps(&s, server, client, mm);
    check_threads_irqs(&s, server, &elf);
    check_mappings(&s, server, client);
    check_fills(&s, &elf);
    check_rejections((const uint8_t *)buf, size);
    free(buf);
    free(elf.bytes);
    return failures ? 1 : 0;
}
