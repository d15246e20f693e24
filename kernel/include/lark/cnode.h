/* CNode invocations and cap deletion (K1: src/object/cnode.c, src/kernel/delete.c). */
#ifndef LARK_CNODE_H
#define LARK_CNODE_H
#include "cte.h"
#include "errors.h"

/* Delete the cap in `slot`; if it is the last cap to its object, finalise the object
 * (preemptibly for CNodes and TCBs: EXCEPTION_PREEMPTED means "restart the syscall").
 * `exposed` as in seL4: false when deleting as part of revoke/zombie clean-up. */
exception_t cte_delete(struct cte *slot, bool exposed);
/* Delete every descendant of `slot` in the MDB (preemptible). */
exception_t cte_revoke(struct cte *slot);
/* Empty a slot without finalising (the object is still referenced elsewhere). */
void cte_delete_one(struct cte *slot);

struct invocation;
exception_t decode_cnode_invocation(struct invocation *inv);

#endif
