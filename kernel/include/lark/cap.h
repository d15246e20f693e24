/* The capability: two words. Pure: used by host unit tests.
 *
 *   w0 [4:0]   type tag (the seL4 riscv64 numbering, so DebugCapIdentify answers like seL4)
 *   w0 [19:5]  small per-type fields (see the accessors below)
 *   w0 [63:20] object paddr >> 4 (every object is at least 16-byte aligned; paddr < 2^48)
 *   w1         a 64-bit per-type field: badge, guard, watermark, mapping, irq number
 */
#ifndef LARK_CAP_H
#define LARK_CAP_H
#include "abi.h"

enum cap_type {
    CAP_NULL = 0, CAP_UNTYPED = 2, CAP_ENDPOINT = 4, CAP_NOTIFICATION = 6, CAP_REPLY = 8,
    CAP_CNODE = 10, CAP_THREAD = 12, CAP_IRQ_CONTROL = 14, CAP_IRQ_HANDLER = 16,
    CAP_ZOMBIE = 18, CAP_DOMAIN = 20, CAP_SCHED_CONTEXT = 22, CAP_SCHED_CONTROL = 24,
    CAP_FRAME = 1, CAP_PAGE_TABLE = 3, CAP_ASID_CONTROL = 11, CAP_ASID_POOL = 13,
};

typedef struct cap {
    word_t w0, w1;
} cap_t;

/* VM rights of frame caps (seL4 riscv numbering) */
enum vm_rights { VM_KERNEL_ONLY = 1, VM_READ_ONLY = 2, VM_READ_WRITE = 3 };
/* Frame sizes */
enum frame_size { FRAME_4K = 0, FRAME_2M = 1, FRAME_1G = 2 };

static inline cap_t cap_null(void) { return (cap_t){0, 0}; }
static inline word_t cap_type(cap_t c) { return c.w0 & 0x1f; }
static inline bool cap_is_null(cap_t c) { return cap_type(c) == CAP_NULL; }
static inline paddr_t cap_ptr(cap_t c) { return (c.w0 >> 20) << 4; }
static inline void *cap_kptr(cap_t c) { return paddr_to_kptr(cap_ptr(c)); }
static inline word_t cap_field(cap_t c, unsigned shift, unsigned bits)
{
    return (c.w0 >> (5 + shift)) & MASK(bits);
}
static inline cap_t cap_with_field(cap_t c, unsigned shift, unsigned bits, word_t v)
{
    c.w0 &= ~(MASK(bits) << (5 + shift));
    c.w0 |= (v & MASK(bits)) << (5 + shift);
    return c;
}
static inline cap_t cap_make(word_t type, paddr_t ptr, word_t w1)
{
    return (cap_t){(type & 0x1f) | ((ptr >> 4) << 20), w1};
}

/* Untyped: size_bits [5:0], is_device [6]; w1 = watermark (free index, bytes used). */
static inline cap_t cap_untyped(paddr_t p, unsigned size_bits, bool dev, word_t free_index)
{
    cap_t c = cap_make(CAP_UNTYPED, p, free_index);
    c = cap_with_field(c, 0, 6, size_bits);
    return cap_with_field(c, 6, 1, dev);
}
static inline unsigned cap_untyped_size_bits(cap_t c) { return cap_field(c, 0, 6); }
static inline bool cap_untyped_is_device(cap_t c) { return cap_field(c, 6, 1); }
static inline word_t cap_untyped_free_index(cap_t c) { return c.w1; }

/* Endpoint: rights [3:0] (seL4_CapRights bits: Write=send, Read=receive, Grant, GrantReply);
 * Notification: rights [1:0] (Write=send, Read=receive). w1 = badge. */
static inline cap_t cap_endpoint(paddr_t p, word_t badge, word_t rights)
{
    return cap_with_field(cap_make(CAP_ENDPOINT, p, badge), 0, 4, rights);
}
static inline cap_t cap_notification(paddr_t p, word_t badge, word_t rights)
{
    return cap_with_field(cap_make(CAP_NOTIFICATION, p, badge), 0, 4,
                          rights & (RIGHT_READ | RIGHT_WRITE));
}
static inline word_t cap_rights(cap_t c) { return cap_field(c, 0, 4); }
static inline word_t cap_badge(cap_t c) { return c.w1; }

/* Reply: can_grant [0]. */
static inline cap_t cap_reply(paddr_t p, bool can_grant)
{
    return cap_with_field(cap_make(CAP_REPLY, p, 0), 0, 1, can_grant);
}
static inline bool cap_reply_can_grant(cap_t c) { return cap_field(c, 0, 1); }

