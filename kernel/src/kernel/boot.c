/* Boot: read the device tree, build the root task exactly as abi.md section 7 says, and
 * return to it.
 *
 * All the root task's own objects (CNode, TCB, SC, VSpace and page tables, image frames,
 * IPC buffer, BootInfo and extra pages, ASID pool) are retyped from one untyped block
 * carved out of free RAM for the purpose, so they are ordinary children of that untyped in
 * the derivation tree. That block is the "tainted" untyped the LarkOS chunk reports:
 * revoking it once the root task is gone reclaims everything (the KataOS change). */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/arch/sbi.h>
#include <lark/boot.h>
#include <lark/boot_payload.h>
#include <lark/boot_regions.h>
#include <lark/console.h>
#include <lark/elf.h>
#include <lark/fdt.h>
#include <lark/irq.h>
#include <lark/sched.h>
#include <lark/syscall.h>
#include <lark/untyped.h>
#include <lark/vspace.h>

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

/* Filled by tools/mkimage; in .data so the packer finds it in the file. */
struct lark_boot_payload lark_boot_payload __attribute__((section(".data"))) = {0, 0, 0, 0};

word_t boot_kernel_reserved_bytes;
word_t boot_free_ram_bytes;
word_t timebase_hz;

extern char __kernel_start[], __kernel_end[];
extern pte_t kernel_root_pt[PTES_PER_TABLE];

#define KERNEL_WINDOW_END (64ULL << 30) /* entry.S maps physical 0..64 GiB */
#define ROOT_SC_BITS 8
#define ROOT_TIME_SLICE_US 5000

static NORETURN void boot_fail(const char *what, const char *why)
{
    kprintf("boot: %s: %s\n", what, why);
    kputs("boot: halting\n");
    sbi_shutdown(true);
}

static struct fdt_info fdt;

/* The root task's plan, computed before anything is allocated. */
struct plan {
    struct elf_image img;
    word_t n_img, n_l1, n_l0, n_extra;       /* page counts */
    vaddr_t ipcbuf_va, bootinfo_va, extra_va;
    word_t extra_used;
    word_t slot_paging, slot_frames, slot_extra, slot_schedcontrol, slot_untyped;
    unsigned block_bits;
};

static word_t span_count(vaddr_t lo, vaddr_t hi, unsigned bits)
{
    return ((hi - 1) >> bits) - (lo >> bits) + 1;
}

static void make_plan(struct plan *p, const uint8_t *elf, word_t size)
{
    const char *why = elf_check(elf, size, &p->img);
    if (why)
        boot_fail("root task ELF rejected", why);
    p->n_img = (p->img.hi - p->img.lo) >> PAGE_BITS;
    p->ipcbuf_va = p->img.hi;
    p->bootinfo_va = p->ipcbuf_va + BIT(PAGE_BITS);
    p->extra_va = p->bootinfo_va + BIT(PAGE_BITS);
    p->extra_used = 2 * sizeof(struct bootinfo_header) + ROUND_UP(fdt.totalsize, 3) +
                    sizeof(struct bootinfo_lark);
    p->n_extra = ROUND_UP(p->extra_used + sizeof(struct bootinfo_header), PAGE_BITS) >> PAGE_BITS;
    vaddr_t end = p->extra_va + (p->n_extra << PAGE_BITS);
    p->n_l1 = span_count(p->img.lo, end, GIGA_PAGE_BITS);
    p->n_l0 = span_count(p->img.lo, end, MEGA_PAGE_BITS);
    p->slot_paging = SLOT_FIRST_FREE;
    p->slot_frames = p->slot_paging + p->n_l1 + p->n_l0;
    p->slot_extra = p->slot_frames + p->n_img;
    p->slot_schedcontrol = p->slot_extra + p->n_extra;
    p->slot_untyped = p->slot_schedcontrol + 1;
    if (p->slot_untyped + 16 > BIT(ROOT_CNODE_SIZE_BITS))
        boot_fail("root task", "image needs more frame caps than the root CNode holds");
    /* CNode (largest alignment) first, then 4 KiB objects, then the TCB and the SC */
    word_t pages = 1 /* vspace */ + p->n_l1 + p->n_l0 + p->n_img + 1 /* ipcbuf */ +
                   1 /* bootinfo */ + p->n_extra + 1 /* asid pool */;
    word_t need = BIT(ROOT_CNODE_SIZE_BITS + SLOT_SIZE_BITS) + (pages << PAGE_BITS) +
                  BIT(TCB_SIZE_BITS) + BIT(ROOT_SC_BITS);
    unsigned bits = ROOT_CNODE_SIZE_BITS + SLOT_SIZE_BITS;
    while (BIT(bits) < need)
        bits++;
    p->block_bits = bits;
}

