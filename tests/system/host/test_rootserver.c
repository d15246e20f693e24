/* Host tests of the root server against the kernel model (model.c), with the real spec and
 * component ELFs linked in as in the boot image. Each scenario runs in a child process (the
 * root server keeps its state in globals) and prints "PASS name" / "FAIL name: why".
 *
 *   host-rootserver good|badspec|badelf|spec_system
 *
 * The checks follow docs/composition.md: every spec object created once, with its type and
 * size, from a non-tainted RAM untyped (device frames from a device untyped at their paddr);
 * frames filled byte for byte from the ELFs; every mapping, cap (rights, badge, CNode guard),
 * IRQ and thread as the spec says; the hand-off as rootserver/README.md says; and after the
 * memory manager's revoke of the tainted untyped, no cap of the system would point into it. */
#include "../../../rootserver/src/rootserver.h"
#include "lark_handoff.h"
#include "model.h"

#include <lark/names.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int rootserver_main(void);

static jmp_buf stop;
static int exit_status;
static unsigned *counts; /* passed, failed: shared with the children */
static const char *scenario = ""; /* prefixes the names of a scenario's checks */

_Noreturn void lark_exit(int status)
{
    exit_status = status;
    longjmp(stop, 1);
}

void model_root_suspended(void)
{
    longjmp(stop, 2);
}

static int check(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        counts[0]++;
        printf("PASS %s%s\n", scenario, name);
    } else {
        counts[1]++;
        printf("FAIL %s%s: ", scenario, name);
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
    return ok;
}

/* Runs the root server on the given boot state; 0 = it suspended itself, else its exit code. */
static int run(const struct m_untyped *uts, int n)
{
    model_boot(uts, n);
    exit_status = -1;
    int how = setjmp(stop);
    if (how == 0) {
        rootserver_main();
        return -2;
    }
    return how == 2 ? 0 : exit_status;
}

/* ---- finding the model objects the root server made for the spec's objects */
static struct lark_spec spec;
static int holding = -1;

/* The object a root slot held before the hand-off moved it to holding slot k. */
static int obj_of_slot(seL4_CPtr root_slot)
{
    for (uint32_t k = 0; k < rs.keep_count; k++) {
        if (rs.keep[k] == root_slot) {
            struct m_cap *c = model_slot(holding, k);
            return c ? c->obj : -1;
        }
    }
    return -1;
}

static int obj_of(uint32_t spec_index)
{
    return obj_of_slot(rs.obj_cap[spec_index]);
}

static const char *name_of(uint32_t spec_index)
{
    return lark_spec_string(&spec, spec.objects[spec_index].name);
}

static const struct lark_spec_component *memory_manager(void)
{
    for (uint32_t c = 0; c < spec.header->components.count; c++) {
        if (spec.components[c].flags & LARK_COMPF_MEMORY_MANAGER) {
            return &spec.components[c];
        }
    }
    return NULL;
}

static int find_holding(void)
{
    const struct lark_spec_component *mm = memory_manager();
    /* The MM CNode's original is in holding; holding is in the MM CNode: find the CNode that
     * holds, at the MM's first free slot, a CNode whose contents include that MM CNode. */
    for (int i = 0; i < M.n_objs; i++) {
        struct m_cap *c = model_slot(i, mm->first_free_slot);
        if (c && c->obj >= 0 && M.objs[c->obj].type == seL4_CapTableObject && i != M.root_cnode) {
            holding = c->obj;
            if (obj_of(mm->cnode) == i) {
                return i;
            }
        }
    }
    holding = -1;
    return -1;
}

static void check_objects(void)
{
    int ok = 1, distinct = 1, from_tainted = 0;
    const char *bad = "";
    for (uint32_t i = 0; i < spec.header->objects.count && ok; i++) {
        const struct lark_spec_object *s = &spec.objects[i];
        int o = obj_of(i);
        if (o < 0 || M.objs[o].type != (int)s->type) {
            ok = 0;
            bad = name_of(i);
            break;
        }
        if ((s->type == LARK_OBJ_CNODE || s->type == LARK_OBJ_SCHED_CONTEXT) && M.objs[o].size_bits != s->size_bits) {
            ok = 0;
            bad = name_of(i);
        }
        int root = model_root_untyped(o);
        from_tainted |= M.objs[root].tainted;
        if (s->flags & LARK_OBJF_DEVICE) {
            if (!M.objs[o].device || M.objs[o].paddr != s->paddr || !M.objs[root].device) {
                ok = 0;
                bad = name_of(i);
            }
        } else if (M.objs[o].device) {
            ok = 0;
            bad = name_of(i);
        }
        for (uint32_t j = 0; j < i; j++) {
            distinct &= obj_of(j) != o;
        }
    }
    check(ok, "host_every_spec_object_created_with_its_type_and_size", "object %s", bad);
    check(distinct, "host_every_spec_object_created_once", "two spec objects share a kernel object");
    check(!from_tainted, "host_no_spec_object_from_a_tainted_untyped", "an object came from the tainted untyped");
}

