/* Untyped arithmetic: object sizes, the watermark. Pure C (host unit tests). */
#include <lark/untyped.h>

int object_size_bits(word_t type, word_t user_bits)
{
    switch (type) {
    case OBJ_UNTYPED: return (int)user_bits;
    case OBJ_TCB: return TCB_SIZE_BITS;
    case OBJ_ENDPOINT: return ENDPOINT_SIZE_BITS;
    case OBJ_NOTIFICATION: return NOTIFICATION_SIZE_BITS;
    case OBJ_CNODE: return (int)(user_bits + SLOT_SIZE_BITS);
    case OBJ_SCHED_CONTEXT: return (int)user_bits;
    case OBJ_REPLY: return REPLY_SIZE_BITS;
    case OBJ_GIGA_PAGE: return GIGA_PAGE_BITS;
    case OBJ_4K_PAGE: return PAGE_BITS;
    case OBJ_MEGA_PAGE: return MEGA_PAGE_BITS;
    case OBJ_PAGE_TABLE: return PAGE_TABLE_BITS;
    default: return -1;
    }
}

bool untyped_fit(unsigned ut_bits, word_t free_index, unsigned obj_bits, word_t count,
                 word_t *start_offset, word_t *new_free_index, word_t *available)
{
    word_t size = BIT(ut_bits);
    *available = free_index < size ? size - free_index : 0;
    if (obj_bits > ut_bits || count == 0)
        return false;
    word_t start = ROUND_UP(free_index, obj_bits);
    if (start > size || ((size - start) >> obj_bits) < count)
        return false;
    *start_offset = start;
    *new_free_index = start + (count << obj_bits);
    return true;
}

word_t untyped_remaining(cap_t ut, bool has_children)
{
    word_t size = BIT(cap_untyped_size_bits(ut));
    return has_children ? size - cap_untyped_free_index(ut) : size;
}
