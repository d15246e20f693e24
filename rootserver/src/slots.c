/* Free slots of the root CNode (BootInfo.empty), handed out in order, and the list of caps
 * that survive the root server in the holding CNode. */
#include "rootserver.h"

static seL4_Word next_slot;

seL4_CPtr slot_alloc(void)
{
    if (next_slot == 0) {
        next_slot = rs.bi->empty.start;
    }
    if (next_slot >= rs.bi->empty.end) {
        rs_fail("root CNode", "no free slot left");
    }
    return next_slot++;
}

void slot_free_last(seL4_CPtr slot)
{
    if (slot + 1 == next_slot) {
        next_slot--;
    }
}

seL4_Word slots_used(void)
{
    return next_slot == 0 ? 0 : next_slot - rs.bi->empty.start;
}

void keep_cap(seL4_CPtr slot)
{
    if (rs.keep_count >= RS_MAX_KEEP) {
        rs_fail("holding CNode", "too many caps to keep");
    }
    rs.keep[rs.keep_count++] = slot;
}