static void check_fills(void)
{
    static uint8_t want[M_MAX_OBJS][4096];
    static uint8_t filled[M_MAX_OBJS];
    memset(filled, 0, sizeof(filled));
    int ok = 1;
    for (uint32_t i = 0; i < spec.header->fills.count; i++) {
        const struct lark_spec_fill *f = &spec.fills[i];
        uint64_t size;
        const uint8_t *elf = archive_find(lark_spec_string(&spec, spec.components[f->component].elf), &size);
        if (!filled[f->frame]) {
            memset(want[f->frame], 0, 4096);
            filled[f->frame] = 1;
        }
        memcpy(want[f->frame] + f->frame_offset, elf + f->file_offset, f->length);
    }
    uint32_t frames = 0, zero = 0;
    for (uint32_t i = 0; i < spec.header->objects.count; i++) {
        if (spec.objects[i].type != LARK_OBJ_FRAME || (spec.objects[i].flags & LARK_OBJF_DEVICE)) {
            continue;
        }
        int o = obj_of(i);
        static const uint8_t zeros[4096];
        const uint8_t *expect = filled[i] ? want[i] : zeros;
        if (o < 0 || memcmp(M.objs[o].data, expect, 4096) != 0) {
            ok = 0;
            printf("  frame %s differs\n", name_of(i));
        }
        frames++;
        zero += !filled[i];
    }
    check(ok && frames > 0, "host_frames_hold_the_elf_bytes_and_zeros", "%u frames checked", frames);
    check(zero > 0, "host_unfilled_frames_stay_zero", "no unfilled frame in the spec");
}

static int find_map(int vspace, uint64_t vaddr)
{
    for (int i = 0; i < M.n_maps; i++) {
        if (M.maps[i].vspace == vspace && M.maps[i].vaddr == vaddr) {
            return i;
        }
    }
    return -1;
}

static void check_mappings(void)
{
    int ok = 1, pts = 1;
    uint32_t frames = 0;
    for (uint32_t i = 0; i < spec.header->mappings.count; i++) {
        const struct lark_spec_mapping *m = &spec.mappings[i];
        int vs = obj_of(m->vspace), o = obj_of(m->object);
        if (m->kind == LARK_MAP_PAGE_TABLE) {
            pts &= o >= 0 && M.objs[o].pt_level == (int)m->level && M.objs[o].vspace == vs &&
                   (M.objs[o].ipc_buffer >> (m->level == 1 ? 30 : 21)) == (m->vaddr >> (m->level == 1 ? 30 : 21));
            continue;
        }
        frames++;
        int k = find_map(vs, m->vaddr);
        uint32_t rights = m->rights & (LARK_RIGHT_READ | LARK_RIGHT_WRITE);
        if (k < 0 || M.maps[k].frame != o || M.maps[k].rights != rights ||
            (M.maps[k].attrs & 1) != (m->attrs & LARK_MAPA_EXECUTE_NEVER)) {
            ok = 0;
            printf("  mapping %u (%s at %llx) wrong\n", i, name_of(m->object), (unsigned long long)m->vaddr);
        }
    }
    check(pts, "host_page_tables_at_their_level_and_address", "a page table is wrong");
    check(ok, "host_frames_mapped_with_rights_and_execute_never", "a frame mapping is wrong");
    int component_maps = 0;
    for (int i = 0; i < M.n_maps; i++) {
        component_maps += M.maps[i].vspace != M.root_vspace;
    }
    check(component_maps == (int)frames + 1, "host_no_mapping_beyond_the_spec_and_the_hand_off_page",
          "%d mappings, spec has %u + 1", component_maps, frames);
    int pool = -1, same_pool = 1;
    for (uint32_t c = 0; c < spec.header->components.count; c++) {
        int vs = obj_of(spec.components[c].vspace);
        int p = vs >= 0 ? M.objs[vs].asid - 1 : -1;
        same_pool &= p >= 0 && M.objs[p].type == MK_ASID_POOL && M.objs[p].parent >= 0 && (pool < 0 || p == pool);
        pool = p;
    }
    check(same_pool && !M.objs[model_root_untyped(pool)].tainted, "host_vspaces_in_a_pool_outside_the_tainted_untyped",
          "a VSpace is in the boot pool or none");
}

