/* The kernel model behind lark_syscall (model.h). It answers as seL4 would for the cases the
 * root server meets: retype watermark and alignment, empty destination slots, exact CNode
 * depths, rights masking, one mapping per frame cap, page tables before frames. */
#include "model.h"

#include <lark/bootinfo_extra.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct model M;
static seL4_IPCBuffer ipc;
static seL4_BootInfo *bootinfo;
static uint8_t *window; /* host memory at M_WINDOW */

static int new_obj(int type, unsigned size_bits)
{
    if (M.n_objs >= M_MAX_OBJS) {
        fprintf(stderr, "model: too many objects\n");
        exit(2);
    }
    int i = M.n_objs++;
    memset(&M.objs[i], 0, sizeof(M.objs[i]));
    M.objs[i].type = type;
    M.objs[i].size_bits = size_bits;
    M.objs[i].parent = -1;
    M.objs[i].cspace = M.objs[i].vspace = M.objs[i].ipc_frame = M.objs[i].sc = M.objs[i].bound_ntfn = -1;
    M.objs[i].irq_ntfn = -1;
    if (type == seL4_CapTableObject) {
        M.objs[i].slots = calloc(1u << size_bits, sizeof(struct m_cap));
        for (unsigned s = 0; s < (1u << size_bits); s++) {
            M.objs[i].slots[s].obj = -1;
        }
    }
    if (type == seL4_RISCV_4K_Page) {
        M.objs[i].data = calloc(1, 4096);
    }
    return i;
}

struct m_cap *model_slot(int cnode, uint64_t slot)
{
    if (cnode < 0 || M.objs[cnode].type != seL4_CapTableObject || slot >= (1ULL << M.objs[cnode].size_bits)) {
        return NULL;
    }
    return &M.objs[cnode].slots[slot];
}

int model_root_untyped(int obj)
{
    while (M.objs[obj].parent >= 0) {
        obj = M.objs[obj].parent;
    }
    return obj;
}

static void put(int cnode, uint64_t slot, int obj, uint32_t rights)
{
    struct m_cap *c = model_slot(cnode, slot);
    *c = (struct m_cap){.obj = obj, .rights = rights, .map_vspace = -1};
}