/* Free RAM now: RAM minus OpenSBI, FDT reservations, the kernel, the FDT blob, and the
 * ranges in `extra` (the payload while it is still needed, the root task block). */
static void free_ram(struct region_list *l, paddr_t fdt_pa, const struct mem_region *extra,
                     unsigned n_extra)
{
    l->n = 0;
    for (unsigned i = 0; i < fdt.n_ram; i++) {
        paddr_t b = ROUND_UP(fdt.ram[i].base, PAGE_BITS);
        paddr_t e = ROUND_DOWN(fdt.ram[i].end, PAGE_BITS);
        if (e > KERNEL_WINDOW_END)
            e = KERNEL_WINDOW_END;
        if (b < e)
            regions_add(l, b, e);
    }
    bool ok = true;
    for (unsigned i = 0; i < fdt.n_reserved; i++)
        ok &= regions_subtract(l, ROUND_DOWN(fdt.reserved[i].base, PAGE_BITS),
                               ROUND_UP(fdt.reserved[i].end, PAGE_BITS));
    /* OpenSBI lists its own RAM under /reserved-memory (mmode_resv*), removed above. Like
     * seL4's qemu-riscv-virt overlay, the whole megapage-aligned stretch from the start of
     * the kernel's RAM bank to the kernel's load address stays with the firmware too
     * (seL4 reserves 0x80000000..0x80200000 for SBI), so no untyped starts below it */
    paddr_t kstart = kptr_to_paddr(__kernel_start), kend = kptr_to_paddr(__kernel_end);
    for (unsigned i = 0; i < fdt.n_ram; i++)
        if (fdt.ram[i].base <= kstart && kstart < fdt.ram[i].end)
            ok &= regions_subtract(l, fdt.ram[i].base, ROUND_DOWN(kstart, MEGA_PAGE_BITS));
    ok &= regions_subtract(l, ROUND_DOWN(kstart, PAGE_BITS), ROUND_UP(kend, PAGE_BITS));
    ok &= regions_subtract(l, ROUND_DOWN(fdt_pa, PAGE_BITS),
                           ROUND_UP(fdt_pa + fdt.totalsize, PAGE_BITS));
    for (unsigned i = 0; i < n_extra; i++)
        ok &= regions_subtract(l, extra[i].base, extra[i].end);
    if (!ok)
        boot_fail("memory map", "too many free regions");
}

static paddr_t find_block(const struct region_list *l, unsigned bits)
{
    for (unsigned i = 0; i < l->n; i++) {
        paddr_t b = ROUND_UP(l->r[i].base, bits);
        if (b >= l->r[i].base && b + BIT(bits) <= l->r[i].end)
            return b;
    }
    return 0;
}

/* Boot-time mapping into the root VSpace; the page tables were retyped already. */
static void boot_map(pte_t *root, vaddr_t va, paddr_t pa, word_t flags)
{
    unsigned level;
    pte_t *slot = vspace_lookup_slot(root, va, &level);
    if (level != 0 || (*slot & PTE_V))
        kpanic("boot_map: no page table for %lx", va);
    *slot = pte_make(pa, flags | PTE_V | PTE_U | PTE_A | PTE_D);
}

static struct cte boot_tmp; /* holds the CNode cap until the CNode exists */
/* The idle thread: never queued, no SC; choosing it makes the kernel wait (trap.c). */
static struct tcb idle_tcb __attribute__((aligned(1 << TCB_SIZE_BITS)));

static cap_t root_cnode_cap(paddr_t p)
{
    return cap_cnode(p, ROOT_CNODE_SIZE_BITS, WORD_BITS - ROOT_CNODE_SIZE_BITS, 0);
}

