/* The memory interface: batches of objects retyped into the caller's container CNode, freed by
 * deleting them there, and statistics. A batch that fails part-way is rolled back (KataOS's
 * memory manager does not do this), so a failed Alloc leaves neither caps nor counted bytes. */
#include "lark_glue.h"
#include "memory_manager.h"
#include "slabs.h"
#include <lark/lark_sel4.h>
#include <lark/print.h>

static seL4_Word to_memory_error(seL4_Error err)
{
    switch (err) {
    case seL4_NoError:
        return MEMORY_OK;
    case seL4_NotEnoughMemory:
        return MEMORY_ALLOC_FAILED;
    case seL4_RangeError:
        return MEMORY_OBJ_COUNT_INVALID;
    case seL4_InvalidArgument:
        return MEMORY_OBJ_TYPE_INVALID;
    default: /* FailedLookup, DeleteFirst, IllegalOperation: the container or its slots */
        return MEMORY_OBJ_CAP_INVALID;
    }
}

static void delete_range(seL4_CPtr container, uint64_t depth, uint64_t slot, uint64_t count)
{
    for (uint64_t k = 0; k < count; k++) {
        seL4_CNode_Delete(container, slot + k, (seL4_Uint8)depth);
    }
}

static int valid_depth(uint64_t depth)
{
    return depth >= 1 && depth <= seL4_WordBits;
}

static seL4_Word mm_alloc(seL4_Word badge, const struct memory_alloc_request *req, struct memory_alloc_reply *rep)
{
    (void)badge;
    if (req->count == 0 || req->count > MEMORY_MAX_DESCS) {
        return MEMORY_OBJ_COUNT_INVALID;
    }
    if (!valid_depth(req->depth)) {
        return MEMORY_OBJ_CAP_INVALID;
    }
    uint64_t counts[MEMORY_MAX_DESCS], bits[MEMORY_MAX_DESCS], bytes[MEMORY_MAX_DESCS];
    for (uint64_t i = 0; i < req->count; i++) {
        bytes[i] = object_bytes(req->types[i], req->sizes[i], &counts[i], &bits[i]);
        if (bytes[i] == 0) {
            return req->types[i] >= seL4_ObjectTypeCount ? MEMORY_OBJ_TYPE_INVALID : MEMORY_OBJ_COUNT_INVALID;
        }
    }
    int static_lifetime = req->lifetime == MEMORY_LIFETIME_STATIC;
    uint64_t objs = 0, total = 0;
    for (uint64_t i = 0; i < req->count; i++) {
        seL4_Error err = slabs_retype(static_lifetime, req->container, req->types[i], bits[i], req->slots[i], counts[i]);
        if (err != seL4_NoError) {
            for (uint64_t j = 0; j < i; j++) {
                delete_range(req->container, req->depth, req->slots[j], counts[j]);
            }
            return to_memory_error(err);
        }
        objs += counts[i];
        total += bytes[i];
    }
    mm_stats.allocated_bytes += total;
    mm_stats.allocated_objs += objs;
    mm_stats.total_requested_bytes += total;
    mm_stats.total_requested_objs += objs;
    rep->objects = objs;
    rep->bytes = total;
    return MEMORY_OK;
}

static seL4_Word mm_free(seL4_Word badge, const struct memory_free_request *req)
{
    (void)badge;
    if (req->count == 0 || req->count > MEMORY_MAX_DESCS) {
        return MEMORY_OBJ_COUNT_INVALID;
    }
    if (!valid_depth(req->depth)) {
        return MEMORY_OBJ_CAP_INVALID;
    }
    uint64_t counts[MEMORY_MAX_DESCS], bits[MEMORY_MAX_DESCS], bytes[MEMORY_MAX_DESCS];
    for (uint64_t i = 0; i < req->count; i++) {
        bytes[i] = object_bytes(req->types[i], req->sizes[i], &counts[i], &bits[i]);
        if (bytes[i] == 0) {
            return req->types[i] >= seL4_ObjectTypeCount ? MEMORY_OBJ_TYPE_INVALID : MEMORY_OBJ_COUNT_INVALID;
        }
    }
    for (uint64_t i = 0; i < req->count; i++) {
        for (uint64_t k = 0; k < counts[i]; k++) {
            if (seL4_CNode_Delete(req->container, req->slots[i] + k, (seL4_Uint8)req->depth) != seL4_NoError) {
                return MEMORY_FREE_FAILED;
            }
        }
        /* A client can free slots it never got from us; the counters never go below zero. */
        mm_stats.allocated_bytes -= bytes[i] < mm_stats.allocated_bytes ? bytes[i] : mm_stats.allocated_bytes;
        mm_stats.allocated_objs -= counts[i] < mm_stats.allocated_objs ? counts[i] : mm_stats.allocated_objs;
    }
    return MEMORY_OK;
}

static seL4_Word mm_stats_call(seL4_Word badge, struct memory_stats_reply *rep)
{
    (void)badge;
    rep->allocated_bytes = mm_stats.allocated_bytes;
    rep->free_bytes = mm_stats.total_bytes - mm_stats.overhead_bytes - mm_stats.allocated_bytes;
    rep->total_requested_bytes = mm_stats.total_requested_bytes;
    rep->overhead_bytes = mm_stats.overhead_bytes;
    rep->allocated_objs = mm_stats.allocated_objs;
    rep->total_requested_objs = mm_stats.total_requested_objs;
    rep->reclaimed_bytes = mm_stats.reclaimed_bytes;
    rep->untyped_slab_too_small = mm_stats.untyped_slab_too_small;
    rep->out_of_memory = mm_stats.out_of_memory;
    return MEMORY_OK;
}

static seL4_Word mm_debug(seL4_Word badge)
{
    lark_printf("memory_manager: debug (asked by client %lu)\n", (unsigned long)badge);
    slabs_print();
    return MEMORY_OK;
}

static seL4_Word mm_capscan(seL4_Word badge)
{
    lark_printf("memory_manager: capscan (asked by client %lu)\n", (unsigned long)badge);
    lark_DebugDumpCNode(LARK_SLOT_CNODE);
    return MEMORY_OK;
}

static const struct memory_ops ops = {
    .alloc = mm_alloc,
    .free = mm_free,
    .stats = mm_stats_call,
    .debug = mm_debug,
    .capscan = mm_capscan,
};

_Noreturn void mm_serve(void)
{
    memory_serve(&ops);
}