static void check_caps(void)
{
    int ok = 1;
    for (uint32_t i = 0; i < spec.header->caps.count; i++) {
        const struct lark_spec_cap *s = &spec.caps[i];
        struct m_cap *c = model_slot(obj_of(s->cnode), s->slot);
        int good = c && c->obj >= 0 && c->rights == s->rights;
        if (good) {
            int t = M.objs[c->obj].type;
            switch (s->kind) {
            case LARK_CAP_OBJECT:
                good = c->obj == obj_of(s->target);
                if (spec.objects[s->target].type == LARK_OBJ_CNODE) {
                    good &= c->badge == seL4_CNode_CapData_new(0, 64 - spec.objects[s->target].size_bits).words[0];
                } else {
                    good &= c->badge == s->badge;
                }
                break;
            case LARK_CAP_IRQ_HANDLER:
                good = t == MK_IRQ_HANDLER && M.objs[c->obj].irq == (int)spec.irqs[s->target].irq;
                break;
            case LARK_CAP_ASID_POOL:
                good = t == MK_ASID_POOL && M.objs[c->obj].parent >= 0;
                break;
            case LARK_CAP_SCHED_CONTROL:
                good = t == MK_SCHED_CONTROL;
                break;
            case LARK_CAP_DOMAIN:
                good = t == MK_DOMAIN;
                break;
            }
        }
        if (!good) {
            ok = 0;
            printf("  cap %u (cnode %s slot %u) wrong\n", i, name_of(s->cnode), s->slot);
        }
    }
    check(ok, "host_every_cap_with_its_rights_badge_and_guard", "a cap is wrong");

    /* Nothing else in the components' CNodes, except the memory manager's hand-off slots. */
    const struct lark_spec_component *mm = memory_manager();
    int extra = 0;
    for (uint32_t c = 0; c < spec.header->components.count; c++) {
        int cn = obj_of(spec.components[c].cnode);
        for (uint64_t slot = 0; slot < (1ULL << M.objs[cn].size_bits); slot++) {
            if (M.objs[cn].slots[slot].obj < 0) {
                continue;
            }
            int listed = 0;
            for (uint32_t i = 0; i < spec.header->caps.count; i++) {
                listed |= spec.caps[i].cnode == spec.components[c].cnode && spec.caps[i].slot == slot;
            }
            if (!listed && !(&spec.components[c] == mm && slot >= mm->first_free_slot)) {
                extra++;
            }
        }
    }
    check(extra == 0, "host_no_cap_beyond_the_spec_in_component_cnodes", "%d extra caps", extra);
}

static void check_threads_and_irqs(void)
{
    int ok = 1;
    for (uint32_t i = 0; i < spec.header->threads.count; i++) {
        const struct lark_spec_thread *t = &spec.threads[i];
        const struct lark_spec_component *c = &spec.components[t->component];
        int o = obj_of(t->tcb);
        struct m_obj *x = &M.objs[o];
        char name[80];
        snprintf(name, sizeof(name), "%s.%s", lark_spec_string(&spec, c->name), lark_spec_string(&spec, t->name));
        int sc = obj_of(t->sc);
        int good = o >= 0 && x->configured && x->cspace == obj_of(c->cnode) &&
                   x->cspace_data == seL4_CNode_CapData_new(0, 64 - spec.objects[c->cnode].size_bits).words[0] &&
                   x->vspace == obj_of(c->vspace) && x->ipc_buffer == t->ipc_buffer &&
                   x->ipc_frame == obj_of(t->ipc_buffer_frame) && x->mcp == t->mcp && x->prio == t->priority &&
                   x->sc == sc && M.objs[sc].sc_configured && M.objs[sc].budget == t->budget_us &&
                   M.objs[sc].period == t->period_us &&
                   x->bound_ntfn == (t->bound_notification == LARK_SPEC_NONE ? -1 : obj_of(t->bound_notification)) &&
                   x->regs.pc == t->entry && x->regs.sp == t->stack_top && x->regs.a0 == t->arg0 &&
                   x->regs.a1 == t->ipc_buffer && x->resumed && strcmp(x->name, name) == 0;
        if (!good) {
            ok = 0;
            printf("  thread %s wrong\n", name);
        }
    }
    check(ok, "host_threads_configured_scheduled_and_resumed", "a thread is wrong");
    check(M.resumes == (int)spec.header->threads.count, "host_only_the_spec_threads_resumed", "%d resumes",
          M.resumes);

    ok = 1;
    for (uint32_t i = 0; i < spec.header->irqs.count; i++) {
        const struct lark_spec_irq *q = &spec.irqs[i];
        int h = -1;
        for (int k = 0; k < M.n_objs; k++) {
            if (M.objs[k].type == MK_IRQ_HANDLER && M.objs[k].irq == (int)q->irq) {
                h = k;
            }
        }
        ok &= h >= 0 && M.objs[h].irq_trigger == (int)q->trigger && M.objs[h].irq_ntfn == obj_of(q->notification) &&
              M.objs[h].irq_badge == q->badge && M.objs[h].irq_acks == 1;
    }
    check(ok && spec.header->irqs.count > 0, "host_irqs_signal_their_badged_notification_acked_once", "an IRQ is wrong");
}