seL4_BootInfo *model_boot(const struct m_untyped *uts, int n)
{
    for (int i = 0; i < M.n_objs; i++) {
        free(M.objs[i].slots);
        free(M.objs[i].data);
    }
    memset(&M, 0, sizeof(M));
    if (window == NULL) {
        window = mmap((void *)M_WINDOW, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                      -1, 0);
        if (window != (void *)M_WINDOW) {
            perror("model: mmap of the fill window");
            exit(2);
        }
    }
    if (bootinfo == NULL) {
        bootinfo = aligned_alloc(4096, 2 * 4096);
    }
    memset(bootinfo, 0, 2 * 4096);
    memset(&ipc, 0, sizeof(ipc));
    __sel4_ipc_buffer = &ipc;

    M.root_cnode = new_obj(seL4_CapTableObject, M_ROOT_BITS);
    M.root_vspace = new_obj(seL4_RISCV_PageTableObject, 0);
    M.objs[M.root_vspace].asid = 1;
    int tcb = new_obj(seL4_TCBObject, 0);
    strcpy(M.objs[tcb].name, "rootserver");
    put(M.root_cnode, seL4_CapInitThreadTCB, tcb, 0xf);
    put(M.root_cnode, seL4_CapInitThreadCNode, M.root_cnode, 0xf);
    put(M.root_cnode, seL4_CapInitThreadVSpace, M.root_vspace, 0xf);
    put(M.root_cnode, seL4_CapIRQControl, new_obj(MK_IRQ_CONTROL, 0), 0xf);
    put(M.root_cnode, seL4_CapASIDControl, new_obj(MK_ASID_CONTROL, 0), 0xf);
    put(M.root_cnode, seL4_CapInitThreadASIDPool, new_obj(MK_ASID_POOL, 0), 0xf);
    put(M.root_cnode, seL4_CapDomain, new_obj(MK_DOMAIN, 0), 0xf);
    const seL4_Word sched_slot = 16, first_ut = 17;
    put(M.root_cnode, sched_slot, new_obj(MK_SCHED_CONTROL, 0), 0xf);
    bootinfo->schedcontrol = (seL4_SlotRegion){sched_slot, sched_slot + 1};
    seL4_Word tainted_start = 0, tainted_end = 0;
    for (int i = 0; i < n; i++) {
        int u = new_obj(seL4_UntypedObject, uts[i].bits);
        M.objs[u].paddr = uts[i].paddr;
        M.objs[u].bytes = 1ULL << uts[i].bits;
        M.objs[u].device = uts[i].device;
        M.objs[u].tainted = uts[i].tainted;
        M.objs[u].watermark = uts[i].used;
        put(M.root_cnode, first_ut + i, u, 0xf);
        bootinfo->untypedList[i] = (seL4_UntypedDesc){uts[i].paddr, (seL4_Uint8)uts[i].bits,
                                                      (seL4_Uint8)uts[i].device, {0}};
        if (uts[i].tainted) {
            if (tainted_end == 0) {
                tainted_start = first_ut + i;
            }
            tainted_end = first_ut + i + 1;
        }
    }
    bootinfo->untyped = (seL4_SlotRegion){first_ut, first_ut + n};
    bootinfo->empty = (seL4_SlotRegion){first_ut + n, 1u << M_ROOT_BITS};
    bootinfo->initThreadCNodeSizeBits = M_ROOT_BITS;
    bootinfo->extraLen = 4096;
    lark_bootinfo_lark_t *lark = (lark_bootinfo_lark_t *)((uint8_t *)bootinfo + 4096);
    lark->header = (seL4_BootInfoHeader){LARK_BOOTINFO_HEADER_LARK, sizeof(*lark)};
    lark->version = LARK_BOOTINFO_LARK_VERSION;
    lark->kernelReservedBytes = 81920;
    lark->tainted = (seL4_SlotRegion){tainted_start, tainted_end};
    seL4_BootInfoHeader *pad = (seL4_BootInfoHeader *)((uint8_t *)lark + sizeof(*lark));
    *pad = (seL4_BootInfoHeader){0, 4096 - sizeof(*lark)};
    seL4_InitBootInfo(bootinfo);
    return bootinfo;
}

/* ---- lookups in the root CSpace (every cptr the root server uses is a root slot, depth 64) */
static struct m_cap *root_cap(seL4_Word cptr)
{
    struct m_cap *c = model_slot(M.root_cnode, cptr);
    return c && c->obj >= 0 ? c : NULL;
}

static int root_obj(seL4_Word cptr, int type)
{
    struct m_cap *c = root_cap(cptr);
    return c && M.objs[c->obj].type == type ? c->obj : -1;
}

/* A destination slot for CNode operations: the service is a CNode cap in the root CSpace; the
 * depth must be exactly what addresses one of its slots (64 for the root CNode's own cap,
 * its radix for the guardless originals the root server holds). */
static struct m_cap *dest_slot(seL4_Word service, seL4_Word index, seL4_Word depth, seL4_Error *err)
{
    struct m_cap *c = root_cap(service);
    if (!c || M.objs[c->obj].type != seL4_CapTableObject) {
        *err = seL4_InvalidCapability;
        return NULL;
    }
    unsigned bits = M.objs[c->obj].size_bits;
    unsigned want = c->obj == M.root_cnode ? 64 : bits + (unsigned)(c->badge & 0x3f);
    if (depth != want || (c->obj == M.root_cnode ? index >> bits : index >> bits) != 0) {
        *err = seL4_FailedLookup;
        return NULL;
    }
    return model_slot(c->obj, index);
}

static uint64_t object_bytes(int type, unsigned bits)
{
    switch (type) {
    case seL4_UntypedObject:
    case seL4_SchedContextObject:
        return 1ULL << bits;
    case seL4_CapTableObject:
        return 1ULL << (bits + seL4_SlotBits);
    case seL4_TCBObject:
        return 1u << seL4_TCBBits;
    case seL4_EndpointObject:
        return 16;
    case seL4_NotificationObject:
        return 64;
    case seL4_ReplyObject:
        return 32;
    case seL4_RISCV_4K_Page:
    case seL4_RISCV_PageTableObject:
        return 4096;
    default:
        return 0;
    }
}

