/* Instantiating the spec, in the order docs/composition.md gives: objects, IRQ handlers,
 * VSpaces (ASIDs, fills, page tables, frames), caps, threads. Every kernel refusal stops the
 * root server with the object's name and the kernel's error. */
#include "rootserver.h"
#include <lark/print.h>
#include <lark/string.h>

static const char *obj_name(uint32_t index)
{
    return lark_spec_string(&rs.spec, rs.spec.objects[index].name);
}

static unsigned log2_of(uint64_t v)
{
    unsigned bits = 0;
    while ((1ULL << bits) < v) {
        bits++;
    }
    return bits;
}

/* Only the variable-size types take a size argument; seL4 ignores it for the others. */
static seL4_Word retype_size_bits(const struct lark_spec_object *o)
{
    switch (o->type) {
    case LARK_OBJ_UNTYPED:
    case LARK_OBJ_CNODE:
    case LARK_OBJ_SCHED_CONTEXT:
        return o->size_bits;
    default:
        return 0;
    }
}

void build_objects(void)
{
    const struct lark_spec_header *h = rs.spec.header;
    if (h->objects.count > RS_MAX_OBJECTS || h->irqs.count > RS_MAX_IRQS) {
        rs_fail("spec", "more objects or IRQs than the root server's tables hold");
    }
    /* Largest first: every object then starts aligned right after the previous one. */
    for (int bits = 40; bits >= 0; bits--) {
        for (uint32_t i = 0; i < h->objects.count; i++) {
            const struct lark_spec_object *o = &rs.spec.objects[i];
            if (o->flags & LARK_OBJF_DEVICE) {
                continue;
            }
            uint64_t bytes = lark_spec_object_bytes(o);
            if (log2_of(bytes) != (unsigned)bits) {
                continue;
            }
            rs.obj_cap[i] = pool_retype(o->type, retype_size_bits(o), bytes, obj_name(i));
            rs.component_bytes += bytes;
            keep_cap(rs.obj_cap[i]);
        }
    }
    for (uint32_t i = 0; i < h->objects.count; i++) {
        const struct lark_spec_object *o = &rs.spec.objects[i];
        if (o->flags & LARK_OBJF_DEVICE) {
            rs.obj_cap[i] = pool_device_frame(o->paddr, obj_name(i));
            keep_cap(rs.obj_cap[i]);
        }
    }
}

void build_irqs(void)
{
    for (uint32_t i = 0; i < rs.spec.header->irqs.count; i++) {
        const struct lark_spec_irq *q = &rs.spec.irqs[i];
        seL4_CPtr handler = slot_alloc();
        rs_check(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, q->irq, q->trigger,
                                            seL4_CapInitThreadCNode, handler, seL4_WordBits),
                 "IRQ handler", obj_name(q->notification));
        seL4_CPtr badged = slot_alloc();
        rs_check(seL4_CNode_Mint(seL4_CapInitThreadCNode, badged, seL4_WordBits, seL4_CapInitThreadCNode,
                                 rs.obj_cap[q->notification], seL4_WordBits, seL4_CanWrite, q->badge),
                 "badge IRQ notification", obj_name(q->notification));
        rs_check(seL4_IRQHandler_SetNotification(handler, badged), "IRQ notification",
                 obj_name(q->notification));
        rs_check(seL4_IRQHandler_Ack(handler), "IRQ ack", obj_name(q->notification));
        rs.irq_cap[i] = handler;
        keep_cap(handler);
        keep_cap(badged);
    }
}

