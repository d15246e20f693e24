/* Device tree reader: memory, reserved memory, PLIC, timebase and device regions. */
#include <lark/fdt.h>

#define FDT_MAGIC 0xd00dfeedU
#define TOK_BEGIN_NODE 1
#define TOK_END_NODE 2
#define TOK_PROP 3
#define TOK_NOP 4
#define TOK_END 9
#define MAX_DEPTH 16

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static uint64_t be64(const uint8_t *p) { return ((uint64_t)be32(p) << 32) | be32(p + 4); }

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}
static bool starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}
/* Does the compatible string list (len bytes, NUL-separated) contain `want`? */
static bool compat_has(const char *list, word_t len, const char *want)
{
    word_t i = 0;
    while (i < len) {
        const char *s = list + i;
        word_t n = 0;
        while (i + n < len && s[n])
            n++;
        if (i + n < len && str_eq(s, want))
            return true;
        i += n + 1;
    }
    return false;
}

struct node {
    const char *name;
    unsigned addr_cells, size_cells; /* declared here, for the children */
    const uint8_t *reg;
    word_t reg_len;
    const char *compat;
    word_t compat_len;
    bool is_memory, disabled;
    word_t timebase, ndev;
};

static const char *add_region(struct mem_region *arr, unsigned *n, unsigned max, paddr_t b,
                              word_t size)
{
    if (size == 0)
        return NULL;
    if (*n >= max)
        return "too many regions";
    if (b + size < b)
        return "region wraps around";
    arr[*n] = (struct mem_region){b, b + size};
    (*n)++;
    return NULL;
}

/* Each reg entry: addr_cells then size_cells big-endian words (1 or 2 cells supported). */
static const char *for_each_reg(const struct node *n, const struct node *parent,
                                struct mem_region *arr, unsigned *cnt, unsigned max)
{
    unsigned ac = parent->addr_cells, sc = parent->size_cells;
    if (ac < 1 || ac > 2 || sc > 2)
        return NULL; /* not a memory-mapped reg (e.g. cpu ids): ignore */
    if (sc == 0)
        return NULL;
    word_t entry = 4 * (ac + sc);
    if (n->reg_len % entry)
        return "reg length is not a multiple of its cells";
    for (word_t off = 0; off < n->reg_len; off += entry) {
        const uint8_t *p = n->reg + off;
        paddr_t b = ac == 2 ? be64(p) : be32(p);
        word_t s = sc == 2 ? be64(p + 4 * ac) : be32(p + 4 * ac);
        const char *e = add_region(arr, cnt, max, b, s);
        if (e)
            return e;
    }
    return NULL;
}

static const char *finish_node(struct node *st, int depth, struct fdt_info *out)
{
    struct node *n = &st[depth], *parent = depth > 0 ? &st[depth - 1] : NULL;
    if (!parent || n->disabled)
        return NULL;
    if (str_eq(n->name, "cpus") && n->timebase)
        out->timebase_hz = n->timebase;
    if (!n->reg)
        return NULL;
    if (n->is_memory)
        return for_each_reg(n, parent, out->ram, &out->n_ram, FDT_MAX_RAM);
    if (str_eq(parent->name, "reserved-memory"))
        return for_each_reg(n, parent, out->reserved, &out->n_reserved, FDT_MAX_RESERVED);
    if (starts_with(parent->name, "cpu"))
        return NULL; /* cpus, cpu@N, cpu-map: reg is a hart id */
    if (n->compat && (compat_has(n->compat, n->compat_len, "riscv,plic0") ||
                      compat_has(n->compat, n->compat_len, "sifive,plic-1.0.0"))) {
        struct mem_region r[1];
        unsigned cnt = 0;
        const char *e = for_each_reg(n, parent, r, &cnt, 1);
        if (e || cnt != 1)
            return e ? e : "PLIC reg missing";
        out->plic_base = r[0].base;
        out->plic_size = r[0].end - r[0].base;
        out->plic_ndev = n->ndev;
        return NULL;
    }
    if (n->compat && (compat_has(n->compat, n->compat_len, "riscv,clint0") ||
                      compat_has(n->compat, n->compat_len, "sifive,clint0")))
        return NULL; /* M-mode timer/IPI: OpenSBI's */
    return for_each_reg(n, parent, out->devices, &out->n_devices, FDT_MAX_DEVICES);
}

