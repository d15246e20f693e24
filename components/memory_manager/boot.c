/* Taking over from the root server: read the hand-off page, revoke the tainted untypeds (which
 * destroys the root server and returns its RAM), then sort every RAM untyped into slabs and
 * report the figures. */
#include "lark_glue.h"
#include "lark_handoff.h"
#include "memory_manager.h"
#include "slabs.h"
#include <lark/lark_sel4.h>
#include <lark/names.h>
#include <lark/print.h>

static const struct lark_handoff *handoff(void)
{
    const struct lark_handoff *h = (const struct lark_handoff *)LARK_HANDOFF_VADDR;
    if (h->magic != LARK_HANDOFF_MAGIC || h->version != LARK_HANDOFF_VERSION ||
        h->untyped_count > LARK_HANDOFF_MAX_UNTYPEDS || h->untyped_first_slot + h->untyped_count > (1u << LARK_CNODE_BITS)) {
        lark_printf("memory_manager: no valid hand-off page at %lx\n", (unsigned long)LARK_HANDOFF_VADDR);
        return NULL;
    }
    return h;
}

/* Revokes every tainted untyped; returns the bytes they hold once empty again. */
static uint64_t revoke_tainted(const struct lark_handoff *h)
{
    uint64_t reclaimed = 0;
    for (uint32_t i = 0; i < h->untyped_count; i++) {
        if (!h->untypeds[i].is_tainted) {
            continue;
        }
        seL4_CPtr cap = h->untyped_first_slot + i;
        seL4_Error err = seL4_CNode_Revoke(LARK_SLOT_CNODE, cap, LARK_CSPACE_DEPTH);
        lark_Untyped_Describe_t d = lark_Untyped_Describe(cap);
        if (err != seL4_NoError || d.error != seL4_NoError) {
            lark_printf("memory_manager: revoke of tainted untyped %u failed: %s / %s\n", i, lark_error_name(err),
                        lark_error_name((seL4_Word)d.error));
            continue;
        }
        if (d.remainingBytes != (1ULL << h->untypeds[i].size_bits)) {
            lark_printf("memory_manager: tainted untyped %u still holds %lu bytes after revoke\n", i,
                        (unsigned long)((1ULL << h->untypeds[i].size_bits) - d.remainingBytes));
        }
        reclaimed += d.remainingBytes;
    }
    return reclaimed;
}

int mm_boot(void)
{
    const struct lark_handoff *h = handoff();
    if (h == NULL) {
        return -1;
    }
    mm_stats.reclaimed_bytes = revoke_tainted(h);

    uint64_t total = 0, used = 0, free_bytes = 0, device = 0;
    for (uint32_t i = 0; i < h->untyped_count; i++) {
        const struct lark_handoff_untyped *u = &h->untypeds[i];
        if (u->is_device) {
            device += 1ULL << u->size_bits;
            continue;
        }
        seL4_CPtr cap = h->untyped_first_slot + i;
        lark_Untyped_Describe_t d = lark_Untyped_Describe(cap);
        if (d.error != seL4_NoError || d.sizeBits != u->size_bits) {
            lark_printf("memory_manager: untyped %u is not the one the hand-off describes\n", i);
            continue;
        }
        total += 1ULL << u->size_bits;
        free_bytes += d.remainingBytes;
        used += (1ULL << u->size_bits) - d.remainingBytes;
        slabs_add(cap, u->size_bits, d.remainingBytes);
    }
    slabs_finish();
    mm_stats.total_bytes = total;
    mm_stats.overhead_bytes = used;

    lark_printf("memory_manager: revoked the tainted untypeds: reclaimed %lu bytes from the root server "
                "(the kernel reported %lu tainted)\n",
                (unsigned long)mm_stats.reclaimed_bytes, (unsigned long)h->tainted_bytes);
    lark_printf("memory_manager: total RAM %lu bytes, used by components %lu bytes, reclaimed %lu bytes, "
                "free %lu bytes\n",
                (unsigned long)total, (unsigned long)used, (unsigned long)mm_stats.reclaimed_bytes,
                (unsigned long)free_bytes);
    lark_printf("memory_manager: components: %lu bytes of spec objects + %lu bytes of hand-off "
                "(holding CNode, page, page tables) + %lu bytes of alignment; kernel reserves %lu, "
                "device memory %lu\n",
                (unsigned long)h->component_bytes, (unsigned long)h->rootserver_extra_bytes,
                (unsigned long)(used - h->component_bytes - h->rootserver_extra_bytes),
                (unsigned long)h->kernel_reserved_bytes, (unsigned long)device);
    lark_printf("memory_manager: %u free slabs, %u static slabs, holding CNode 2^%lu slots with %lu caps\n",
                slabs_count(0), slabs_count(1), (unsigned long)h->holding_size_bits,
                (unsigned long)h->holding_used);
    return 0;
}
