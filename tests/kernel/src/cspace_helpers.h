/* Helpers shared by the CSpace test images (test_cnode, test_syscall, test_cnode_stress):
 * raw invocations with any label, length and extra caps, and side-effect-free slot probes. */
#pragma once

#include "kt.h"

static inline seL4_CPtr ntfn(void)
{
    return kt_alloc(seL4_NotificationObject, 0);
}

/* ---- raw invocations: any label, length and extra caps, which the libsel4 wrappers never
 * send. MR0..MR3 travel in registers, the rest and the caps in the IPC buffer; the reply's
 * MR0..MR3 are put back in the IPC buffer so KT_MR sees them. */
typedef struct {
    seL4_MessageInfo_t info;
    seL4_Word badge; /* a0 after the call */
} raw_reply_t;

static inline raw_reply_t raw_call(seL4_CPtr cap, seL4_Word label, seL4_Word length, seL4_Word extra_caps,
                            const seL4_Word *mrs)
{
    lark_syscall_regs_t r = {.a0 = cap, .info = seL4_MessageInfo_new(label, 0, extra_caps, length).words[0]};
    for (seL4_Word i = 0; i < length; i++) {
        if (i < 4) {
            r.mr[i] = mrs[i];
        } else {
            seL4_SetMR((int)i, mrs[i]);
        }
    }
    lark_syscall(seL4_SysCall, &r);
    for (int i = 0; i < 4; i++) {
        seL4_SetMR(i, r.mr[i]);
    }
    raw_reply_t out = {{{r.info}}, r.a0};
    return out;
}

#define KT_RAW_ERR(reply, err) KT_ERR(seL4_MessageInfo_get_label((reply).info), err)

/* Occupancy of a slot in any CNode, without side effects: a Move onto itself answers
 * DeleteFirst when the slot holds a cap and FailedLookup (empty source) when it does not. */
static inline int slot_state(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    seL4_Error e = seL4_CNode_Move(cnode, index, depth, cnode, index, depth);
    return e == seL4_DeleteFirst ? 1 : e == seL4_FailedLookup ? 0 : -1;
}

#define BAD_CPTR ((1ul << 12) | 5) /* misses the root CNode's 52-bit zero guard */
#define KT_CAP_ZOMBIE 18           /* seL4 cap_zombie_cap */