const char *fdt_parse(const void *blob, word_t max_size, struct fdt_info *out)
{
    const uint8_t *b = blob;
    *out = (struct fdt_info){0};
    if (max_size < 40)
        return "blob smaller than the FDT header";
    if (be32(b) != FDT_MAGIC)
        return "bad FDT magic";
    word_t total = be32(b + 4), off_struct = be32(b + 8), off_strings = be32(b + 12);
    word_t off_rsv = be32(b + 16), size_strings = be32(b + 32), size_struct = be32(b + 36);
    if (total > max_size || total < 40)
        return "FDT totalsize out of range";
    if (off_struct > total || size_struct > total - off_struct || off_strings > total ||
        size_strings > total - off_strings || off_rsv > total)
        return "FDT block offsets out of range";
    out->totalsize = total;

    /* memory reservation block: {u64 address, u64 size} pairs ending with 0, 0 */
    for (word_t p = off_rsv;; p += 16) {
        if (p + 16 > total)
            return "memory reservation block not terminated";
        word_t a = be64(b + p), s = be64(b + p + 8);
        if (a == 0 && s == 0)
            break;
        const char *e = add_region(out->reserved, &out->n_reserved, FDT_MAX_RESERVED, a, s);
        if (e)
            return e;
    }

    struct node st[MAX_DEPTH];
    int depth = -1;
    const uint8_t *s = b + off_struct, *end = s + size_struct;
    const char *strings = (const char *)b + off_strings;
    for (;;) {
        if (end - s < 4)
            return "structure block ends without FDT_END";
        uint32_t tok = be32(s);
        s += 4;
        if (tok == TOK_BEGIN_NODE) {
            const char *name = (const char *)s;
            word_t len = 0;
            while (s + len < end && s[len])
                len++;
            if (s + len >= end)
                return "node name runs past the structure block";
            s += ROUND_UP(len + 1, 2);
            if (++depth >= MAX_DEPTH)
                return "device tree nested too deeply";
            st[depth] = (struct node){.name = name, .addr_cells = 2, .size_cells = 1};
        } else if (tok == TOK_END_NODE) {
            if (depth < 0)
                return "unbalanced FDT_END_NODE";
            const char *e = finish_node(st, depth, out);
            if (e)
                return e;
            depth--;
        } else if (tok == TOK_PROP) {
            if (end - s < 8 || depth < 0)
                return "truncated property";
            word_t len = be32(s), nameoff = be32(s + 4);
            s += 8;
            if (len > (word_t)(end - s))
                return "property value runs past the structure block";
            if (nameoff >= size_strings)
                return "property name offset out of range";
            const char *pname = strings + nameoff;
            word_t room = size_strings - nameoff, k = 0;
            while (k < room && pname[k])
                k++;
            if (k == room)
                return "property name not terminated";
            struct node *n = &st[depth];
            if (str_eq(pname, "reg")) {
                n->reg = s;
                n->reg_len = len;
            } else if (str_eq(pname, "#address-cells") && len == 4) {
                n->addr_cells = be32(s);
            } else if (str_eq(pname, "#size-cells") && len == 4) {
                n->size_cells = be32(s);
            } else if (str_eq(pname, "device_type") && len >= 7) {
                n->is_memory = str_eq((const char *)s, "memory") && s[len - 1] == 0;
            } else if (str_eq(pname, "compatible")) {
                n->compat = (const char *)s;
                n->compat_len = len;
            } else if (str_eq(pname, "status") && len >= 9) {
                n->disabled = s[len - 1] == 0 && str_eq((const char *)s, "disabled");
            } else if (str_eq(pname, "timebase-frequency")) {
                n->timebase = len == 4 ? be32(s) : len == 8 ? be64(s) : 0;
            } else if (str_eq(pname, "riscv,ndev") && len == 4) {
                n->ndev = be32(s);
            }
            s += ROUND_UP(len, 2);
        } else if (tok == TOK_NOP) {
            continue;
        } else if (tok == TOK_END) {
            break;
        } else {
            return "unknown structure token";
        }
    }
    if (depth != -1)
        return "unbalanced nodes";
    if (out->n_ram == 0)
        return "no memory node";
    return NULL;
}