static void build_root_task(const struct plan *p, paddr_t block, paddr_t fdt_pa,
                            const uint8_t *elf)
{
    /* 1. The block untyped, first in the boot slot, then in the root CNode. Retype does not
     * zero new objects (memory above a watermark is zero), and this RAM holds whatever the
     * firmware and loader left: clear it all now, the objects and the free rest above them. */
    memset(paddr_to_kptr(block), 0, BIT(p->block_bits));
    cte_insert_new(NULL, &boot_tmp, cap_untyped(block, p->block_bits, false, 0));
    struct cte cnode_tmp = {0};
    untyped_retype(&boot_tmp, OBJ_CNODE, ROOT_CNODE_SIZE_BITS + SLOT_SIZE_BITS, 1, &cnode_tmp);
    struct cte *cn = cap_kptr(cnode_tmp.cap);
    cte_move(root_cnode_cap(cap_ptr(cnode_tmp.cap)), &cnode_tmp, &cn[SLOT_INIT_CNODE]);
    struct cte *ut = &cn[p->slot_untyped];
    cte_move(boot_tmp.cap, &boot_tmp, ut);

    /* 2. 4 KiB objects. */
    untyped_retype(ut, OBJ_PAGE_TABLE, PAGE_TABLE_BITS, 1, &cn[SLOT_INIT_VSPACE]);
    pte_t *root = cap_kptr(cn[SLOT_INIT_VSPACE].cap);
    vspace_copy_kernel_mappings(root);
    cn[SLOT_INIT_VSPACE].cap = cap_with_mapping(cn[SLOT_INIT_VSPACE].cap, 1, 0);

    word_t n_pt = p->n_l1 + p->n_l0;
    untyped_retype(ut, OBJ_PAGE_TABLE, PAGE_TABLE_BITS, n_pt, &cn[p->slot_paging]);
    vaddr_t end = p->extra_va + (p->n_extra << PAGE_BITS);
    for (word_t i = 0; i < n_pt; i++) {
        struct cte *s = &cn[p->slot_paging + i];
        bool l1 = i < p->n_l1;
        unsigned bits = l1 ? GIGA_PAGE_BITS : MEGA_PAGE_BITS;
        vaddr_t va = ROUND_DOWN(p->img.lo, bits) + ((l1 ? i : i - p->n_l1) << bits);
        unsigned level;
        pte_t *slot = vspace_lookup_slot(root, va, &level);
        if (level != (l1 ? 2u : 1u) || va >= end)
            kpanic("boot: page table plan mismatch at %lx", va);
        *slot = pte_make(cap_ptr(s->cap), PTE_V);
        s->cap = cap_with_mapping(s->cap, 1, va);
    }

    untyped_retype(ut, OBJ_4K_PAGE, PAGE_BITS, p->n_img, &cn[p->slot_frames]);
    paddr_t img_pa = cap_ptr(cn[p->slot_frames].cap); /* consecutive frames */
    elf_load(elf, &p->img, paddr_to_kptr(img_pa));
    for (word_t i = 0; i < p->n_img; i++) {
        struct cte *s = &cn[p->slot_frames + i];
        vaddr_t va = p->img.lo + (i << PAGE_BITS);
        boot_map(root, va, cap_ptr(s->cap), PTE_R | PTE_W | PTE_X);
        s->cap = cap_with_mapping(s->cap, 1, va);
    }

    untyped_retype(ut, OBJ_4K_PAGE, PAGE_BITS, 1, &cn[SLOT_INIT_IPC_BUFFER]);
    untyped_retype(ut, OBJ_4K_PAGE, PAGE_BITS, 1, &cn[SLOT_BOOTINFO_FRAME]);
    untyped_retype(ut, OBJ_4K_PAGE, PAGE_BITS, p->n_extra, &cn[p->slot_extra]);
    struct { struct cte *s; vaddr_t va; } maps[] = {
        {&cn[SLOT_INIT_IPC_BUFFER], p->ipcbuf_va}, {&cn[SLOT_BOOTINFO_FRAME], p->bootinfo_va}};
    for (unsigned i = 0; i < ARRAY_SIZE(maps); i++) {
        boot_map(root, maps[i].va, cap_ptr(maps[i].s->cap), PTE_R | PTE_W);
        maps[i].s->cap = cap_with_mapping(maps[i].s->cap, 1, maps[i].va);
    }
    for (word_t i = 0; i < p->n_extra; i++) {
        struct cte *s = &cn[p->slot_extra + i];
        vaddr_t va = p->extra_va + (i << PAGE_BITS);
        boot_map(root, va, cap_ptr(s->cap), PTE_R | PTE_W);
        s->cap = cap_with_mapping(s->cap, 1, va);
    }

    untyped_retype(ut, OBJ_4K_PAGE, ASID_POOL_BITS, 1, &cn[SLOT_INIT_ASID_POOL]);
    paddr_t pool_pa = cap_ptr(cn[SLOT_INIT_ASID_POOL].cap);
    cn[SLOT_INIT_ASID_POOL].cap = cap_asid_pool(pool_pa, 0);
    struct asid_pool *pool = paddr_to_kptr(pool_pa);
    ks_asid_table[0] = pool;
    pool->vspace[1] = root;

    /* 3. TCB and SC. */
    untyped_retype(ut, OBJ_TCB, TCB_SIZE_BITS, 1, &cn[SLOT_INIT_TCB]);
    untyped_retype(ut, OBJ_SCHED_CONTEXT, ROOT_SC_BITS, 1, &cn[SLOT_INIT_SC]);

    /* 4. Caps without memory. */
    cte_insert_new(NULL, &cn[SLOT_IRQ_CONTROL], cap_simple(CAP_IRQ_CONTROL));
    cte_insert_new(NULL, &cn[SLOT_ASID_CONTROL], cap_simple(CAP_ASID_CONTROL));
    cte_insert_new(NULL, &cn[SLOT_DOMAIN], cap_simple(CAP_DOMAIN));
    cte_insert_new(NULL, &cn[p->slot_schedcontrol], cap_simple(CAP_SCHED_CONTROL));

    /* 5. The thread. */
    struct tcb *t = cap_kptr(cn[SLOT_INIT_TCB].cap);
    cte_insert(cn[SLOT_INIT_CNODE].cap, &cn[SLOT_INIT_CNODE], &t->slots[TCB_CSPACE_SLOT]);
    cte_insert(cn[SLOT_INIT_VSPACE].cap, &cn[SLOT_INIT_VSPACE], &t->slots[TCB_VSPACE_SLOT]);
    cte_insert(cn[SLOT_INIT_IPC_BUFFER].cap, &cn[SLOT_INIT_IPC_BUFFER],
               &t->slots[TCB_IPC_BUFFER_SLOT]);
    t->ipc_buffer = p->ipcbuf_va;
    t->priority = MAX_PRIO;
    t->mcp = MAX_PRIO;
    t->ctx.regs[REG_PC] = p->img.entry;
    t->ctx.regs[REG_A0] = p->bootinfo_va;
    t->ctx.regs[REG_SSTATUS] = SSTATUS_SPIE;
    const char name[] = "rootserver";
    memcpy(t->name, name, sizeof(name));
    struct sched_context *sc = cap_kptr(cn[SLOT_INIT_SC].cap);
    sc->budget = sc->period = us_to_ticks(ROOT_TIME_SLICE_US);
    sc->refills[0] = (struct refill){timer_now(), sc->budget};
    sc->refill_head = sc->refill_tail = 0;
    sc->tcb = t;
    t->sc = sc;
    thread_set_state(t, TS_RUNNING);
    ks_cur_thread = t;
    ks_cur_sc = sc;
    const char idle_name[] = "idle";
    memcpy(idle_tcb.name, idle_name, sizeof(idle_name));
    idle_tcb.state = TS_IDLE;
    ks_idle_thread = &idle_tcb;

    (void)fdt_pa;
}