static seL4_Word mr(const lark_syscall_regs_t *r, int i)
{
    return i < 4 ? r->mr[i] : ipc.msg[i];
}

static seL4_Error retype(const lark_syscall_regs_t *r)
{
    int ut = root_obj(r->a0, seL4_UntypedObject);
    int type = (int)mr(r, 0);
    unsigned bits = (unsigned)mr(r, 1);
    seL4_Word depth = mr(r, 3), offset = mr(r, 4), n = mr(r, 5);
    struct m_cap *root = root_cap(ipc.caps_or_badges[0]);
    if (ut < 0) {
        return seL4_InvalidCapability;
    }
    if (!root || M.objs[root->obj].type != seL4_CapTableObject || depth != 0) {
        return seL4_FailedLookup;
    }
    uint64_t size = object_bytes(type, bits);
    if (size == 0 || (type == seL4_CapTableObject && bits == 0)) {
        return seL4_InvalidArgument;
    }
    if (M.objs[ut].device && type != seL4_UntypedObject && type != seL4_RISCV_4K_Page) {
        return seL4_InvalidArgument;
    }
    if (n == 0 || n > 256 || offset + n > (1ULL << M.objs[root->obj].size_bits)) {
        return seL4_RangeError;
    }
    for (seL4_Word k = 0; k < n; k++) {
        if (M.objs[root->obj].slots[offset + k].obj >= 0) {
            return seL4_DeleteFirst;
        }
    }
    uint64_t start = (M.objs[ut].watermark + size - 1) & ~(size - 1);
    if (start + n * size > M.objs[ut].bytes) {
        return seL4_NotEnoughMemory;
    }
    for (seL4_Word k = 0; k < n; k++) {
        int o = new_obj(type, bits);
        M.objs[o].parent = ut;
        M.objs[o].paddr = M.objs[ut].paddr + start + k * size;
        M.objs[o].bytes = size;
        M.objs[o].device = M.objs[ut].device;
        put(root->obj, offset + k, o, 0xf);
    }
    M.objs[ut].watermark = start + n * size;
    M.retypes++;
    return seL4_NoError;
}

static seL4_Error cnode_op(int label, const lark_syscall_regs_t *r)
{
    seL4_Error err = seL4_NoError;
    struct m_cap *dest = dest_slot(r->a0, mr(r, 0), mr(r, 1), &err);
    if (!dest) {
        return err;
    }
    if (ipc.caps_or_badges[0] != seL4_CapInitThreadCNode || mr(r, 3) != 64) {
        return seL4_FailedLookup;
    }
    struct m_cap *src = root_cap(mr(r, 2));
    if (!src) {
        return seL4_FailedLookup;
    }
    if (dest->obj >= 0) {
        return seL4_DeleteFirst;
    }
    if (label == CNodeMove) {
        *dest = *src;
        src->obj = -1;
        return seL4_NoError;
    }
    struct m_cap copy = *src;
    copy.mapped = 0;
    copy.map_vspace = -1;
    copy.rights &= (uint32_t)mr(r, 4);
    if (label == CNodeMint) {
        int t = M.objs[src->obj].type;
        if (t == seL4_EndpointObject || t == seL4_NotificationObject) {
            if (src->badge != 0) {
                return seL4_IllegalOperation; /* an already badged cap cannot be rebadged */
            }
            copy.badge = mr(r, 5);
        } else if (t == seL4_CapTableObject) {
            copy.badge = mr(r, 5); /* guard data */
        }
    }
    *dest = copy;
    return seL4_NoError;
}

/* Page-table coverage of a VSpace: level-1 tables per GiB, level-2 per 2 MiB. */
static int pt_covering(int vspace, uint64_t vaddr, int level)
{
    for (int i = 0; i < M.n_objs; i++) {
        struct m_obj *o = &M.objs[i];
        if (o->type == seL4_RISCV_PageTableObject && o->pt_level == level && o->vspace == vspace &&
            (o->ipc_buffer >> (level == 1 ? 30 : 21)) == (vaddr >> (level == 1 ? 30 : 21))) {
            return i;
        }
    }
    return -1;
}