/* CNode: radix [5:0], guard_size [11:6]; w1 = guard. */
static inline cap_t cap_cnode(paddr_t p, unsigned radix, unsigned guard_size, word_t guard)
{
    cap_t c = cap_make(CAP_CNODE, p, guard);
    c = cap_with_field(c, 0, 6, radix);
    return cap_with_field(c, 6, 6, guard_size);
}
static inline unsigned cap_cnode_radix(cap_t c) { return cap_field(c, 0, 6); }
static inline unsigned cap_cnode_guard_size(cap_t c) { return cap_field(c, 6, 6); }
static inline word_t cap_cnode_guard(cap_t c) { return c.w1; }

/* Thread, SchedContext (size_bits [5:0]), Domain, IRQControl, ASIDControl, SchedControl
 * (w1 = core) carry no other fields. */
static inline cap_t cap_thread(paddr_t p) { return cap_make(CAP_THREAD, p, 0); }
static inline cap_t cap_sched_context(paddr_t p, unsigned size_bits)
{
    return cap_with_field(cap_make(CAP_SCHED_CONTEXT, p, 0), 0, 6, size_bits);
}
static inline unsigned cap_sched_context_size_bits(cap_t c) { return cap_field(c, 0, 6); }
static inline cap_t cap_simple(word_t type) { return cap_make(type, 0, 0); }

/* IRQHandler: w1 = irq number. */
static inline cap_t cap_irq_handler(word_t irq) { return cap_make(CAP_IRQ_HANDLER, 0, irq); }
static inline word_t cap_irq(cap_t c) { return c.w1; }

/* Zombie (a CNode or TCB being deleted preemptibly): is_tcb [0], radix [6:1] of the
 * CNode (TCBs: number of TCB slots); w1 = number of slots still to clear. */
static inline cap_t cap_zombie(paddr_t p, bool is_tcb, unsigned radix, word_t remaining)
{
    cap_t c = cap_make(CAP_ZOMBIE, p, remaining);
    c = cap_with_field(c, 0, 1, is_tcb);
    return cap_with_field(c, 1, 6, radix);
}
static inline bool cap_zombie_is_tcb(cap_t c) { return cap_field(c, 0, 1); }
static inline unsigned cap_zombie_radix(cap_t c) { return cap_field(c, 1, 6); }
static inline word_t cap_zombie_remaining(cap_t c) { return c.w1; }

/* Frame: size [1:0], vm_rights [3:2], is_device [4]; PageTable: nothing in w0.
 * Both: w1 = mapped ASID [63:48] | mapped vaddr [38:0]; ASID 0 means "not mapped"
 * (ASID 0 is never handed out). For a VSpace root the vaddr is 0. */
static inline cap_t cap_frame(paddr_t p, unsigned size, unsigned vm_rights, bool dev)
{
    cap_t c = cap_make(CAP_FRAME, p, 0);
    c = cap_with_field(c, 0, 2, size);
    c = cap_with_field(c, 2, 2, vm_rights);
    return cap_with_field(c, 4, 1, dev);
}
static inline unsigned cap_frame_size(cap_t c) { return cap_field(c, 0, 2); }
static inline unsigned cap_frame_vm_rights(cap_t c) { return cap_field(c, 2, 2); }
static inline bool cap_frame_is_device(cap_t c) { return cap_field(c, 4, 1); }
static inline unsigned frame_size_bits(unsigned size)
{
    return size == FRAME_4K ? PAGE_BITS : size == FRAME_2M ? MEGA_PAGE_BITS : GIGA_PAGE_BITS;
}
static inline cap_t cap_page_table(paddr_t p) { return cap_make(CAP_PAGE_TABLE, p, 0); }
static inline word_t cap_mapped_asid(cap_t c) { return c.w1 >> 48; }
static inline vaddr_t cap_mapped_vaddr(cap_t c) { return c.w1 & MASK(39); }
static inline bool cap_is_mapped(cap_t c) { return cap_mapped_asid(c) != 0; }
static inline cap_t cap_with_mapping(cap_t c, word_t asid, vaddr_t va)
{
    c.w1 = (asid << 48) | (va & MASK(39));
    return c;
}

/* ASIDPool: w1 = first ASID of the pool (pool index << 9). */
static inline cap_t cap_asid_pool(paddr_t p, word_t asid_base)
{
    return cap_make(CAP_ASID_POOL, p, asid_base);
}
static inline word_t cap_asid_base(cap_t c) { return c.w1; }

/* Size in bytes of the object a cap names (0 for caps without memory). */
word_t cap_object_size_bits(cap_t c);
/* True if both caps name the same object (seL4 sameObjectAs). */
bool cap_same_object(cap_t a, cap_t b);

#endif