static void fill_frames(void)
{
    const struct lark_spec_header *h = rs.spec.header;
    uint32_t mapped = LARK_SPEC_NONE;
    uint8_t *window = NULL;
    for (uint32_t i = 0; i < h->fills.count; i++) {
        const struct lark_spec_fill *f = &rs.spec.fills[i];
        const struct lark_spec_component *c = &rs.spec.components[f->component];
        uint64_t elf_size;
        const uint8_t *elf = archive_find(lark_spec_string(&rs.spec, c->elf), &elf_size);
        if (elf == NULL) {
            rs_fail(lark_spec_string(&rs.spec, c->elf), "ELF not in the root server's archive");
        }
        if (elf_size != c->elf_size || f->file_offset > elf_size || f->length > elf_size - f->file_offset ||
            f->frame_offset > 4096 || f->length > 4096 - f->frame_offset) {
            rs_fail(lark_spec_string(&rs.spec, c->elf), "ELF size or fill range differs from the spec");
        }
        if (mapped != f->frame) {
            if (mapped != LARK_SPEC_NONE) {
                window_unmap(rs.obj_cap[mapped]);
            }
            window = window_map(rs.obj_cap[f->frame]);
            mapped = f->frame;
        }
        memcpy(window + f->frame_offset, elf + f->file_offset, f->length);
    }
    if (mapped != LARK_SPEC_NONE) {
        window_unmap(rs.obj_cap[mapped]);
    }
}

/* The kernel builds the initial ASID pool from the tainted untyped, so revoking that untyped
 * would take every component's ASID with it: the components get a pool of their own, made from
 * a non-tainted untyped. */
static void make_asid_pool(void)
{
    seL4_CPtr ut = pool_retype(seL4_UntypedObject, seL4_ASIDPoolBits, 1u << seL4_ASIDPoolBits, "ASID pool memory");
    rs.asid_pool = slot_alloc();
    rs_check(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, seL4_CapInitThreadCNode, rs.asid_pool,
                                             seL4_WordBits),
             "make", "ASID pool");
    rs.extra_bytes += 1u << seL4_ASIDPoolBits;
    keep_cap(ut);
    keep_cap(rs.asid_pool);
}

void build_vspaces(void)
{
    const struct lark_spec_header *h = rs.spec.header;
    make_asid_pool();
    for (uint32_t c = 0; c < h->components.count; c++) {
        uint32_t vs = rs.spec.components[c].vspace;
        rs_check(seL4_RISCV_ASIDPool_Assign(rs.asid_pool, rs.obj_cap[vs]), "ASID for", obj_name(vs));
    }
    fill_frames();
    for (uint32_t i = 0; i < h->mappings.count; i++) {
        const struct lark_spec_mapping *m = &rs.spec.mappings[i];
        seL4_CPtr vspace = rs.obj_cap[m->vspace];
        if (m->kind == LARK_MAP_PAGE_TABLE) {
            rs_check(seL4_RISCV_PageTable_Map(rs.obj_cap[m->object], vspace, m->vaddr,
                                              seL4_RISCV_Default_VMAttributes),
                     "map page table", obj_name(m->object));
            continue;
        }
        /* One cap per mapping: the second mapping of a frame uses a copy. */
        seL4_CPtr frame = rs.obj_cap[m->object];
        if (rs.obj_maps[m->object]++ > 0) {
            seL4_CPtr copy = slot_alloc();
            rs_check(seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode,
                                     frame, seL4_WordBits, seL4_AllRights),
                     "copy frame cap of", obj_name(m->object));
            keep_cap(copy);
            frame = copy;
        }
        seL4_CapRights_t rights = seL4_CapRights_new(0, 0, (m->rights & LARK_RIGHT_READ) != 0,
                                                     (m->rights & LARK_RIGHT_WRITE) != 0);
        vmap_frame(frame, vspace, m->vaddr, rights, m->attrs & LARK_MAPA_EXECUTE_NEVER, 0, obj_name(m->object));
    }
}

static seL4_CapRights_t rights_of(uint32_t r)
{
    return seL4_CapRights_new((r & LARK_RIGHT_GRANT_REPLY) != 0, (r & LARK_RIGHT_GRANT) != 0,
                              (r & LARK_RIGHT_READ) != 0, (r & LARK_RIGHT_WRITE) != 0);
}