static seL4_Error page_table_map(const lark_syscall_regs_t *r)
{
    struct m_cap *pt = root_cap(r->a0);
    int vs = root_obj(ipc.caps_or_badges[0], seL4_RISCV_PageTableObject);
    uint64_t vaddr = mr(r, 0);
    if (!pt || M.objs[pt->obj].type != seL4_RISCV_PageTableObject || pt->mapped) {
        return seL4_InvalidCapability;
    }
    if (vs < 0 || !M.objs[vs].asid) {
        return seL4_InvalidCapability;
    }
    int level = pt_covering(vs, vaddr, 1) < 0 ? 1 : pt_covering(vs, vaddr, 2) < 0 ? 2 : 0;
    if (level == 0) {
        return seL4_DeleteFirst;
    }
    struct m_obj *o = &M.objs[pt->obj];
    o->pt_level = level;
    o->vspace = vs;
    o->ipc_buffer = vaddr; /* reused as "the address it covers" */
    pt->mapped = 1;
    pt->map_vspace = vs;
    return seL4_NoError;
}

static seL4_Error page_map(const lark_syscall_regs_t *r)
{
    struct m_cap *f = root_cap(r->a0);
    int vs = root_obj(ipc.caps_or_badges[0], seL4_RISCV_PageTableObject);
    uint64_t vaddr = mr(r, 0);
    if (!f || M.objs[f->obj].type != seL4_RISCV_4K_Page || f->mapped || vs < 0 || !M.objs[vs].asid) {
        return seL4_InvalidCapability;
    }
    if (vaddr & 0xfff || vaddr >= 0x3ffffff000ULL) {
        return seL4_AlignmentError;
    }
    if (pt_covering(vs, vaddr, 1) < 0 || pt_covering(vs, vaddr, 2) < 0) {
        return seL4_FailedLookup;
    }
    for (int i = 0; i < M.n_maps; i++) {
        if (M.maps[i].vspace == vs && M.maps[i].vaddr == vaddr) {
            return seL4_DeleteFirst;
        }
    }
    uint32_t rights = (uint32_t)mr(r, 1) & f->rights;
    M.maps[M.n_maps++] = (struct m_mapping){vs, f->obj, vaddr, rights, (uint32_t)mr(r, 2)};
    f->mapped = 1;
    f->map_vaddr = vaddr;
    f->map_vspace = vs;
    if (vs == M.root_vspace && vaddr == M_WINDOW) {
        memcpy(window, M.objs[f->obj].data, 4096);
    }
    return seL4_NoError;
}

static seL4_Error page_unmap(const lark_syscall_regs_t *r)
{
    struct m_cap *f = root_cap(r->a0);
    if (!f || M.objs[f->obj].type != seL4_RISCV_4K_Page) {
        return seL4_InvalidCapability;
    }
    if (!f->mapped) {
        return seL4_NoError;
    }
    if (f->map_vspace == M.root_vspace && f->map_vaddr == M_WINDOW) {
        memcpy(M.objs[f->obj].data, window, 4096);
        memset(window, 0xa5, 4096); /* a stale window must not look like good data */
    }
    for (int i = 0; i < M.n_maps; i++) {
        if (M.maps[i].vspace == f->map_vspace && M.maps[i].vaddr == f->map_vaddr) {
            M.maps[i] = M.maps[--M.n_maps];
            break;
        }
    }
    f->mapped = 0;
    f->map_vspace = -1;
    return seL4_NoError;
}

