/* lark-interface memory: the memory manager (kataos.md section 5). Objects are allocated in
 * batches into a CNode the caller supplies (the request's capability) and freed the same way.
 * Object i of a batch: seL4 type types[i], sizes[i] = number of objects, or log2 size for
 * untyped / CNode (slots) / SchedContext, placed from container slot slots[i] on. */
#ifndef LARK_IFACE_MEMORY_H
#define LARK_IFACE_MEMORY_H
#include <stdint.h>
#include <sel4/types.h>

#define MEMORY_MAX_DESCS 16

enum memory_label {
    MEMORY_ALLOC = 1,
    MEMORY_FREE = 2,
    MEMORY_STATS = 3,
    MEMORY_DEBUG = 4,   /* the manager prints its slab table on the debug console */
    MEMORY_CAPSCAN = 5, /* the manager prints its own CNode (LarkOS DebugDumpCNode) */
};

/* Numbered as KataOS's MemoryManagerError. */
enum memory_error {
    MEMORY_OK = 0,
    MEMORY_OBJ_COUNT_INVALID = 3,
    MEMORY_OBJ_TYPE_INVALID = 4,
    MEMORY_OBJ_CAP_INVALID = 5,
    MEMORY_ALLOC_FAILED = 8,
    MEMORY_FREE_FAILED = 9,
};

enum memory_lifetime {
    MEMORY_LIFETIME_SHORT = 0,
    MEMORY_LIFETIME_MEDIUM = 1,
    MEMORY_LIFETIME_STATIC = 2,
};

struct memory_alloc_request {
    seL4_CPtr container; /* CNode the objects are retyped into */
    uint64_t depth;      /* bits that address one of its slots (its guard + radix; 64 for an own CNode) */
    uint64_t lifetime;   /* enum memory_lifetime */
    uint64_t count;      /* descriptors used, 1..MEMORY_MAX_DESCS */
    uint64_t types[16];
    uint64_t sizes[16];
    uint64_t slots[16];
};
struct memory_alloc_reply {
    uint64_t objects; /* objects created */
    uint64_t bytes;   /* RAM they use */
};

struct memory_free_request {
    seL4_CPtr container; /* CNode holding the caps to delete */
    uint64_t depth;      /* as in memory_alloc_request */
    uint64_t count;
    uint64_t types[16];
    uint64_t sizes[16];
    uint64_t slots[16];
};

struct memory_stats_reply {
    uint64_t allocated_bytes;       /* in use by objects the manager handed out */
    uint64_t free_bytes;            /* untyped memory still free */
    uint64_t total_requested_bytes; /* over the manager's lifetime */
    uint64_t overhead_bytes;        /* used outside the manager's control (root-server-built objects) */
    uint64_t allocated_objs;
    uint64_t total_requested_objs;
    uint64_t reclaimed_bytes;       /* RAM won back by revoking the tainted untypeds */
    uint64_t untyped_slab_too_small;/* retypes a slab refused for lack of room (then the next slab) */
    uint64_t out_of_memory;         /* requests no slab could satisfy */
};

#endif
