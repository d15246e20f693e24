/* The memory manager's untyped slabs and statistics (kataos.md section 5). */
#pragma once

#include <sel4/sel4.h>
#include <stdint.h>

#define SLABS_MAX 230u

struct slab {
    seL4_CPtr cap;
    uint8_t size_bits;
};

struct mm_stats {
    uint64_t allocated_bytes, total_requested_bytes, overhead_bytes;
    uint64_t allocated_objs, total_requested_objs;
    uint64_t untyped_slab_too_small, out_of_memory;
    uint64_t total_bytes, reclaimed_bytes;
};

extern struct mm_stats mm_stats;

/* Fully free untypeds serve every lifetime; partly used ones (holding the components' objects,
 * so never reset) only MEMORY_LIFETIME_STATIC, as KataOS does. */
void slabs_add(seL4_CPtr cap, uint8_t size_bits, uint64_t free_bytes);
void slabs_finish(void);
uint32_t slabs_count(int static_pool);

/* Prints every slab: cap, size, bytes still free (Untyped_Describe). */
void slabs_print(void);

/* Bytes of RAM for `size` (count or log2 size) objects of type, or 0 if the pair is invalid. */
uint64_t object_bytes(uint64_t type, uint64_t size, uint64_t *count, uint64_t *size_bits);

/* Retypes count objects into container[slot..] from a slab; seL4 error of the last try. */
seL4_Error slabs_retype(int static_lifetime, seL4_CPtr container, uint64_t type, uint64_t size_bits,
                        uint64_t slot, uint64_t count);
