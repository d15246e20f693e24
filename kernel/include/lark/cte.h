/* Capability table entries (slots, 32 bytes) and the derivation tree (MDB).
 * Pure: used by host unit tests.
 *
 * The MDB is a doubly linked list of all non-null slots in derivation order: a cap's
 * descendants follow it directly, each child deeper than its parent (cte_is_parent_of
 * decides). mdb_next holds the next pointer with two flag bits in its low bits (slots are
 * 32-byte aligned): bit0 revocable (the cap may have children that Revoke removes),
 * bit1 first_badged (an endpoint/notification badge minted here the first time). */
#ifndef LARK_CTE_H
#define LARK_CTE_H
#include "cap.h"
#include "errors.h"

struct cte {
    cap_t cap;
    uintptr_t mdb_prev; /* struct cte * or 0 */
    uintptr_t mdb_next; /* struct cte * | flags */
};
_Static_assert(sizeof(struct cte) == 32, "a slot is 32 bytes (abi.md section 3)");

#define MDB_REVOCABLE BIT(0)
#define MDB_FIRST_BADGED BIT(1)
#define MDB_FLAGS 3ULL

static inline struct cte *mdb_prev(const struct cte *s) { return (struct cte *)s->mdb_prev; }
static inline struct cte *mdb_next(const struct cte *s)
{
    return (struct cte *)(s->mdb_next & ~MDB_FLAGS);
}
static inline bool mdb_revocable(const struct cte *s) { return s->mdb_next & MDB_REVOCABLE; }
static inline bool mdb_first_badged(const struct cte *s)
{
    return s->mdb_next & MDB_FIRST_BADGED;
}
static inline void mdb_set_next(struct cte *s, struct cte *n)
{
    s->mdb_next = (uintptr_t)n | (s->mdb_next & MDB_FLAGS);
}
static inline void mdb_set_flags(struct cte *s, bool revocable, bool first_badged)
{
    s->mdb_next = (s->mdb_next & ~MDB_FLAGS) | (revocable ? MDB_REVOCABLE : 0) |
                  (first_badged ? MDB_FIRST_BADGED : 0);
}

/* --- derivation rules (src/kernel/derive.c) --- */
/* True if `child`, directly after `parent` in the MDB, is its descendant. */
bool cte_is_parent_of(const struct cte *parent, const struct cte *child);
/* True if the slot has no descendants in the MDB. */
bool cte_is_final_child_free(const struct cte *s);
bool cte_has_children(const struct cte *s);
/* The next descendant of s to delete in a revoke (its MDB successor if that is a child). */
struct cte *cte_first_child(const struct cte *s);

/* Insert new cap `c` into empty slot `dest` as a child of `src` (Copy/Mint/Retype). Sets
 * the revocable/first_badged flags by the seL4 rules. */
void cte_insert(cap_t c, struct cte *src, struct cte *dest);
/* Insert a cap for a new object directly after `parent` (Retype: children of the untyped;
 * boot: parent NULL makes an MDB root). Revocable and first_badged are set. */
void cte_insert_new(struct cte *parent, struct cte *dest, cap_t c);
/* dest[0..count-1] (count >= 1, caps already written) linked right after parent as count
 * cte_insert_new calls in index order would: parent -> dest[count-1] -> ... -> dest[0] ->
 * parent's old next. One loop of stores, for Retype's run of new objects. */
void cte_insert_new_run(struct cte *parent, struct cte *dest, word_t count);
/* Move the cap from src to the empty slot dest, keeping its MDB position; dest gets `c`. */
void cte_move(cap_t c, struct cte *src, struct cte *dest);
/* Swap the caps of two non-empty slots (Rotate with src == dest). */
void cte_swap(cap_t c1, struct cte *s1, cap_t c2, struct cte *s2);
/* Unlink an (emptied) slot from the MDB and null it. Does not finalise the object. */
void cte_remove(struct cte *s);
/* True if another slot in the MDB names the same object (deleting s is not the last ref). */
bool cte_is_final_cap(const struct cte *s);
/* Whether a cap derived from src_cap becomes a revocable parent (badging, IRQ handlers). */
bool cap_derivation_revocable(cap_t new_cap, cap_t src_cap);
/* seL4 sameRegionAs / sameObjectAs. */
bool cap_same_region(cap_t a, cap_t b);

/* Derive a cap for Copy/Mint (seL4 deriveCap): IRQControl and Zombie give a null cap, an
 * untyped with children RevokeFirst, an unmapped page table IllegalOperation; frame copies
 * start unmapped. */
exception_t cap_derive(struct cte *src_slot, cap_t c, cap_t *out);
/* Rights/badge update for Mint/Mutate: may return a null cap (e.g. re-badging a badged cap). */
cap_t cap_update_data(bool preserve, word_t data, cap_t c);
cap_t cap_mask_rights(word_t rights, cap_t c);

/* The usual CSpace: one CNode whose guard and radix take all 64 bits (the guard is then at
 * least 1 bit, as the radix field is 6 bits wide), so a depth-64 lookup is a compare and an
 * index. cspace_lookup_slot and the fastpath both take this case first. */
static inline __attribute__((always_inline)) bool cnode_is_flat(cap_t root)
{
    return cap_type(root) == CAP_CNODE &&
           cap_cnode_radix(root) + cap_cnode_guard_size(root) == WORD_BITS;
}

/* In a root for which cnode_is_flat holds: whether cptr's top bits are the guard, and the
 * slot its low radix bits name (meaningful once the guard matched). Two steps, so that the
 * fastpath answers a mismatch with a null cap without first forming a NULL slot. */
static inline __attribute__((always_inline)) bool cnode_flat_guard_matches(cap_t root, cptr_t cptr)
{
    return (cptr >> cap_cnode_radix(root)) == cap_cnode_guard(root);
}
static inline __attribute__((always_inline)) struct cte *cnode_flat_slot(cap_t root, cptr_t cptr)
{
    unsigned gbits = cap_cnode_guard_size(root);
    return (struct cte *)cap_kptr(root) + ((cptr << gbits) >> gbits);
}

#endif
