/* Just enough of a flattened device tree reader to find a node's property by the node name's
 * prefix ("memory@", "rtc@"): RAM and device addresses and IRQ numbers are checked against the
 * tree QEMU passes, not against constants. Every offset is bounds-checked against the size. */
#include "kt.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

uint32_t kt_be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static bool prefix(const char *s, const char *pre)
{
    while (*pre != '\0') {
        if (*s++ != *pre++) {
            return false;
        }
    }
    return true;
}

static bool str_at(const uint8_t *blob, size_t size, size_t off, size_t *len)
{
    for (size_t i = off; i < size; i++) {
        if (blob[i] == '\0') {
            *len = i - off;
            return true;
        }
    }
    return false;
}

int kt_fdt_prop(const void *fdt, size_t size, const char *node, const char *prop, const void **value)
{
    const uint8_t *b = fdt;
    if (fdt == NULL || size < 40 || kt_be32(b) != FDT_MAGIC) {
        return -1;
    }
    size_t total = kt_be32(b + 4), off = kt_be32(b + 8), strings = kt_be32(b + 12);
    if (total > size || off >= total || strings >= total) {
        return -1;
    }
    bool in_node = false;
    int depth = 0, node_depth = -1;
    while (off + 4 <= total) {
        uint32_t tok = kt_be32(b + off);
        off += 4;
        if (tok == FDT_BEGIN_NODE) {
            size_t len;
            if (!str_at(b, total, off, &len)) {
                return -1;
            }
            depth++;
            if (!in_node && prefix((const char *)b + off, node)) {
                in_node = true;
                node_depth = depth;
            }
            off = (off + len + 1 + 3) & ~(size_t)3;
        } else if (tok == FDT_END_NODE) {
            if (in_node && depth == node_depth) {
                in_node = false;
            }
            depth--;
        } else if (tok == FDT_PROP) {
            if (off + 8 > total) {
                return -1;
            }
            size_t len = kt_be32(b + off), nameoff = kt_be32(b + off + 4), nlen;
            off += 8;
            if (off + len > total || !str_at(b, total, strings + nameoff, &nlen)) {
                return -1;
            }
            if (in_node && depth == node_depth && kt_strcmp((const char *)b + strings + nameoff, prop) == 0) {
                *value = b + off;
                return (int)len;
            }
            off = (off + len + 3) & ~(size_t)3;
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break;
        }
    }
    return -1;
}

/* First (address, size) pair of a node's reg with 2 address and 2 size cells (QEMU virt). */
int kt_fdt_reg(const void *fdt, size_t size, const char *node, seL4_Word *addr, seL4_Word *len)
{
    const void *v;
    int n = kt_fdt_prop(fdt, size, node, "reg", &v);
    if (n < 16) {
        return -1;
    }
    const uint8_t *p = v;
    *addr = ((seL4_Word)kt_be32(p) << 32) | kt_be32(p + 4);
    *len = ((seL4_Word)kt_be32(p + 8) << 32) | kt_be32(p + 12);
    return 0;
}

int kt_fdt_irq(const void *fdt, size_t size, const char *node, seL4_Word *irq)
{
    const void *v;
    int n = kt_fdt_prop(fdt, size, node, "interrupts", &v);
    if (n < 4) {
        return -1;
    }
    *irq = kt_be32(v);
    return 0;
}
