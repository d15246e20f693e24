/* The hand-off page: what the root server tells the memory manager (rootserver/README.md).
 *
 * The root server moves every BootInfo untyped (tainted and device ones included, in BootInfo
 * order) into the memory manager's CNode from `untyped_first_slot` on, puts a holding CNode
 * with every cap it created at `holding_slot`, and maps one read-only frame holding this
 * struct at LARK_HANDOFF_VADDR in the memory manager's VSpace. Shared by rootserver/ and
 * components/memory_manager; uses only <stdint.h>. */
#ifndef LARK_HANDOFF_H
#define LARK_HANDOFF_H

#include <stdint.h>

#define LARK_HANDOFF_MAGIC 0x444e41484b52414cULL /* the bytes "LARKHAND" */
#define LARK_HANDOFF_VERSION 1u
/* The last page of the 2 MiB region that holds thread 0's IPC buffer and stack, so the page
 * tables the spec already made for that region usually cover it. */
#define LARK_HANDOFF_VADDR 0x3f001ff000ULL
#define LARK_HANDOFF_MAX_UNTYPEDS 230u

struct lark_handoff_untyped {
    uint64_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t is_tainted; /* holds the root server's own objects: revoke it first */
    uint8_t padding[5];
};

struct lark_handoff {
    uint64_t magic;
    uint32_t version;
    uint32_t untyped_count;
    uint64_t holding_slot;         /* slot of the holding CNode in the memory manager's CNode */
    uint64_t holding_size_bits;
    uint64_t holding_used;         /* caps in holding slots [0, holding_used) */
    uint64_t untyped_first_slot;   /* untyped i is in slot untyped_first_slot + i */
    uint64_t first_free_slot;      /* the first slot after the untypeds */
    uint64_t kernel_reserved_bytes;
    uint64_t tainted_bytes;        /* sum of the tainted untypeds: the root server's RAM */
    uint64_t component_bytes;      /* RAM of the objects the spec describes */
    uint64_t rootserver_extra_bytes; /* RAM the root server added: holding CNode, this page, page tables */
    uint64_t spec_bytes;           /* size of the spec it instantiated */
    uint64_t archive_bytes;        /* size of the component ELFs it carried */
    struct lark_handoff_untyped untypeds[LARK_HANDOFF_MAX_UNTYPEDS];
};

_Static_assert(sizeof(struct lark_handoff) <= 4096, "the hand-off fits one page");

#endif