static word_t add_untypeds(struct cte *cn, struct bootinfo *bi, word_t slot,
                           const struct region_list *l, bool device, word_t *bytes)
{
    for (unsigned i = 0; i < l->n; i++) {
        paddr_t b = l->r[i].base;
        while (b < l->r[i].end) {
            unsigned bits = block_bits(b, l->r[i].end, UNTYPED_MAX_BITS);
            if (bits < PAGE_BITS)
                break;
            word_t k = slot - bi->untyped.start;
            if (k >= MAX_BOOTINFO_UNTYPEDS || slot >= BIT(ROOT_CNODE_SIZE_BITS)) {
                kprintf("boot: untyped list full, %lx..%lx not handed out\n", b,
                        l->r[i].end);
                break;
            }
            /* marked full, as seL4 (MAX_FREE_INDEX): the contents are unknown (firmware,
             * loader, the payload, boot data), so the first Retype resets them */
            cte_insert_new(NULL, &cn[slot], cap_untyped(b, bits, device, BIT(bits)));
            bi->untyped_list[k] = (struct untyped_desc){b, (uint8_t)bits, device, {0}};
            *bytes += BIT(bits);
            slot++;
            b += BIT(bits);
        }
    }
    return slot;
}

static void fill_bootinfo(const struct plan *p, paddr_t fdt_pa, struct cte *cn,
                          const struct region_list *ram, const struct region_list *dev)
{
    struct bootinfo *bi = cap_kptr(cn[SLOT_BOOTINFO_FRAME].cap);
    bi->extra_len = p->n_extra << PAGE_BITS;
    bi->node_id = 0;
    bi->num_nodes = 1;
    bi->num_io_pt_levels = 0;
    bi->ipc_buffer = p->ipcbuf_va;
    bi->user_image_paging = (struct slot_region){p->slot_paging, p->slot_frames};
    bi->user_image_frames = (struct slot_region){p->slot_frames, p->slot_extra};
    bi->extra_bi_pages = (struct slot_region){p->slot_extra, p->slot_schedcontrol};
    bi->init_thread_cnode_size_bits = ROOT_CNODE_SIZE_BITS;
    bi->init_thread_domain = 0;
    bi->schedcontrol = (struct slot_region){p->slot_schedcontrol, p->slot_untyped};

    /* untyped 0 is the tainted block (already in its slot); then free RAM, then devices */
    bi->untyped.start = p->slot_untyped;
    cap_t blk = cn[p->slot_untyped].cap;
    bi->untyped_list[0] = (struct untyped_desc){cap_ptr(blk),
                                                (uint8_t)cap_untyped_size_bits(blk), 0, {0}};
    word_t ram_bytes = 0, dev_bytes = 0;
    word_t slot = add_untypeds(cn, bi, p->slot_untyped + 1, ram, false, &ram_bytes);
    slot = add_untypeds(cn, bi, slot, dev, true, &dev_bytes);
    bi->untyped.end = slot;
    bi->empty = (struct slot_region){slot, BIT(ROOT_CNODE_SIZE_BITS)};
    boot_free_ram_bytes = ram_bytes;

    /* extra boot info: the FDT (id 6), the LarkOS chunk, padding to the end */
    uint8_t *x = cap_kptr(cn[p->slot_extra].cap); /* extra frames are consecutive */
    struct bootinfo_header *h = (void *)x;
    h->id = BOOTINFO_ID_FDT;
    h->len = sizeof(*h) + ROUND_UP(fdt.totalsize, 3);
    memcpy(x + sizeof(*h), paddr_to_kptr(fdt_pa), fdt.totalsize);
    word_t off = h->len;
    h = (void *)(x + off);
    h->id = BOOTINFO_ID_LARK;
    h->len = sizeof(*h) + sizeof(struct bootinfo_lark);
    struct bootinfo_lark *lk = (void *)(x + off + sizeof(*h));
    lk->version = 1;
    lk->kernel_reserved_bytes = boot_kernel_reserved_bytes;
    lk->tainted = (struct slot_region){p->slot_untyped, p->slot_untyped + 1};
    off += h->len;
    h = (void *)(x + off);
    h->id = BOOTINFO_ID_PADDING;
    h->len = bi->extra_len - off;

    kprintf("boot: root task %lx..%lx entry %lx, %lu untypeds (%lu KiB free RAM, %lu KiB "
            "device), tainted block %lx (2^%u), %lu slots free\n",
            p->img.lo, p->img.hi, p->img.entry, bi->untyped.end - bi->untyped.start,
            ram_bytes >> 10, dev_bytes >> 10, cap_ptr(blk), cap_untyped_size_bits(blk),
            bi->empty.end - bi->empty.start);
}

