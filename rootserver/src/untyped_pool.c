/* Untyped memory for the objects the root server creates.
 *
 * RAM objects come from the non-tainted RAM untypeds, best fit (the smallest untyped with
 * room), so the large untypeds stay whole for the memory manager. The pool mirrors the
 * kernel's watermark rule (each object aligned to its own size), and believes the kernel when
 * it disagrees. Device frames are carved out of the device untyped covering their address by
 * halving it until a 4 KiB untyped holds exactly that page. */
#include "rootserver.h"
#include <lark/lark_sel4.h>
#include <lark/names.h>

#define POOL_MAX 256u

struct pool_ut {
    seL4_CPtr cap;
    uint64_t paddr;
    uint8_t size_bits;
    uint8_t used;       /* device regions: split or turned into a frame */
    uint64_t watermark; /* RAM: bytes used from the start, as the kernel counts */
};

static struct pool_ut ram[POOL_MAX], tainted[POOL_MAX], device[POOL_MAX];
static uint32_t n_ram, n_tainted, n_device;

static int is_tainted(seL4_Word slot)
{
    return slot >= rs.tainted_start && slot < rs.tainted_end;
}

void pool_init(void)
{
    const seL4_BootInfo *bi = rs.bi;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr cap = bi->untyped.start + i;
        struct pool_ut u = {cap, d->paddr, d->sizeBits, 0, 0};
        if (d->isDevice) {
            if (n_device < POOL_MAX) {
                device[n_device++] = u;
            }
        } else if (is_tainted(cap)) {
            lark_Untyped_Describe_t desc = lark_Untyped_Describe(cap);
            u.watermark = desc.error == seL4_NoError ? (1ULL << d->sizeBits) - desc.remainingBytes
                                                     : (1ULL << d->sizeBits);
            if (n_tainted < POOL_MAX) {
                tainted[n_tainted++] = u;
            }
        } else if (n_ram < POOL_MAX) {
            ram[n_ram++] = u;
        }
    }
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* The smallest untyped of the list that still fits an object of `bytes`, or -1. */
static int best_fit(struct pool_ut *list, uint32_t n, uint64_t bytes)
{
    int best = -1;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t start = align_up(list[i].watermark, bytes);
        if (start + bytes > (1ULL << list[i].size_bits)) {
            continue;
        }
        if (best < 0 || list[i].size_bits < list[best].size_bits) {
            best = (int)i;
        }
    }
    return best;
}

static seL4_CPtr retype_from(struct pool_ut *list, uint32_t n, seL4_Word type, seL4_Word size_bits,
                             uint64_t bytes, const char *name)
{
    seL4_CPtr slot = slot_alloc();
    for (;;) {
        int i = best_fit(list, n, bytes);
        if (i < 0) {
            slot_free_last(slot);
            return seL4_CapNull;
        }
        seL4_Error err = seL4_Untyped_Retype(list[i].cap, type, size_bits, seL4_CapInitThreadCNode,
                                             0, 0, slot, 1);
        if (err == seL4_NotEnoughMemory) {
            list[i].watermark = 1ULL << list[i].size_bits; /* the kernel knows better */
            continue;
        }
        rs_check(err, "retype", name);
        list[i].watermark = align_up(list[i].watermark, bytes) + bytes;
        return slot;
    }
}

seL4_CPtr pool_retype(seL4_Word type, seL4_Word size_bits, uint64_t bytes, const char *name)
{
    seL4_CPtr slot = retype_from(ram, n_ram, type, size_bits, bytes, name);
    if (slot == seL4_CapNull) {
        rs_fail(name, "no untyped memory left for it");
    }
    return slot;
}

seL4_CPtr pool_retype_scratch(seL4_Word type, uint64_t bytes, int *from_tainted)
{
    seL4_CPtr slot = retype_from(tainted, n_tainted, type, 0, bytes, "scratch object");
    *from_tainted = slot != seL4_CapNull;
    if (slot == seL4_CapNull) {
        slot = pool_retype(type, 0, bytes, "scratch object");
    }
    return slot;
}

uint32_t pool_untypeds_used(void)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < n_ram; i++) {
        used += ram[i].watermark != 0;
    }
    return used;
}

static int covers(const struct pool_ut *u, uint64_t paddr)
{
    return paddr >= u->paddr && paddr - u->paddr < (1ULL << u->size_bits);
}

seL4_CPtr pool_device_frame(uint64_t paddr, const char *name)
{
    int r = -1;
    for (uint32_t i = 0; i < n_device; i++) {
        if (!device[i].used && covers(&device[i], paddr) &&
            (r < 0 || device[i].size_bits < device[r].size_bits)) {
            r = (int)i;
        }
    }
    if (r < 0) {
        rs_fail(name, "no unused device untyped covers its address");
    }
    while (device[r].size_bits > seL4_PageBits) {
        if (n_device + 2 > POOL_MAX) {
            rs_fail(name, "too many device untyped pieces");
        }
        seL4_CPtr halves = slot_alloc();
        if (slot_alloc() != halves + 1) {
            rs_fail(name, "device split slots not consecutive");
        }
        uint8_t bits = (uint8_t)(device[r].size_bits - 1);
        rs_check(seL4_Untyped_Retype(device[r].cap, seL4_UntypedObject, bits, seL4_CapInitThreadCNode,
                                     0, 0, halves, 2),
                 "split device untyped for", name);
        device[r].used = 1;
        uint64_t base = device[r].paddr;
        device[n_device] = (struct pool_ut){halves, base, bits, 0, 0};
        device[n_device + 1] = (struct pool_ut){halves + 1, base + (1ULL << bits), bits, 0, 0};
        r = (int)n_device + (paddr >= base + (1ULL << bits));
        n_device += 2;
    }
    seL4_CPtr frame = slot_alloc();
    rs_check(seL4_Untyped_Retype(device[r].cap, seL4_RISCV_4K_Page, 0, seL4_CapInitThreadCNode, 0, 0,
                                 frame, 1),
             "retype device frame", name);
    device[r].used = 1;
    return frame;
}
