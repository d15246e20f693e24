/* The root server's shared state and helpers: one instance, filled step by step by main.c. */
#pragma once

#include <lark_spec.h>
#include <sel4/sel4.h>
#include <stdint.h>

#define RS_MAX_OBJECTS 2048u
#define RS_MAX_IRQS 64u
#define RS_MAX_KEEP (RS_MAX_OBJECTS * 2u)

struct rs {
    const seL4_BootInfo *bi;
    struct lark_spec spec;
    seL4_CPtr obj_cap[RS_MAX_OBJECTS];   /* root CNode slot of each object's original cap */
    uint32_t obj_maps[RS_MAX_OBJECTS];   /* mappings made of the object so far */
    seL4_CPtr irq_cap[RS_MAX_IRQS];      /* IRQ handler caps by irq table index */
    seL4_CPtr keep[RS_MAX_KEEP];         /* caps that go to the holding CNode */
    uint32_t keep_count;
    uint64_t component_bytes;            /* RAM the spec's objects took */
    uint64_t extra_bytes;                /* RAM the root server added for the hand-off */
    uint64_t tainted_bytes;
    seL4_Word tainted_start, tainted_end;/* BootInfo slot range of the tainted untypeds */
    seL4_Word kernel_reserved_bytes;
    seL4_CPtr asid_pool;                 /* the components' ASID pool (build.c) */
    int threads_started;                 /* some thread was resumed (handoff.c) */
};

extern struct rs rs;

/* Prints "rootserver: <what>: <why>" and stops the machine; never returns. */
_Noreturn void rs_fail(const char *what, const char *why);
/* Stops with the kernel's error name when err is not seL4_NoError. */
void rs_check(seL4_Error err, const char *what, const char *name);

/* Root CNode slots (slots.c). */
seL4_CPtr slot_alloc(void);
void slot_free_last(seL4_CPtr slot);      /* gives back the slot slot_alloc just returned */
void keep_cap(seL4_CPtr slot);            /* the cap goes to the holding CNode at hand-off */
seL4_Word slots_used(void);

/* Untyped memory (untyped_pool.c). */
void pool_init(void);
/* Retypes one object of `bytes` RAM into a new root slot from a non-tainted RAM untyped. */
seL4_CPtr pool_retype(seL4_Word type, seL4_Word size_bits, uint64_t bytes, const char *name);
/* Scratch objects of the root server itself: taken from the tainted untypeds when they have
 * room (then the memory manager's revoke reclaims them), else like pool_retype. */
seL4_CPtr pool_retype_scratch(seL4_Word type, uint64_t bytes, int *from_tainted);
/* A device frame cap for the 4 KiB page at paddr, carved from the device untyped covering it. */
seL4_CPtr pool_device_frame(uint64_t paddr, const char *name);
uint32_t pool_untypeds_used(void);

/* Mappings (vmap.c). Maps a frame, adding page tables when the kernel reports a missing
 * level; tables come from the pool (kept, counted in extra_bytes) or scratch. */
void vmap_frame(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
                seL4_Word attrs, int scratch_tables, const char *name);
/* Maps frame in the root server's own window, returns the window address. */
void *window_map(seL4_CPtr frame);
void window_unmap(seL4_CPtr frame);

/* The component ELFs linked into the root server (archive.c). */
const uint8_t *archive_find(const char *name, uint64_t *size);
uint64_t archive_total_bytes(void);
uint32_t archive_count(void);
const void *archive_spec(uint64_t *size);

/* Steps (build.c, handoff.c). */
/* Guard word of a component CNode cap: its slot numbers are cptrs at depth 64. */
seL4_Word rs_cnode_guard(uint32_t cnode_object);

void build_objects(void);
void build_irqs(void);
void build_vspaces(void);
void build_caps(void);
void build_threads(void);
void handoff_and_start(void);