static void check_handoff(void)
{
    const seL4_BootInfo *bi = rs.bi;
    const struct lark_spec_component *mm = memory_manager();
    int mm_cnode = obj_of(mm->cnode);
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    int ok = 1;
    for (seL4_Word i = 0; i < n; i++) {
        struct m_cap *c = model_slot(mm_cnode, mm->first_free_slot + 1 + i);
        /* boot untyped i is the model object made for BootInfo slot untyped.start + i */
        ok &= c && c->obj >= 0 && M.objs[c->obj].type == seL4_UntypedObject && M.objs[c->obj].parent < 0 &&
              M.objs[c->obj].paddr == bi->untypedList[i].paddr;
        ok &= model_slot(M.root_cnode, bi->untyped.start + i)->obj < 0;
    }
    check(ok, "host_every_untyped_moved_to_the_memory_manager_in_order", "untyped slots wrong");

    int kernel_caps_moved = 1;
    const seL4_CPtr kernel[] = {seL4_CapIRQControl, seL4_CapASIDControl, seL4_CapInitThreadASIDPool, seL4_CapDomain,
                                bi->schedcontrol.start};
    for (unsigned k = 0; k < sizeof(kernel) / sizeof(kernel[0]); k++) {
        kernel_caps_moved &= model_slot(M.root_cnode, kernel[k])->obj < 0;
    }
    int in_holding[6] = {0};
    for (uint64_t s = 0; s < (1ULL << M.objs[holding].size_bits); s++) {
        int o = M.objs[holding].slots[s].obj;
        if (o >= 0 && M.objs[o].type >= MK_IRQ_CONTROL && M.objs[o].type <= MK_SCHED_CONTROL) {
            in_holding[M.objs[o].type - MK_IRQ_CONTROL]++;
        }
    }
    check(kernel_caps_moved && in_holding[0] == 1 && in_holding[1] == 1 && in_holding[2] == 2 && in_holding[3] == 1 &&
              in_holding[4] == 1,
          "host_kernel_caps_in_the_holding_cnode", "IRQControl %d ASIDControl %d pools %d domain %d sched %d",
          in_holding[0], in_holding[1], in_holding[2], in_holding[3], in_holding[4]);

    int mm_vs = obj_of(mm->vspace);
    int k = find_map(mm_vs, LARK_HANDOFF_VADDR);
    const struct lark_handoff *h = k >= 0 ? (const void *)M.objs[M.maps[k].frame].data : NULL;
    ok = h && M.maps[k].rights == LARK_RIGHT_READ && (M.maps[k].attrs & 1) && h->magic == LARK_HANDOFF_MAGIC &&
         h->version == LARK_HANDOFF_VERSION && h->untyped_count == n && h->holding_slot == mm->first_free_slot &&
         h->untyped_first_slot == mm->first_free_slot + 1 && h->first_free_slot == mm->first_free_slot + 1 + n &&
         h->holding_used == rs.keep_count + 5 && h->kernel_reserved_bytes == 81920;
    uint64_t tainted = 0, spec_bytes = 0;
    for (seL4_Word i = 0; h && i < n; i++) {
        int t = bi->untyped.start + i >= rs.tainted_start && bi->untyped.start + i < rs.tainted_end;
        ok &= h->untypeds[i].paddr == bi->untypedList[i].paddr && h->untypeds[i].size_bits == bi->untypedList[i].sizeBits &&
              h->untypeds[i].is_device == bi->untypedList[i].isDevice && h->untypeds[i].is_tainted == t;
        tainted += t ? 1ULL << bi->untypedList[i].sizeBits : 0;
    }
    for (uint32_t i = 0; i < spec.header->objects.count; i++) {
        spec_bytes += lark_spec_object_bytes(&spec.objects[i]);
    }
    check(ok && h->tainted_bytes == tainted && tainted > 0 && h->component_bytes == spec_bytes,
          "host_hand_off_page_read_only_and_complete", "hand-off page wrong");

    /* The memory manager's first act: revoke the tainted untypeds. Every object derived from
     * them dies; no cap outside the root CNode may point at one, and every cap a mapping or
     * the system needs must live outside the root CNode. */
    int dangling = 0, mapped_in_root = 0, mapped_outside = 0;
    for (int c = 0; c < M.n_objs; c++) {
        if (M.objs[c].type != seL4_CapTableObject) {
            continue;
        }
        for (uint64_t s = 0; s < (1ULL << M.objs[c].size_bits); s++) {
            struct m_cap *cap = &M.objs[c].slots[s];
            if (cap->obj < 0) {
                continue;
            }
            if (c == M.root_cnode) {
                mapped_in_root += cap->mapped && cap->map_vspace != M.root_vspace;
            } else {
                dangling += M.objs[model_root_untyped(cap->obj)].tainted && M.objs[cap->obj].parent >= 0;
                mapped_outside += cap->mapped && cap->map_vspace != M.root_vspace;
            }
        }
    }
    int component_maps = 0, pts = 0;
    for (int i = 0; i < M.n_maps; i++) {
        component_maps += M.maps[i].vspace != M.root_vspace;
    }
    for (int i = 0; i < M.n_objs; i++) {
        pts += M.objs[i].type == seL4_RISCV_PageTableObject && M.objs[i].pt_level && M.objs[i].vspace != M.root_vspace;
    }
    check(dangling == 0, "host_no_surviving_cap_points_into_the_tainted_untyped", "%d caps would dangle", dangling);
    check(mapped_in_root == 0 && mapped_outside == component_maps + pts, "host_mapped_caps_survive_the_root_cnode",
          "%d mapped caps left in the root CNode, %d outside for %d mappings + %d tables", mapped_in_root,
          mapped_outside, component_maps, pts);
}

