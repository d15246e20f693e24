/* Untyped invocations: Retype (with reset when the untyped has no children), Describe. */
#include <lark/cspace.h>
#include <lark/invocation.h>
#include <lark/objects.h>
#include <lark/syscall.h>
#include <lark/untyped.h>

void *memset(void *d, int c, size_t n);

/* zero 4 KiB between preemption points: 64 KiB took ~26,000 instructions, well over the
 * kernel WCET (KERNEL_WCET_US) that MCS budgets assume */
#define RESET_CHUNK_BITS 12

/* The only objects whose memory needs more than zero: everything else starts all zero. */
static inline void object_init(word_t type, void *k, unsigned bits)
{
    if (type == OBJ_TCB)
        tcb_init(k);
    else if (type == OBJ_SCHED_CONTEXT)
        sched_context_init(k, bits);
}

/* Memory above an untyped's watermark is always zero (seL4's model): boot hands out RAM
 * untypeds marked full, so their first Retype resets them; a reset zeroes everything below
 * the watermark before it drops. So new objects are never zeroed here, only their non-zero
 * fields set: the cost of clearing stays in the preemptible reset. */
cap_t object_create(word_t type, paddr_t p, unsigned bits, bool device)
{
    object_init(type, paddr_to_kptr(p), bits);
    switch (type) {
    case OBJ_UNTYPED: return cap_untyped(p, bits, device, 0);
    case OBJ_TCB: return cap_thread(p);
    case OBJ_ENDPOINT: return cap_endpoint(p, 0, RIGHTS_ALL);
    case OBJ_NOTIFICATION: return cap_notification(p, 0, RIGHTS_ALL);
    case OBJ_CNODE: return cap_cnode(p, bits - SLOT_SIZE_BITS, 0, 0);
    case OBJ_SCHED_CONTEXT: return cap_sched_context(p, bits);
    case OBJ_REPLY: return cap_reply(p, true);
    case OBJ_GIGA_PAGE: return cap_frame(p, FRAME_1G, VM_READ_WRITE, device);
    case OBJ_MEGA_PAGE: return cap_frame(p, FRAME_2M, VM_READ_WRITE, device);
    case OBJ_4K_PAGE: return cap_frame(p, FRAME_4K, VM_READ_WRITE, device);
    case OBJ_PAGE_TABLE: return cap_page_table(p);
    default: return cap_null();
    }
}

/* The caps of one Retype differ only in their address. All of it runs without a preemption
 * point (as seL4's createNewObjects), so the loop is kept to the stores: a cap each (no call
 * for objects without init), then the run linked under the untyped in one go. */
void untyped_retype(struct cte *ut_slot, word_t type, unsigned bits, word_t count,
                    struct cte *dest)
{
    cap_t ut = ut_slot->cap;
    word_t start, new_free, avail;
    bool ok = untyped_fit(cap_untyped_size_bits(ut), cap_untyped_free_index(ut), bits, count,
                          &start, &new_free, &avail);
    (void)ok; /* callers checked the fit */
    ut_slot->cap.w1 = new_free;
    paddr_t p = cap_ptr(ut) + start;
    cap_t c = object_create(type, p, bits, cap_untyped_is_device(ut));
    const word_t cap_step = cap_make(0, BIT(bits), 0).w0; /* the next object's address */
    bool needs_init = type == OBJ_TCB || type == OBJ_SCHED_CONTEXT;
    dest[0].cap = c;
    for (word_t i = 1; i < count; i++) {
        c.w0 += cap_step;
        if (needs_init)
            object_init(type, paddr_to_kptr(p + (i << bits)), bits);
        dest[i].cap = c;
    }
    cte_insert_new_run(ut_slot, dest, count);
}

/* Clear an untyped with no children so Retype starts from 0 again. Zeroes from the top
 * down, lowering the watermark as it goes, so a preempted reset resumes where it stopped. */
