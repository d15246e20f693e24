/* Physical region lists for boot (K1: src/kernel/boot_regions.c). Pure C. */
#ifndef LARK_BOOT_REGIONS_H
#define LARK_BOOT_REGIONS_H
#include "fdt.h"

#define REGION_LIST_MAX 64
struct region_list {
    struct mem_region r[REGION_LIST_MAX];
    unsigned n;
};
bool regions_add(struct region_list *l, paddr_t base, paddr_t end);
/* Remove [base, end) from every region (may split one in two). False if the list overflows. */
bool regions_subtract(struct region_list *l, paddr_t base, paddr_t end);
/* The largest power-of-two block (at most 2^max_bits) that starts at b, is aligned to its
 * size and fits before e. */
unsigned block_bits(paddr_t b, paddr_t e, unsigned max_bits);

#endif