/* seL4's KernelPaddrUserTop for Sv39: device untypeds end below 2^39 - 1. */
#define PADDR_USER_DEVICE_TOP (BIT(39) - 1)

/* Device untypeds cover the whole physical address space the user may map except RAM and
 * the devices the kernel drives itself (the PLIC), as seL4's create_untypeds does: a root
 * task finds any device there, listed in the device tree or not. Unlike seL4, RAM the
 * firmware keeps for itself is not handed out as device memory either. */
static void device_regions(struct region_list *dev)
{
    dev->n = 0;
    regions_add(dev, 0, PADDR_USER_DEVICE_TOP);
    for (unsigned k = 0; k < fdt.n_ram; k++)
        regions_subtract(dev, ROUND_DOWN(fdt.ram[k].base, PAGE_BITS),
                         ROUND_UP(fdt.ram[k].end, PAGE_BITS));
    regions_subtract(dev, ROUND_DOWN(fdt.plic_base, PAGE_BITS),
                     ROUND_UP(fdt.plic_base + fdt.plic_size, PAGE_BITS));
}

void kernel_main(word_t hart_id, paddr_t fdt_pa)
{
    kprintf("LarkOS kernel (hart %lu)\n", hart_id);
    const char *why = fdt_parse(paddr_to_kptr(fdt_pa), 1 << 20, &fdt);
    if (why)
        boot_fail("device tree", why);
    timebase_hz = fdt.timebase_hz ? fdt.timebase_hz : 10000000;
    if (!fdt.plic_base)
        boot_fail("device tree", "no PLIC");
    boot_kernel_reserved_bytes = (word_t)(__kernel_end - __kernel_start);

    if (lark_boot_payload.magic != LARK_PAYLOAD_MAGIC)
        boot_fail("boot image", "no root task (payload magic not set: pack with mkimage)");
    paddr_t pl = lark_boot_payload.paddr;
    word_t pl_size = lark_boot_payload.size;
    if (pl_size == 0 || pl + pl_size < pl || pl + pl_size > KERNEL_WINDOW_END)
        boot_fail("boot image", "payload range invalid");
    struct mem_region payload = {ROUND_DOWN(pl, PAGE_BITS), ROUND_UP(pl + pl_size, PAGE_BITS)};
    bool in_ram = false;
    for (unsigned i = 0; i < fdt.n_ram; i++)
        in_ram |= payload.base >= fdt.ram[i].base && payload.end <= fdt.ram[i].end;
    if (!in_ram)
        boot_fail("boot image", "payload not in RAM");

    const uint8_t *elf = paddr_to_kptr(pl);
    struct plan plan;
    make_plan(&plan, elf, pl_size);

    struct region_list ram;
    free_ram(&ram, fdt_pa, &payload, 1);
    paddr_t block = find_block(&ram, plan.block_bits);
    if (!block)
        boot_fail("root task", "not enough free RAM for its objects");
    build_root_task(&plan, block, fdt_pa, elf);

    /* the payload has been copied: its RAM is free now */
    struct mem_region blk = {block, block + BIT(plan.block_bits)};
    free_ram(&ram, fdt_pa, &blk, 1);
    struct region_list dev;
    device_regions(&dev);
    struct cte *cn = cap_kptr(ks_cur_thread->slots[TCB_CSPACE_SLOT].cap);
    fill_bootinfo(&plan, fdt_pa, cn, &ram, &dev);

    /* the identity entry was only for the jump to the high half */
    kernel_root_pt[kptr_to_paddr(__kernel_start) >> GIGA_PAGE_BITS] = 0;
    plic_init(fdt.plic_base, fdt.plic_ndev);
    csr_write(sie, SIE_STIE | SIE_SEIE);
    csr_write(scounteren, 7); /* user mode may read cycle, time and instret (benchmarks) */
    sched_init();
    vspace_activate(ks_cur_thread);
    kprintf("boot: kernel reserves %lu KiB, entering the root task (instret %lu)\n",
            boot_kernel_reserved_bytes >> 10, csr_read(instret));
    return_to_user();
}
