/* A small vka-like allocator for a root task: a bump allocator over the free slots of the
 * root CNode (BootInfo.empty) and retype helpers over the non-device untypeds of BootInfo.
 * Nothing is ever freed; it is meant for tests and demos that build a fixed set of objects.
 * Objects are created in the root CNode (addressed at depth 64, as seL4 root tasks do). */
#pragma once

#include <sel4/sel4.h>

typedef struct lark_untyped {
    seL4_CPtr cap;
    seL4_Word paddr;
    seL4_Uint8 size_bits;
    seL4_Uint8 exhausted;   /* a retype of the smallest object failed for lack of memory */
} lark_untyped_t;

typedef struct lark_alloc {
    seL4_SlotPos next_slot, end_slot;  /* free slots [next_slot, end_slot) */
    lark_untyped_t untyped[seL4_MaxNumBootinfoUntypedCaps];
    seL4_Word num_untyped;
} lark_alloc_t;

/* Takes the free slots and the RAM (non-device) untypeds of bi. */
void lark_alloc_init(lark_alloc_t *a, const seL4_BootInfo *bi);

/* A free slot of the root CNode, or seL4_CapNull when none is left. */
seL4_CPtr lark_alloc_slot(lark_alloc_t *a);

/* n consecutive free slots; returns the first, or seL4_CapNull. */
seL4_CPtr lark_alloc_slots(lark_alloc_t *a, seL4_Word n);

/* Retypes n objects (type, size_bits as seL4_Untyped_Retype) into consecutive new slots,
 * trying the untypeds in BootInfo order until one has room. *first = the first cap.
 * Errors: seL4_NotEnoughMemory (no untyped had room), seL4_RangeError (n > fan-out limit or
 * no slots left), or the kernel's error for a bad type/size. */
seL4_Error lark_alloc_objects(lark_alloc_t *a, seL4_Word type, seL4_Word size_bits, seL4_Word n,
                              seL4_CPtr *first);
seL4_Error lark_alloc_object(lark_alloc_t *a, seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap);

/* Maps frame at vaddr in vspace; when the kernel reports a missing page table (FailedLookup)
 * it retypes one, maps it and retries. The frame must be a 4 KiB, 2 MiB or 1 GiB page cap. */
seL4_Error lark_map_frame(lark_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                          seL4_CapRights_t rights, seL4_RISCV_VMAttributes attr);
