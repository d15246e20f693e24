/* A minimal flattened-device-tree reader for the extra boot info (chunk id 6): finds a node
 * by "compatible" and returns its first reg address and first interrupt. Every offset is
 * checked against the chunk, so a malformed tree gives "not found", never a bad access. */
#include "bench.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_DEPTH 16

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t align4(size_t v)
{
    return (v + 3) & ~(size_t)3;
}

static bool str_eq(const char *a, const char *b, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (a[i] != b[i]) {
            return false;
        }
        if (a[i] == '\0') {
            return true;
        }
    }
    return false;
}

/* True if the NUL-separated list (len bytes) holds want. */
static bool list_has(const char *list, size_t len, const char *want)
{
    size_t i = 0;
    while (i < len) {
        if (str_eq(list + i, want, len - i)) {
            return true;
        }
        while (i < len && list[i] != '\0') {
            i++;
        }
        i++;
    }
    return false;
}

static const uint8_t *find_fdt(const seL4_BootInfo *bi, size_t *size)
{
    const uint8_t *extra = (const uint8_t *)bi + ((seL4_Word)1 << seL4_BootInfoFrameBits);
    seL4_Word off = 0;
    while (off + sizeof(seL4_BootInfoHeader) <= bi->extraLen) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)(extra + off);
        if (h->len < sizeof(*h) || h->len > bi->extraLen - off) {
            return NULL;
        }
        if (h->id == SEL4_BOOTINFO_HEADER_FDT) {
            *size = h->len - sizeof(*h);
            return (const uint8_t *)(h + 1);
        }
        off += h->len;
    }
    return NULL;
}

int bench_fdt_find(const seL4_BootInfo *bi, const char *compatible, seL4_Word *reg, seL4_Word *irq)
{
    size_t size;
    const uint8_t *fdt = find_fdt(bi, &size);
    if (fdt == NULL || size < 40 || be32(fdt) != FDT_MAGIC) {
        return -1;
    }
    size_t total = be32(fdt + 4), off_struct = be32(fdt + 8), off_strings = be32(fdt + 12);
    if (total > size || off_struct >= total || off_strings >= total) {
        return -1;
    }
    /* #address-cells that applies to the reg of a node at each depth (the parent's value). */
    uint32_t addr_cells[FDT_MAX_DEPTH + 1];
    int depth = 0;
    addr_cells[0] = 2;
    bool matched = false, have_reg = false, have_irq = false;
    seL4_Word found_reg = 0, found_irq = 0;
    size_t pos = off_struct;
    while (pos + 4 <= total) {
        uint32_t token = be32(fdt + pos);
        pos += 4;
        if (token == FDT_BEGIN_NODE || token == FDT_END_NODE || token == FDT_END) {
            if (matched && have_reg && have_irq) {
                *reg = found_reg;
                *irq = found_irq;
                return 0;
            }
            matched = have_reg = have_irq = false;
        }
        if (token == FDT_BEGIN_NODE) {
            while (pos < total && fdt[pos] != '\0') {
                pos++;
            }
            pos = align4(pos + 1);
            if (++depth > FDT_MAX_DEPTH) {
                return -1;
            }
            addr_cells[depth] = 2; /* the default until this node says otherwise */
        } else if (token == FDT_END_NODE) {
            if (--depth < 0) {
                return -1;
            }
        } else if (token == FDT_PROP) {
            if (pos + 8 > total) {
                return -1;
            }
            size_t len = be32(fdt + pos), nameoff = be32(fdt + pos + 4);
            pos += 8;
            if (len > total - pos || nameoff >= total - off_strings) {
                return -1;
            }
            const char *name = (const char *)fdt + off_strings + nameoff;
            size_t name_max = total - off_strings - nameoff;
            const uint8_t *val = fdt + pos;
            if (str_eq(name, "compatible", name_max)) {
                matched = list_has((const char *)val, len, compatible);
            } else if (str_eq(name, "#address-cells", name_max) && len == 4) {
                addr_cells[depth] = be32(val);
            } else if (str_eq(name, "reg", name_max) && depth > 0) {
                uint32_t cells = addr_cells[depth - 1];
                if (cells >= 1 && cells <= 2 && len >= cells * 4) {
                    found_reg = cells == 2 ? (seL4_Word)be32(val) << 32 | be32(val + 4) : be32(val);
                    have_reg = true;
                }
            } else if (str_eq(name, "interrupts", name_max) && len >= 4) {
                found_irq = be32(val);
                have_irq = true;
            }
            pos = align4(pos + len);
        } else if (token == FDT_END) {
            return -1;
        } else if (token != FDT_NOP) {
            return -1;
        }
    }
    return -1;
}