static void scenario_good(const char *label, const struct m_untyped *uts, int n)
{
    scenario = label;
    int rc = run(uts, n);
    int ok = check(rc == 0 && M.suspended && !strstr(M.out, "rootserver: error") && !M.unmodelled,
                   "host_rootserver_instantiates_and_suspends", "exit %d, unmodelled %s, log:\n%s", rc,
                   M.unmodelled ? M.unmodelled : "-", M.out);
    if (!ok) {
        return;
    }
    uint64_t size;
    const void *bytes = archive_spec(&size);
    const char *err;
    if (!lark_spec_open(&spec, bytes, size, &err) || find_holding() < 0) {
        check(0, "host_holding_cnode_found", "no holding CNode in the memory manager's CNode");
        return;
    }
    check_objects();
    check_fills();
    check_mappings();
    check_caps();
    check_threads_and_irqs();
    check_handoff();
}

static void scenario_refused(const char *name, const char *message, const struct m_untyped *uts, int n)
{
    int rc = run(uts, n);
    check(rc == 1 && strstr(M.out, message) && strstr(M.out, "rootserver: stopped, nothing started") &&
              M.resumes == 0 && !M.suspended,
          name, "exit %d, resumes %d, log:\n%s", rc, M.resumes, M.out);
}

/* QEMU virt-like memory: a tainted block, RAM untypeds of mixed sizes, the UART's device page. */
static const struct m_untyped qemu_like[] = {
    {0x80080000, 19, 0, 1, 0x60000}, {0x80100000, 20, 0, 0, 0}, {0x80200000, 21, 0, 0, 0},
    {0x80400000, 22, 0, 0, 0},       {0x80800000, 23, 0, 0, 0}, {0x81000000, 24, 0, 0, 0},
    {0x10000000, 12, 1, 0, 0},       {0x10001000, 12, 1, 0, 0},
};
/* The UART page inside a large device untyped: the root server must halve it down to the page. */
static const struct m_untyped big_device[] = {
    {0x80080000, 19, 0, 1, 0x60000}, {0x81000000, 24, 0, 0, 0}, {0x0, 29, 1, 0, 0},
};
/* Only small RAM untypeds besides one big enough for the memory manager's CNode. */
static const struct m_untyped fragmented[] = {
    {0x80080000, 19, 0, 1, 0x60000}, {0x80100000, 18, 0, 0, 0}, {0x80140000, 16, 0, 0, 0},
    {0x80150000, 16, 0, 0, 0},       {0x80160000, 17, 0, 0, 0}, {0x80180000, 18, 0, 0, 0},
    {0x801c0000, 18, 0, 0, 0},       {0x80200000, 21, 0, 0, 0}, {0x10000000, 12, 1, 0, 0},
};
/* For the composer's spec_system.xml: the UART page, and the RTC's two pages (0x101000,
 * 0x102000) inside one 64 KiB device untyped, so the second frame comes from a half the first
 * split left over. */
