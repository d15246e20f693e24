/* The kernel's self-check (src/kernel/invariants.c), behind the LarkOS debug syscall -65
 * LarkDebugCheckInvariants. Walks only what exists (no kernel heap): every slot reachable
 * from the caller's CSpace (CNodes and TCB slots, breadth first), the objects those caps
 * name, the threads found on the way, the ready queues, the bitmap and the release queue.
 * kernel/README.md lists what is checked. */
#ifndef LARK_INVARIANTS_H
#define LARK_INVARIANTS_H
#include "tcb.h"

/* The first violation found, or INV_OK. The value is what the syscall answers in a0. */
enum invariant_violation {
    INV_OK = 0,
    INV_MDB_LINK = 1,        /* prev/next pointers disagree */
    INV_MDB_EMPTY = 2,       /* a link to or from an empty slot */
    INV_MDB_ORDER = 3,       /* an untyped's children overlap, are out of order or above
                                its watermark */
    INV_MDB_CYCLE = 4,       /* an MDB list loops */
    INV_READY_QUEUE = 5,     /* a queued thread is not schedulable, or at another priority */
    INV_BITMAP = 6,          /* bitmap bit set iff its queue is non-empty */
    INV_CUR_QUEUED = 7,      /* the current thread sits in a queue */
    INV_RELEASE_QUEUE = 8,   /* unsorted, or a thread that cannot wait for a refill */
    INV_REFILL = 9,          /* refill count, indices, amounts or sum */
    INV_SC_LINK = 10,        /* SC <-> TCB / notification / reply back pointers */
    INV_EP_QUEUE = 11,       /* endpoint queue and its threads' states disagree */
    INV_NTFN_QUEUE = 12,     /* notification queue, state or binding */
    INV_TCB_BLOCKED = 13,    /* a blocked thread is not in its object's queue */
    INV_REPLY = 14,          /* reply object <-> caller / call stack */
    INV_DEAD_OBJECT = 15,    /* a thread waits on an object no reachable cap names */
    INV_TCB_SLOT = 16,       /* a TCB slot holds a cap of the wrong type */
};

/* Check everything reachable from `caller` (its CSpace) plus the global scheduler state.
 * Prints the first violation on the console. */
word_t check_kernel_invariants(struct tcb *caller);

#endif
