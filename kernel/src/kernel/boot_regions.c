/* Boot-time physical region lists: subtract reserved ranges, split into untyped blocks. */
#include <lark/abi.h>
#include <lark/boot_regions.h>

bool regions_add(struct region_list *l, paddr_t b, paddr_t e)
{
    if (b >= e)
        return true;
    if (l->n >= REGION_LIST_MAX)
        return false;
    l->r[l->n++] = (struct mem_region){b, e};
    return true;
}

bool regions_subtract(struct region_list *l, paddr_t b, paddr_t e)
{
    struct region_list out = {.n = 0};
    for (unsigned i = 0; i < l->n; i++) {
        struct mem_region r = l->r[i];
        if (e <= r.base || b >= r.end) {
            if (!regions_add(&out, r.base, r.end))
                return false;
            continue;
        }
        if (!regions_add(&out, r.base, b > r.base ? b : r.base) ||
            !regions_add(&out, e < r.end ? e : r.end, r.end))
            return false;
    }
    *l = out;
    return true;
}

unsigned block_bits(paddr_t b, paddr_t e, unsigned max_bits)
{
    unsigned bits = max_bits;
    while (bits > 0 && ((b & MASK(bits)) != 0 || b + BIT(bits) > e || b + BIT(bits) < b))
        bits--;
    return bits;
}
