/* The derivation tree (MDB) and the cap derivation rules. Pure C (host unit tests). */
#include <lark/cte.h>

word_t cap_object_size_bits(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED: return cap_untyped_size_bits(c);
    case CAP_ENDPOINT: return ENDPOINT_SIZE_BITS;
    case CAP_NOTIFICATION: return NOTIFICATION_SIZE_BITS;
    case CAP_REPLY: return REPLY_SIZE_BITS;
    case CAP_CNODE: return cap_cnode_radix(c) + SLOT_SIZE_BITS;
    case CAP_THREAD: return TCB_SIZE_BITS;
    case CAP_SCHED_CONTEXT: return cap_sched_context_size_bits(c);
    case CAP_FRAME: return frame_size_bits(cap_frame_size(c));
    case CAP_PAGE_TABLE: return PAGE_TABLE_BITS;
    case CAP_ASID_POOL: return ASID_POOL_BITS;
    case CAP_ZOMBIE:
        return cap_zombie_is_tcb(c) ? TCB_SIZE_BITS : cap_zombie_radix(c) + SLOT_SIZE_BITS;
    default: return 0;
    }
}

static bool has_memory(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED: case CAP_ENDPOINT: case CAP_NOTIFICATION: case CAP_REPLY:
    case CAP_CNODE: case CAP_THREAD: case CAP_SCHED_CONTEXT: case CAP_FRAME:
    case CAP_PAGE_TABLE: case CAP_ASID_POOL: case CAP_ZOMBIE:
        return true;
    default:
        return false;
    }
}

/* [base, last] inclusive, so a region ending at 2^64 does not overflow. */
static bool region_contains(cap_t outer, cap_t inner)
{
    paddr_t ob = cap_ptr(outer), ol = ob + MASK(cap_object_size_bits(outer));
    paddr_t ib = cap_ptr(inner), il = ib + MASK(cap_object_size_bits(inner));
    return ob <= ib && il <= ol && ib <= il;
}

bool cap_same_region(cap_t a, cap_t b)
{
    switch (cap_type(a)) {
    case CAP_UNTYPED:
        /* A zombie (a CNode or TCB half deleted by a preempted Delete) still occupies its
         * memory: it stays the untyped's child, or a Revoke would stop at it and a Retype
         * would reuse memory that is still in use (seL4: zombies are physical caps). */
        return has_memory(b) && region_contains(a, b);
    case CAP_FRAME:
        return cap_type(b) == CAP_FRAME && region_contains(a, b);
    case CAP_ENDPOINT: case CAP_NOTIFICATION: case CAP_REPLY: case CAP_THREAD:
    case CAP_SCHED_CONTEXT: case CAP_PAGE_TABLE: case CAP_ASID_POOL:
        return cap_type(b) == cap_type(a) && cap_ptr(a) == cap_ptr(b);
    case CAP_CNODE:
        return cap_type(b) == CAP_CNODE && cap_ptr(a) == cap_ptr(b) &&
               cap_cnode_radix(a) == cap_cnode_radix(b);
    case CAP_IRQ_CONTROL:
        return cap_type(b) == CAP_IRQ_CONTROL || cap_type(b) == CAP_IRQ_HANDLER;
    case CAP_IRQ_HANDLER:
        return cap_type(b) == CAP_IRQ_HANDLER && cap_irq(a) == cap_irq(b);
    case CAP_DOMAIN: case CAP_SCHED_CONTROL: case CAP_ASID_CONTROL:
        return cap_type(b) == cap_type(a);
    default:
        return false;
    }
}

bool cap_same_object(cap_t a, cap_t b)
{
    if (cap_type(a) == CAP_UNTYPED)
        return false;
    if (cap_type(a) == CAP_IRQ_CONTROL && cap_type(b) == CAP_IRQ_HANDLER)
        return false;
    if (cap_type(a) == CAP_FRAME && cap_type(b) == CAP_FRAME)
        return cap_ptr(a) == cap_ptr(b) && cap_frame_size(a) == cap_frame_size(b) &&
               cap_frame_is_device(a) == cap_frame_is_device(b);
    return cap_same_region(a, b);
}

