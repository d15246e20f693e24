/* Allocation over the untyped slabs: the kernel's watermark is the allocator; a slab that
 * answers NotEnoughMemory passes the request to the next one, round robin. */
#include "slabs.h"
#include <lark/lark_sel4.h>
#include <lark/print.h>
#include <memory.h>

#define RETYPE_FANOUT 256u /* abi.md section 3 */

struct mm_stats mm_stats;

static struct slab normal[SLABS_MAX], static_pool[SLABS_MAX];
static uint32_t n_normal, n_static, cursor_normal, cursor_static;

void slabs_add(seL4_CPtr cap, uint8_t size_bits, uint64_t free_bytes)
{
    if (free_bytes == (1ULL << size_bits)) {
        if (n_normal < SLABS_MAX) {
            normal[n_normal++] = (struct slab){cap, size_bits};
        }
    } else if (free_bytes != 0 && n_static < SLABS_MAX) {
        static_pool[n_static++] = (struct slab){cap, size_bits};
    }
}

/* With no partly used slab, the smallest free one becomes the static pool (KataOS). */
void slabs_finish(void)
{
    if (n_static == 0 && n_normal > 1) {
        uint32_t smallest = 0;
        for (uint32_t i = 1; i < n_normal; i++) {
            if (normal[i].size_bits < normal[smallest].size_bits) {
                smallest = i;
            }
        }
        static_pool[n_static++] = normal[smallest];
        normal[smallest] = normal[--n_normal];
    }
}

uint32_t slabs_count(int static_pool_wanted)
{
    return static_pool_wanted ? n_static : n_normal;
}

static void print_list(const char *what, const struct slab *slabs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        lark_Untyped_Describe_t d = lark_Untyped_Describe(slabs[i].cap);
        lark_printf("memory_manager:   %s slab %u: slot %lu, 2^%u bytes, %lu free\n", what, i,
                    (unsigned long)slabs[i].cap, slabs[i].size_bits, (unsigned long)d.remainingBytes);
    }
}

void slabs_print(void)
{
    lark_printf("memory_manager: %u free slabs, %u static slabs; %lu slab-too-small retries, %lu out of memory\n",
                n_normal, n_static, (unsigned long)mm_stats.untyped_slab_too_small, (unsigned long)mm_stats.out_of_memory);
    print_list("free", normal, n_normal);
    print_list("static", static_pool, n_static);
}

uint64_t object_bytes(uint64_t type, uint64_t size, uint64_t *count, uint64_t *size_bits)
{
    static const uint8_t fixed_bits[seL4_ObjectTypeCount] = {
        [seL4_TCBObject] = seL4_TCBBits,          [seL4_EndpointObject] = seL4_EndpointBits,
        [seL4_NotificationObject] = seL4_NotificationBits, [seL4_ReplyObject] = seL4_ReplyBits,
        [seL4_RISCV_4K_Page] = seL4_PageBits,     [seL4_RISCV_Mega_Page] = seL4_LargePageBits,
        [seL4_RISCV_Giga_Page] = seL4_HugePageBits, [seL4_RISCV_PageTableObject] = seL4_PageTableBits,
    };
    *count = 1;
    *size_bits = size;
    switch (type) {
    case seL4_UntypedObject:
        return size >= seL4_MinUntypedBits && size <= seL4_MaxUntypedBits ? 1ULL << size : 0;
    case seL4_SchedContextObject:
        return size >= seL4_MinSchedContextBits && size <= seL4_MaxUntypedBits ? 1ULL << size : 0;
    case seL4_CapTableObject:
        return size >= 1 && size + seL4_SlotBits <= seL4_MaxUntypedBits ? 1ULL << (size + seL4_SlotBits) : 0;
    default:
        if (type >= seL4_ObjectTypeCount || size == 0 || size > RETYPE_FANOUT) {
            return 0;
        }
        *count = size;
        *size_bits = 0;
        return size << fixed_bits[type];
    }
}

static seL4_Error retype_round_robin(struct slab *slabs, uint32_t n, uint32_t *cursor, seL4_CPtr container,
                                     uint64_t type, uint64_t size_bits, uint64_t slot, uint64_t count)
{
    seL4_Error err = seL4_NotEnoughMemory;
    for (uint32_t tried = 0; tried < n; tried++) {
        struct slab *s = &slabs[*cursor % n];
        err = seL4_Untyped_Retype(s->cap, type, size_bits, container, 0, 0, slot, count);
        if (err != seL4_NotEnoughMemory) {
            return err;
        }
        mm_stats.untyped_slab_too_small++;
        *cursor = (*cursor + 1) % n;
    }
    return err;
}

seL4_Error slabs_retype(int static_lifetime, seL4_CPtr container, uint64_t type, uint64_t size_bits,
                        uint64_t slot, uint64_t count)
{
    seL4_Error err = seL4_NotEnoughMemory;
    if (static_lifetime) {
        err = retype_round_robin(static_pool, n_static, &cursor_static, container, type, size_bits, slot, count);
    }
    if (err == seL4_NotEnoughMemory) {
        err = retype_round_robin(normal, n_normal, &cursor_normal, container, type, size_bits, slot, count);
    }
    if (err == seL4_NotEnoughMemory) {
        mm_stats.out_of_memory++;
    }
    return err;
}
