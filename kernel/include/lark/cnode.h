/* CNode invocations and cap deletion (K1: src/object/cnode.c, src/kernel/delete.c). */
#ifndef LARK_CNODE_H
#define LARK_CNODE_H
#include "cte.h"
#include "errors.h"

/* Delete the cap in `slot`; if it is the last cap to its object, finalise the object.
 * The last cap to a CNode or TCB becomes a Zombie in place whose slots are emptied from the
 * end, deepest zombie first, with a preemption point after each step:
 * EXCEPTION_PREEMPTED means "restart the syscall", which finds the zombie and continues. */
exception_t cte_delete(struct cte *slot);
/* A zombie left by a preempted delete was moved to another slot (cnode.c). */
void cte_zombie_moved(void);
/* Delete every descendant of `slot` in the MDB (preemptible). */
exception_t cte_revoke(struct cte *slot);
/* Delete a cap that is not the last cap of a CNode/TCB (finalises other objects). */
void cte_delete_one(struct cte *slot);
/* Object tear-down when the last cap goes (K1: dispatches to the object modules). */
void cap_finalise(cap_t c, bool final);

struct invocation;
exception_t decode_cnode_invocation(struct invocation *inv);

#endif
