#include <lark/alloc.h>

void lark_alloc_init(lark_alloc_t *a, const seL4_BootInfo *bi)
{
    a->next_slot = bi->empty.start;
    a->end_slot = bi->empty.end;
    a->num_untyped = 0;
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    for (seL4_Word i = 0; i < n && i < seL4_MaxNumBootinfoUntypedCaps; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice) {
            continue;
        }
        a->untyped[a->num_untyped++] = (lark_untyped_t){
            .cap = bi->untyped.start + i,
            .paddr = d->paddr,
            .size_bits = d->sizeBits,
            .exhausted = 0,
        };
    }
}

seL4_CPtr lark_alloc_slots(lark_alloc_t *a, seL4_Word n)
{
    if (n == 0 || a->end_slot - a->next_slot < n) {
        return seL4_CapNull;
    }
    seL4_CPtr first = a->next_slot;
    a->next_slot += n;
    return first;
}

seL4_CPtr lark_alloc_slot(lark_alloc_t *a)
{
    return lark_alloc_slots(a, 1);
}

/* Bytes one object of this type occupies (0 for a type the kernel will reject anyway). */
static seL4_Word object_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject: return size_bits;
    case seL4_TCBObject: return seL4_TCBBits;
    case seL4_EndpointObject: return seL4_EndpointBits;
    case seL4_NotificationObject: return seL4_NotificationBits;
    case seL4_CapTableObject: return size_bits + seL4_SlotBits;
    case seL4_SchedContextObject: return size_bits;
    case seL4_ReplyObject: return seL4_ReplyBits;
    case seL4_RISCV_Giga_Page: return seL4_HugePageBits;
    case seL4_RISCV_4K_Page: return seL4_PageBits;
    case seL4_RISCV_Mega_Page: return seL4_LargePageBits;
    case seL4_RISCV_PageTableObject: return seL4_PageTableBits;
    default: return 0;
    }
}

seL4_Error lark_alloc_objects(lark_alloc_t *a, seL4_Word type, seL4_Word size_bits, seL4_Word n,
                              seL4_CPtr *first)
{
    if (n == 0 || n > seL4_UntypedRetypeMaxObjects) {
        return seL4_RangeError;
    }
    seL4_CPtr slot = lark_alloc_slots(a, n);
    if (slot == seL4_CapNull) {
        return seL4_RangeError;
    }
    seL4_Word bits = object_bits(type, size_bits);
    seL4_Error err = seL4_NotEnoughMemory;
    for (seL4_Word i = 0; i < a->num_untyped; i++) {
        lark_untyped_t *u = &a->untyped[i];
        if (u->exhausted || u->size_bits < bits) {
            continue;
        }
        err = seL4_Untyped_Retype(u->cap, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, n);
        if (err == seL4_NoError) {
            *first = slot;
            return seL4_NoError;
        }
        if (err != seL4_NotEnoughMemory) {
            break;  /* bad arguments: no other untyped would do better */
        }
        if (bits <= seL4_MinUntypedBits + 1 && n == 1) {
            u->exhausted = 1;
        }
    }
    /* Give the slots back when they are still the last ones handed out. */
    if (a->next_slot == slot + n) {
        a->next_slot = slot;
    }
    return err;
}

seL4_Error lark_alloc_object(lark_alloc_t *a, seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap)
{
    return lark_alloc_objects(a, type, size_bits, 1, cap);
}

seL4_Error lark_map_frame(lark_alloc_t *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                          seL4_CapRights_t rights, seL4_RISCV_VMAttributes attr)
{
    /* Sv39 has three levels: the root exists, so at most two tables can be missing. */
    for (int attempt = 0; attempt < 3; attempt++) {
        seL4_Error err = seL4_RISCV_Page_Map(frame, vspace, vaddr, rights, attr);
        if (err != seL4_FailedLookup) {
            return err;
        }
        seL4_CPtr pt;
        err = lark_alloc_object(a, seL4_RISCV_PageTableObject, 0, &pt);
        if (err != seL4_NoError) {
            return err;
        }
        err = seL4_RISCV_PageTable_Map(pt, vspace, vaddr, seL4_RISCV_Default_VMAttributes);
        if (err != seL4_NoError) {
            return err;
        }
    }
    return seL4_FailedLookup;
}