static exception_t untyped_reset(struct cte *slot)
{
    cap_t ut = slot->cap;
    word_t fi = cap_untyped_free_index(ut);
    if (fi == 0)
        return EXCEPTION_NONE;
    /* device memory is not RAM: never written, and nothing to clear */
    if (cap_untyped_is_device(ut)) {
        slot->cap.w1 = 0;
        return EXCEPTION_NONE;
    }
    char *base = paddr_to_kptr(cap_ptr(ut));
    while (fi > 0) {
        word_t chunk_start = untyped_reset_chunk_start(fi, RESET_CHUNK_BITS);
        memset(base + chunk_start, 0, fi - chunk_start);
        fi = chunk_start;
        slot->cap.w1 = fi;
        if (fi > 0 && preemption_point())
            return EXCEPTION_PREEMPTED;
    }
    return EXCEPTION_NONE;
}

static exception_t decode_retype(struct invocation *inv)
{
    if (inv->length < 6 || !inv_extra_cap(inv, 0))
        return err_truncated_message();
    word_t type = inv_arg(inv, 0), user_bits = inv_arg(inv, 1);
    word_t node_index = inv_arg(inv, 2), node_depth = inv_arg(inv, 3);
    word_t node_offset = inv_arg(inv, 4), count = inv_arg(inv, 5);
    cap_t root = inv_extra_cap(inv, 0)->cap;

    if (type >= OBJ_TYPE_COUNT)
        return err_invalid_argument(0);
    int bits = object_size_bits(type, user_bits);
    if (user_bits >= WORD_BITS || bits < 0 || bits > UNTYPED_MAX_BITS)
        return err_range(0, UNTYPED_MAX_BITS);
    if (type == OBJ_CNODE && user_bits == 0)
        return err_invalid_argument(1);
    if (type == OBJ_UNTYPED && user_bits < UNTYPED_MIN_BITS)
        return err_invalid_argument(1);
    if (type == OBJ_SCHED_CONTEXT && user_bits < SCHED_CONTEXT_MIN_BITS)
        return err_invalid_argument(1);

    cap_t dest_cnode;
    if (node_depth == 0) {
        dest_cnode = root;
    } else {
        struct cte *s;
        exception_t e = cspace_lookup_for_op(false, root, node_index, node_depth, &s);
        if (e != EXCEPTION_NONE)
            return e;
        dest_cnode = s->cap;
    }
    if (cap_type(dest_cnode) != CAP_CNODE) {
        cur_lookup_fault = (struct lookup_fault){LOOKUP_MISSING_CAPABILITY, node_depth, 0, 0};
        return err_failed_lookup(false);
    }
    if (count < 1 || count > RETYPE_FAN_OUT_LIMIT)
        return err_range(1, RETYPE_FAN_OUT_LIMIT);
    word_t nslots = BIT(cap_cnode_radix(dest_cnode));
    if (node_offset > nslots - 1)
        return err_range(0, nslots - 1);
    if (count > nslots - node_offset)
        return err_range(1, nslots - node_offset);
    struct cte *dest = (struct cte *)cap_kptr(dest_cnode) + node_offset;
    for (word_t i = 0; i < count; i++)
        if (!cap_is_null(dest[i].cap))
            return err_delete_first();

    cap_t ut = inv->cap;
    bool reset = !cte_has_children(inv->slot);
    word_t free_index = reset ? 0 : cap_untyped_free_index(ut);
    word_t start, new_free, avail;
    if (!untyped_fit(cap_untyped_size_bits(ut), free_index, (unsigned)bits, count, &start,
                     &new_free, &avail))
        return err_not_enough_memory(avail);
    if (cap_untyped_is_device(ut) && type != OBJ_UNTYPED && type != OBJ_4K_PAGE &&
        type != OBJ_MEGA_PAGE && type != OBJ_GIGA_PAGE)
        return err_invalid_argument(1);

    if (reset) {
        exception_t e = untyped_reset(inv->slot);
        if (e != EXCEPTION_NONE)
            return e;
    }
    untyped_retype(inv->slot, type, (unsigned)bits, count, dest);
    return EXCEPTION_NONE;
}

exception_t decode_untyped_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case UNTYPED_RETYPE:
        return decode_retype(inv);
    case LARK_UNTYPED_DESCRIBE:
        inv_set_result(inv, 0, untyped_remaining(inv->cap, cte_has_children(inv->slot)));
        inv_set_result(inv, 1, cap_untyped_size_bits(inv->cap));
        return EXCEPTION_NONE;
    default:
        return err_illegal_operation();
    }
}