bool cte_is_parent_of(const struct cte *parent, const struct cte *child)
{
    if (!mdb_revocable(parent) || !cap_same_region(parent->cap, child->cap))
        return false;
    switch (cap_type(parent->cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION: {
        /* An unbadged cap is the parent of all its copies and badgings; a badged one only
         * of copies with its badge made after it (the next first_badged starts a new tree) */
        word_t badge = cap_badge(parent->cap);
        if (badge == 0)
            return true;
        return badge == cap_badge(child->cap) && !mdb_first_badged(child);
    }
    default:
        return true;
    }
}

struct cte *cte_first_child(const struct cte *s)
{
    struct cte *n = mdb_next(s);
    return n && cte_is_parent_of(s, n) ? n : NULL;
}

bool cte_has_children(const struct cte *s) { return cte_first_child(s) != NULL; }

bool cte_is_final_child_free(const struct cte *s) { return !cte_has_children(s); }

bool cap_derivation_revocable(cap_t new_cap, cap_t src_cap)
{
    switch (cap_type(new_cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_badge(new_cap) != cap_badge(src_cap);
    case CAP_IRQ_HANDLER:
        return cap_type(src_cap) == CAP_IRQ_CONTROL;
    case CAP_UNTYPED:
        return true;
    default:
        return false;
    }
}

/* A copy of an untyped cap covering the same memory takes over its whole free region: the
 * source is marked full, so the two caps can never hand out the same bytes (a copy is only
 * made while the source has no children, see cap_derive). seL4 does the same
 * (setUntypedCapAsFull); the source becomes usable again once its children are gone and a
 * Retype resets it. */
static void untyped_mark_source_full(struct cte *src, cap_t c)
{
    cap_t s = src->cap;
    if (cap_type(s) != CAP_UNTYPED || cap_type(c) != CAP_UNTYPED || cap_ptr(s) != cap_ptr(c) ||
        cap_untyped_size_bits(s) != cap_untyped_size_bits(c))
        return;
    src->cap = cap_untyped(cap_ptr(s), cap_untyped_size_bits(s), cap_untyped_is_device(s),
                           (word_t)1 << cap_untyped_size_bits(s));
}

void cte_insert(cap_t c, struct cte *src, struct cte *dest)
{
    bool revocable = cap_derivation_revocable(c, src->cap);
    untyped_mark_source_full(src, c);
    struct cte *next = mdb_next(src);
    dest->cap = c;
    dest->mdb_prev = (uintptr_t)src;
    dest->mdb_next = (uintptr_t)next;
    mdb_set_flags(dest, revocable, revocable);
    mdb_set_next(src, dest);
    if (next)
        next->mdb_prev = (uintptr_t)dest;
}

void cte_insert_new(struct cte *parent, struct cte *dest, cap_t c)
{
    struct cte *next = parent ? mdb_next(parent) : NULL;
    dest->cap = c;
    dest->mdb_prev = (uintptr_t)parent;
    dest->mdb_next = (uintptr_t)next;
    mdb_set_flags(dest, true, true);
    if (parent)
        mdb_set_next(parent, dest);
    if (next)
        next->mdb_prev = (uintptr_t)dest;
}

void cte_insert_new_run(struct cte *parent, struct cte *dest, word_t count)
{
    struct cte *old_next = mdb_next(parent), *next = old_next;
    for (word_t i = 0; i < count; i++) {
        dest[i].mdb_prev = (uintptr_t)(i + 1 < count ? &dest[i + 1] : parent);
        dest[i].mdb_next = (uintptr_t)next | MDB_REVOCABLE | MDB_FIRST_BADGED;
        next = &dest[i];
    }
    if (old_next)
        old_next->mdb_prev = (uintptr_t)&dest[0];
    mdb_set_next(parent, &dest[count - 1]);
}

void cte_move(cap_t c, struct cte *src, struct cte *dest)
{
    struct cte *prev = mdb_prev(src), *next = mdb_next(src);
    dest->cap = c;
    dest->mdb_prev = src->mdb_prev;
    dest->mdb_next = src->mdb_next;
    src->cap = cap_null();
    src->mdb_prev = 0;
    src->mdb_next = 0;
    if (prev)
        mdb_set_next(prev, dest);
    if (next)
        next->mdb_prev = (uintptr_t)dest;
}

void cte_swap(cap_t c1, struct cte *s1, cap_t c2, struct cte *s2)
{
    /* The order matters when s1 and s2 are MDB neighbours: the first relink writes into
     * s2's node before it is read, and the second pass repairs the result. */
    s1->cap = c2;
    s2->cap = c1;
    uintptr_t p1 = s1->mdb_prev, n1 = s1->mdb_next;
    if (p1)
        mdb_set_next((struct cte *)p1, s2);
    if (n1 & ~MDB_FLAGS)
        ((struct cte *)(n1 & ~MDB_FLAGS))->mdb_prev = (uintptr_t)s2;
    uintptr_t p2 = s2->mdb_prev, n2 = s2->mdb_next;
    s1->mdb_prev = p2;
    s1->mdb_next = n2;
    s2->mdb_prev = p1;
    s2->mdb_next = n1;
    if (p2)
        mdb_set_next((struct cte *)p2, s1);
    if (n2 & ~MDB_FLAGS)
        ((struct cte *)(n2 & ~MDB_FLAGS))->mdb_prev = (uintptr_t)s1;
}

void cte_remove(struct cte *s)
{
    struct cte *prev = mdb_prev(s), *next = mdb_next(s);
    if (prev)
        mdb_set_next(prev, next);
    if (next) {
        next->mdb_prev = (uintptr_t)prev;
        /* a badged copy that loses its first-badged parent becomes first-badged itself */
        if (mdb_first_badged(s))
            next->mdb_next |= MDB_FIRST_BADGED;
    }
    s->cap = cap_null();
    s->mdb_prev = 0;
    s->mdb_next = 0;
}

bool cte_is_final_cap(const struct cte *s)
{
    const struct cte *prev = mdb_prev(s), *next = mdb_next(s);
    if (prev && cap_same_object(prev->cap, s->cap))
        return false;
    if (next && cap_same_object(s->cap, next->cap))
        return false;
    return true;
}

exception_t cap_derive(struct cte *src_slot, cap_t c, cap_t *out)
{
    *out = cap_null();
    switch (cap_type(c)) {
    case CAP_ZOMBIE:
    case CAP_IRQ_CONTROL:
        return EXCEPTION_NONE;
    case CAP_UNTYPED:
        if (cte_has_children(src_slot))
            return err_revoke_first();
        break;
    case CAP_PAGE_TABLE:
        if (!cap_is_mapped(c))
            return err_illegal_operation();
        break;
    case CAP_FRAME:
        c = cap_with_mapping(c, 0, 0);
        break;
    default:
        break;
    }
    *out = c;
    return EXCEPTION_NONE;
}

cap_t cap_update_data(bool preserve, word_t data, cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        /* a badge is set once: re-badging (or Mutate's preserve) yields nothing */
        if (!preserve && cap_badge(c) == 0) {
            c.w1 = data;
            return c;
        }
        return cap_null();
    case CAP_CNODE: {
        word_t gsize = capdata_guard_size(data);
        if (gsize + cap_cnode_radix(c) > WORD_BITS)
            return cap_null();
        word_t guard = capdata_guard(data) & MASK(gsize);
        c = cap_with_field(c, 6, 6, gsize);
        c.w1 = guard;
        return c;
    }
    default:
        return c;
    }
}

static unsigned mask_vm_rights(unsigned vm, word_t rights)
{
    if (vm == VM_READ_ONLY && (rights & RIGHT_READ))
        return VM_READ_ONLY;
    if (vm == VM_READ_WRITE && (rights & RIGHT_READ))
        return (rights & RIGHT_WRITE) ? VM_READ_WRITE : VM_READ_ONLY;
    return VM_KERNEL_ONLY;
}

cap_t cap_mask_rights(word_t rights, cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_with_field(c, 0, 4, cap_rights(c) & rights);
    case CAP_REPLY:
        return cap_with_field(c, 0, 1, cap_reply_can_grant(c) && (rights & RIGHT_GRANT));
    case CAP_FRAME:
        return cap_with_field(c, 2, 2, mask_vm_rights(cap_frame_vm_rights(c), rights));
    default:
        return c;
    }
}
