/* The root task's resources: root CNode slots from BootInfo's empty region, objects from the
 * largest RAM untyped (never freed: the whole suite needs a few hundred KiB), virtual
 * addresses from 1 GiB up (far above the image at 0x10000, the same in every space). */
#include "bench.h"

const seL4_BootInfo *bench_bi;

#define BENCH_VADDR_BASE 0x40000000ul

static seL4_CPtr ram_untyped;
static seL4_CPtr next_slot;
static seL4_Word next_vaddr = BENCH_VADDR_BASE;

void bench_memset(void *p, int c, size_t n)
{
    volatile unsigned char *d = p;
    while (n-- > 0) {
        *d++ = (unsigned char)c;
    }
}

void bench_memcpy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    while (n-- > 0) {
        *d++ = *s++;
    }
}

/* The compiler may call these for struct copies and zeroing even in a freestanding build. */
void *memset(void *p, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

void *memset(void *p, int c, size_t n)
{
    bench_memset(p, c, n);
    return p;
}

void *memcpy(void *d, const void *s, size_t n)
{
    bench_memcpy(d, s, n);
    return d;
}

static const seL4_UntypedDesc *untyped_desc(seL4_CPtr cap)
{
    return &bench_bi->untypedList[cap - bench_bi->untyped.start];
}

void bench_env_init(const seL4_BootInfo *bi)
{
    bench_bi = bi;
    next_slot = bi->empty.start;
    seL4_Word best_bits = 0;
    for (seL4_CPtr cap = bi->untyped.start; cap < bi->untyped.end; cap++) {
        const seL4_UntypedDesc *d = untyped_desc(cap);
        if (!d->isDevice && d->sizeBits > best_bits) {
            ram_untyped = cap;
            best_bits = d->sizeBits;
        }
    }
    if (ram_untyped == 0) {
        bench_fatal("no RAM untyped in BootInfo", seL4_NoError);
    }
}

seL4_Word bench_free_ram(void)
{
    seL4_Word total = 0;
    for (seL4_CPtr cap = bench_bi->untyped.start; cap < bench_bi->untyped.end; cap++) {
        const seL4_UntypedDesc *d = untyped_desc(cap);
        if (!d->isDevice) {
            total += (seL4_Word)1 << d->sizeBits;
        }
    }
    return total;
}

seL4_CPtr bench_slots(seL4_Word n)
{
    if (next_slot + n > bench_bi->empty.end) {
        bench_fatal("out of root CNode slots", seL4_NoError);
    }
    seL4_CPtr first = next_slot;
    next_slot += n;
    return first;
}

seL4_CPtr bench_slot(void)
{
    return bench_slots(1);
}

static seL4_CPtr retype_from(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = bench_slot();
    seL4_Error err = seL4_Untyped_Retype(untyped, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (err != seL4_NoError) {
        bench_fatal("Untyped_Retype of a setup object", err);
    }
    return slot;
}

seL4_CPtr bench_alloc(seL4_Word type, seL4_Word size_bits)
{
    return retype_from(ram_untyped, type, size_bits);
}

seL4_Word bench_vaddr(seL4_Word pages)
{
    seL4_Word v = next_vaddr;
    next_vaddr += pages << seL4_PageBits;
    return v;
}

seL4_Error bench_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr)
{
    /* Sv39: at most two page tables below the root are missing. */
    for (int missing = 0; missing <= 2; missing++) {
        seL4_Error err = seL4_RISCV_Page_Map(frame, vspace, vaddr, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
        if (err != seL4_FailedLookup) {
            return err;
        }
        seL4_CPtr pt = bench_alloc(seL4_RISCV_PageTableObject, 0);
        err = seL4_RISCV_PageTable_Map(pt, vspace, vaddr, seL4_RISCV_Default_VMAttributes);
        if (err != seL4_NoError) {
            return err;
        }
    }
    return seL4_FailedLookup;
}

seL4_CPtr bench_copy(seL4_CPtr cap)
{
    seL4_CPtr slot = bench_slot();
    seL4_Error err = seL4_CNode_Copy(seL4_CapInitThreadCNode, slot, BENCH_DEPTH, seL4_CapInitThreadCNode, cap,
                                     BENCH_DEPTH, seL4_AllRights);
    if (err != seL4_NoError) {
        bench_fatal("CNode_Copy", err);
    }
    return slot;
}

/* Splits the device untyped in halves down to the 4 KiB that holds paddr: the watermark of
 * an untyped only moves forward, so this reaches any page without retyping the ones before. */
seL4_CPtr bench_device_frame(seL4_Word paddr)
{
    for (seL4_CPtr cap = bench_bi->untyped.start; cap < bench_bi->untyped.end; cap++) {
        const seL4_UntypedDesc *d = untyped_desc(cap);
        seL4_Word base = d->paddr, bits = d->sizeBits;
        if (!d->isDevice || paddr < base || paddr - base >= ((seL4_Word)1 << bits)) {
            continue;
        }
        seL4_CPtr ut = cap;
        while (bits > seL4_PageBits) {
            seL4_Word half = (seL4_Word)1 << (bits - 1);
            seL4_CPtr halves = bench_slots(2);
            seL4_Error err = seL4_Untyped_Retype(ut, seL4_UntypedObject, bits - 1, seL4_CapInitThreadCNode, 0, 0,
                                                 halves, 2);
            if (err != seL4_NoError) {
                bench_error("irq_to_user", "splitting the device untyped", err);
                return 0;
            }
            bits--;
            if (paddr - base >= half) {
                ut = halves + 1;
                base += half;
            } else {
                ut = halves;
            }
        }
        seL4_CPtr frame = bench_slot();
        seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, seL4_CapInitThreadCNode, 0, 0, frame, 1);
        if (err != seL4_NoError) {
            bench_error("irq_to_user", "retyping the device frame", err);
            return 0;
        }
        return frame;
    }
    bench_error("irq_to_user", "no device untyped covers the device", seL4_NoError);
    return 0;
}