/* A component CNode cap resolves a slot number as its own cptr at depth 64. */
seL4_Word rs_cnode_guard(uint32_t cnode_object)
{
    return seL4_CNode_CapData_new(0, seL4_WordBits - rs.spec.objects[cnode_object].size_bits).words[0];
}

void build_caps(void)
{
    for (uint32_t i = 0; i < rs.spec.header->caps.count; i++) {
        const struct lark_spec_cap *c = &rs.spec.caps[i];
        seL4_CPtr dest = rs.obj_cap[c->cnode];
        seL4_Word depth = rs.spec.objects[c->cnode].size_bits;
        seL4_CPtr src;
        seL4_Word badge = c->badge;
        const char *what = "cap";
        switch (c->kind) {
        case LARK_CAP_OBJECT:
            src = rs.obj_cap[c->target];
            what = obj_name(c->target);
            if (rs.spec.objects[c->target].type == LARK_OBJ_CNODE) {
                badge = rs_cnode_guard(c->target);
            }
            break;
        case LARK_CAP_IRQ_HANDLER:
            src = rs.irq_cap[c->target];
            what = "IRQ handler";
            break;
        case LARK_CAP_ASID_POOL:
            src = rs.asid_pool;
            what = "ASID pool";
            break;
        case LARK_CAP_SCHED_CONTROL:
            src = rs.bi->schedcontrol.start;
            what = "SchedControl";
            break;
        case LARK_CAP_DOMAIN:
            src = seL4_CapDomain;
            what = "domain";
            break;
        default:
            rs_fail("cap", "unknown kind");
        }
        seL4_Error err;
        if (badge != 0) {
            err = seL4_CNode_Mint(dest, c->slot, (seL4_Uint8)depth, seL4_CapInitThreadCNode, src,
                                  seL4_WordBits, rights_of(c->rights), badge);
        } else {
            err = seL4_CNode_Copy(dest, c->slot, (seL4_Uint8)depth, seL4_CapInitThreadCNode, src,
                                  seL4_WordBits, rights_of(c->rights));
        }
        rs_check(err, "place cap", what);
    }
}

void build_threads(void)
{
    for (uint32_t i = 0; i < rs.spec.header->threads.count; i++) {
        const struct lark_spec_thread *t = &rs.spec.threads[i];
        const struct lark_spec_component *c = &rs.spec.components[t->component];
        const char *name = lark_spec_string(&rs.spec, t->name);
        seL4_CPtr tcb = rs.obj_cap[t->tcb];
        rs_check(seL4_SchedControl_ConfigureFlags(rs.bi->schedcontrol.start, rs.obj_cap[t->sc], t->budget_us,
                                                  t->period_us, 0, 0, seL4_SchedContext_NoFlag),
                 "configure SchedContext of", name);
        rs_check(seL4_TCB_Configure(tcb, rs.obj_cap[c->cnode], rs_cnode_guard(c->cnode), rs.obj_cap[c->vspace],
                                    0, t->ipc_buffer, rs.obj_cap[t->ipc_buffer_frame]),
                 "configure TCB of", name);
        rs_check(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, t->mcp, t->priority, rs.obj_cap[t->sc],
                                         seL4_CapNull),
                 "scheduling parameters of", name);
        if (t->bound_notification != LARK_SPEC_NONE) {
            rs_check(seL4_TCB_BindNotification(tcb, rs.obj_cap[t->bound_notification]), "bind notification of",
                     name);
        }
        /* lib/crt0: a0 = 0 for a program's first thread (not a root task), a1 = its IPC buffer. */
        seL4_UserContext regs = {0};
        regs.pc = t->entry;
        regs.sp = t->stack_top;
        regs.a0 = t->arg0;
        regs.a1 = t->ipc_buffer;
        rs_check(seL4_TCB_WriteRegisters(tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs),
                 "registers of", name);
        char full[64];
        lark_snprintf(full, sizeof(full), "%s.%s",
                      lark_spec_string(&rs.spec, c->name), name);
        seL4_DebugNameThread(tcb, full);
    }
}