static const struct m_untyped spec_system_layout[] = {
    {0x80080000, 19, 0, 1, 0x60000}, {0x80100000, 20, 0, 0, 0}, {0x81000000, 24, 0, 0, 0},
    {0x10000000, 12, 1, 0, 0},       {0x100000, 16, 1, 0, 0},
};
static const struct m_untyped no_ram[] = {
    {0x80080000, 24, 0, 1, 0x60000}, {0x10000000, 12, 1, 0, 0},
};
static const struct m_untyped no_device[] = {
    {0x80080000, 19, 0, 1, 0x60000}, {0x81000000, 24, 0, 0, 0}, {0x20000000, 12, 1, 0, 0},
};

static void in_child(void (*fn)(const void *), const void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        check(0, "host_scenario_completes", "child ended with status %d", status);
    }
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
static void good_qemu(const void *a) { (void)a; scenario_good("qemu_like_", qemu_like, N(qemu_like)); }
static void good_big(const void *a) { (void)a; scenario_good("big_device_untyped_", big_device, N(big_device)); }
static void good_frag(const void *a) { (void)a; scenario_good("fragmented_ram_", fragmented, N(fragmented)); }
static void good_spec_system(const void *a)
{
    (void)a;
    scenario_good("spec_system_", spec_system_layout, N(spec_system_layout));
}
static void refuse_ram(const void *a)
{
    (void)a;
    scenario_refused("host_out_of_untyped_memory_stops_cleanly", "no untyped memory left for it", no_ram, N(no_ram));
}
static void refuse_device(const void *a)
{
    (void)a;
    scenario_refused("host_device_without_untyped_stops_cleanly", "no unused device untyped covers its address",
                     no_device, N(no_device));
}
static void refuse_spec(const void *a)
{
    scenario_refused(a, "rootserver: bad spec", qemu_like, N(qemu_like));
    check(M.retypes == 0, "host_bad_spec_creates_nothing", "%d retypes", M.retypes);
}
static void refuse_elf(const void *a)
{
    scenario_refused(a, "the archive does not match it", qemu_like, N(qemu_like));
    check(M.retypes == 0, "host_mismatched_elf_creates_nothing", "%d retypes", M.retypes);
}

int main(int argc, char **argv)
{
    counts = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    const char *mode = argc > 1 ? argv[1] : "good";
    if (strcmp(mode, "good") == 0) {
        in_child(good_qemu, NULL);
        in_child(good_big, NULL);
        in_child(good_frag, NULL);
        in_child(refuse_ram, NULL);
        in_child(refuse_device, NULL);
    } else if (strcmp(mode, "spec_system") == 0) {
        in_child(good_spec_system, NULL);
    } else if (strcmp(mode, "badspec") == 0) {
        in_child(refuse_spec, "host_damaged_spec_refused");
    } else if (strcmp(mode, "badelf") == 0) {
        in_child(refuse_elf, "host_mismatched_elf_refused");
    } else {
        fprintf(stderr, "usage: %s good|badspec|badelf|spec_system\n", argv[0]);
        return 2;
    }
    printf("host-rootserver %s: %u passed, %u failed\n", mode, counts[0], counts[1]);
    return counts[1] != 0;
}