static seL4_Error tcb_op(int label, const lark_syscall_regs_t *r)
{
    int t = root_obj(r->a0, seL4_TCBObject);
    if (t < 0) {
        return seL4_InvalidCapability;
    }
    struct m_obj *o = &M.objs[t];
    switch (label) {
    case TCBConfigure: {
        struct m_cap *cs = root_cap(ipc.caps_or_badges[0]);
        int vs = root_obj(ipc.caps_or_badges[1], seL4_RISCV_PageTableObject);
        int buf = root_obj(ipc.caps_or_badges[2], seL4_RISCV_4K_Page);
        if (!cs || M.objs[cs->obj].type != seL4_CapTableObject || vs < 0 || buf < 0 || (mr(r, 2) & 0x3ff)) {
            return seL4_InvalidCapability;
        }
        o->cspace = cs->obj;
        o->cspace_data = mr(r, 0);
        o->vspace = vs;
        o->ipc_buffer = mr(r, 2);
        o->ipc_frame = buf;
        o->configured = 1;
        return seL4_NoError;
    }
    case TCBSetSchedParams: {
        int sc = root_obj(ipc.caps_or_badges[1], seL4_SchedContextObject);
        if (sc < 0 || mr(r, 0) > 255 || mr(r, 1) > 255) {
            return seL4_InvalidArgument;
        }
        o->mcp = mr(r, 0);
        o->prio = mr(r, 1);
        o->sc = sc;
        return seL4_NoError;
    }
    case TCBBindNotification: {
        int n = root_obj(ipc.caps_or_badges[0], seL4_NotificationObject);
        if (n < 0) {
            return seL4_InvalidCapability;
        }
        o->bound_ntfn = n;
        return seL4_NoError;
    }
    case TCBWriteRegisters: {
        seL4_Word count = mr(r, 1);
        seL4_Word *regs = (seL4_Word *)&o->regs;
        for (seL4_Word k = 0; k < count && k < sizeof(o->regs) / sizeof(seL4_Word); k++) {
            regs[k] = mr(r, 2 + (int)k);
        }
        return seL4_NoError;
    }
    case TCBResume:
        o->resumed = 1;
        M.resumes++;
        return seL4_NoError;
    case TCBSuspend:
        if (r->a0 == seL4_CapInitThreadTCB) {
            M.suspended = 1;
            model_root_suspended();
        }
        return seL4_NoError;
    default:
        return seL4_IllegalOperation;
    }
}

