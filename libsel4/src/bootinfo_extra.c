/* Walking the chain of extra boot info chunks. The kernel writes it, but a root task must not
 * trust it blindly: every length is checked before it is used to step. */
#include <lark/bootinfo_extra.h>

#define BOOTINFO_PAGE_BYTES (1ul << seL4_BootInfoFrameBits)

const seL4_BootInfoHeader *lark_extra_find_chunk(const void *extra, seL4_Word extra_len, seL4_Word id)
{
    const unsigned char *base = extra;
    seL4_Word off = 0;
    if (base == seL4_Null) {
        return seL4_Null;
    }
    while (off <= extra_len && extra_len - off >= sizeof(seL4_BootInfoHeader)) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)(base + off);
        if (h->len < sizeof(seL4_BootInfoHeader) || h->len > extra_len - off) {
            return seL4_Null;
        }
        if (h->id == id) {
            return h;
        }
        off += h->len;
    }
    return seL4_Null;
}

const void *lark_bootinfo_extra(const seL4_BootInfo *bi)
{
    return (const unsigned char *)bi + BOOTINFO_PAGE_BYTES;
}

const lark_bootinfo_lark_t *lark_bootinfo_find_lark(const seL4_BootInfo *bi)
{
    const seL4_BootInfoHeader *h = lark_extra_find_chunk(lark_bootinfo_extra(bi), bi->extraLen,
                                                         LARK_BOOTINFO_HEADER_LARK);
    if (h == seL4_Null || h->len < sizeof(lark_bootinfo_lark_t)) {
        return seL4_Null;
    }
    const lark_bootinfo_lark_t *lark = (const lark_bootinfo_lark_t *)h;
    if (lark->version != LARK_BOOTINFO_LARK_VERSION || lark->tainted.start > lark->tainted.end) {
        return seL4_Null;
    }
    return lark;
}

const void *lark_bootinfo_find_fdt(const seL4_BootInfo *bi, seL4_Word *size)
{
    const seL4_BootInfoHeader *h = lark_extra_find_chunk(lark_bootinfo_extra(bi), bi->extraLen,
                                                         SEL4_BOOTINFO_HEADER_FDT);
    if (h == seL4_Null) {
        return seL4_Null;
    }
    if (size != seL4_Null) {
        *size = h->len - sizeof(seL4_BootInfoHeader);
    }
    return h + 1;
}
