/* Untyped memory (K1: src/object/untyped.c). Pure arithmetic parts unit-tested on the host. */
#ifndef LARK_UNTYPED_H
#define LARK_UNTYPED_H
#include "cte.h"
#include "errors.h"

/* Size in bits of one object of `type` with the user-given size_bits, or -1 if the pair is
 * invalid (error filled: InvalidArgument / RangeError as Retype reports it). */
int object_size_bits(word_t type, word_t user_size_bits);
/* Watermark arithmetic for Retype: given the untyped's size, current free index and the
 * object size, where do `count` objects start and what is the new free index? Returns
 * false if they do not fit (then *available = bytes free after alignment). */
bool untyped_fit(unsigned ut_bits, word_t free_index, unsigned obj_bits, word_t count,
                 word_t *start_offset, word_t *new_free_index, word_t *available);
/* Bytes still free in an untyped cap (Untyped_Describe: 2^bits when it has no children). */
word_t untyped_remaining(cap_t ut, bool has_children);
/* The reset zeroes [start, free_index) next, one aligned chunk of 2^chunk_bits at most, top
 * down: the new watermark after that chunk (0 once the last chunk is done). */
static inline word_t untyped_reset_chunk_start(word_t free_index, unsigned chunk_bits)
{
    return free_index <= BIT(chunk_bits) ? 0 : ROUND_DOWN(free_index - 1, chunk_bits);
}

/* Create one object at paddr (memory zeroed unless device) and return its cap (K1:
 * src/object/retype.c; calls K2's tcb_init / sched_context_init). */
cap_t object_create(word_t type, paddr_t paddr, unsigned obj_bits, bool device);
/* Retype count objects from the untyped in ut_slot into dest slots (all empty); caps become
 * children of the untyped. Checks already done; advances the watermark. */
void untyped_retype(struct cte *ut_slot, word_t type, unsigned obj_bits, word_t count,
                    struct cte *dest_cnode_slots);

struct invocation;
exception_t decode_untyped_invocation(struct invocation *inv);

#endif