static seL4_Error invoke(int label, lark_syscall_regs_t *r, int *reply_words)
{
    switch (label) {
    case UntypedRetype:
        return retype(r);
    case CNodeCopy:
    case CNodeMint:
    case CNodeMove:
        return cnode_op(label, r);
    case RISCVPageTableMap:
        return page_table_map(r);
    case RISCVPageMap:
        return page_map(r);
    case RISCVPageUnmap:
        return page_unmap(r);
    case RISCVASIDControlMakePool: {
        int ut = root_obj(ipc.caps_or_badges[0], seL4_UntypedObject);
        seL4_Error err = seL4_NoError;
        struct m_cap *d = dest_slot(ipc.caps_or_badges[1], mr(r, 0), mr(r, 1), &err);
        if (root_obj(r->a0, MK_ASID_CONTROL) < 0 || ut < 0 || M.objs[ut].size_bits != seL4_ASIDPoolBits ||
            M.objs[ut].watermark != 0 || M.objs[ut].device) {
            return seL4_InvalidCapability;
        }
        if (!d) {
            return err;
        }
        int pool = new_obj(MK_ASID_POOL, 0);
        M.objs[pool].parent = ut;
        M.objs[ut].watermark = M.objs[ut].bytes;
        *d = (struct m_cap){.obj = pool, .rights = 0xf, .map_vspace = -1};
        return seL4_NoError;
    }
    case RISCVASIDPoolAssign: {
        int vs = root_obj(ipc.caps_or_badges[0], seL4_RISCV_PageTableObject);
        if (root_obj(r->a0, MK_ASID_POOL) < 0 || vs < 0 || M.objs[vs].asid || M.objs[vs].pt_level) {
            return seL4_InvalidCapability;
        }
        M.objs[vs].asid = root_cap(r->a0)->obj + 1; /* which pool, + 1 so 0 stays "none" */
        return seL4_NoError;
    }
    case RISCVIRQIssueIRQHandlerTrigger: {
        seL4_Error err = seL4_NoError;
        struct m_cap *d = dest_slot(ipc.caps_or_badges[0], mr(r, 2), mr(r, 3), &err);
        if (root_obj(r->a0, MK_IRQ_CONTROL) < 0) {
            return seL4_InvalidCapability;
        }
        if (!d) {
            return err;
        }
        for (int i = 0; i < M.n_objs; i++) {
            if (M.objs[i].type == MK_IRQ_HANDLER && M.objs[i].irq == (int)mr(r, 0)) {
                return seL4_RevokeFirst;
            }
        }
        int h = new_obj(MK_IRQ_HANDLER, 0);
        M.objs[h].irq = (int)mr(r, 0);
        M.objs[h].irq_trigger = (int)mr(r, 1);
        *d = (struct m_cap){.obj = h, .rights = 0xf, .map_vspace = -1};
        return seL4_NoError;
    }
    case IRQSetIRQHandler: {
        int h = root_obj(r->a0, MK_IRQ_HANDLER);
        struct m_cap *n = root_cap(ipc.caps_or_badges[0]);
        if (h < 0 || !n || M.objs[n->obj].type != seL4_NotificationObject) {
            return seL4_InvalidCapability;
        }
        M.objs[h].irq_ntfn = n->obj;
        M.objs[h].irq_badge = n->badge;
        return seL4_NoError;
    }
    case IRQAckIRQ: {
        int h = root_obj(r->a0, MK_IRQ_HANDLER);
        if (h < 0) {
            return seL4_InvalidCapability;
        }
        M.objs[h].irq_acks++;
        return seL4_NoError;
    }
    case SchedControlConfigureFlags: {
        int sc = root_obj(ipc.caps_or_badges[0], seL4_SchedContextObject);
        if (root_obj(r->a0, MK_SCHED_CONTROL) < 0 || sc < 0) {
            return seL4_InvalidCapability;
        }
        if (mr(r, 0) > mr(r, 1) || mr(r, 0) == 0) {
            return seL4_RangeError;
        }
        M.objs[sc].budget = mr(r, 0);
        M.objs[sc].period = mr(r, 1);
        M.objs[sc].sc_configured = 1;
        return seL4_NoError;
    }
    case 0x4C00: { /* Untyped_Describe */
        int ut = root_obj(r->a0, seL4_UntypedObject);
        if (ut < 0) {
            return seL4_IllegalOperation;
        }
        r->mr[0] = M.objs[ut].bytes - M.objs[ut].watermark;
        r->mr[1] = M.objs[ut].size_bits;
        *reply_words = 2;
        return seL4_NoError;
    }
    default:
        if (label >= TCBReadRegisters && label <= TCBSetFlags) {
            return tcb_op(label, r);
        }
        if (!M.unmodelled) {
            M.unmodelled = "an invocation the model does not know";
        }
        return seL4_IllegalOperation;
    }
}

void lark_syscall(long sysno, lark_syscall_regs_t *r)
{
    if (sysno == seL4_SysDebugPutChar) {
        if (M.out_len + 1 < sizeof(M.out)) {
            M.out[M.out_len++] = (char)r->a0;
            M.out[M.out_len] = '\0';
        }
        return;
    }
    if (sysno == seL4_SysDebugNameThread) {
        int t = root_obj(r->a0, seL4_TCBObject);
        if (t >= 0) {
            const char *name = (const char *)&ipc.msg[0];
            size_t n = strnlen(name, sizeof(M.objs[t].name) - 1);
            memcpy(M.objs[t].name, name, n);
            M.objs[t].name[n] = '\0';
        }
        return;
    }
    if (sysno == seL4_SysDebugHalt) {
        return;
    }
    if (sysno != seL4_SysCall) {
        if (!M.unmodelled) {
            M.unmodelled = "a syscall the model does not know";
        }
        return;
    }
    seL4_MessageInfo_t in = {{r->info}};
    int label = (int)seL4_MessageInfo_get_label(in);
    int words = 0;
    seL4_Error err = invoke(label, r, &words);
    r->info = seL4_MessageInfo_new(err, 0, 0, (seL4_Word)words).words[0];
}
