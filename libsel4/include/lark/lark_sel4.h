/* LarkOS-only extensions of the seL4 ABI (numbers documented in kernel/README.md). Never
 * included by <sel4/sel4.h>: code that uses them does not run on a real seL4. */
#pragma once

#include <sel4/sel4.h>

/* Invocation label of Untyped_Describe on an untyped cap (the KataOS addition). */
#define LARK_LABEL_UNTYPED_DESCRIBE 0x4C00
/* Debug syscall: print every non-null slot of a CNode on the console. */
#define LARK_SYS_DEBUG_DUMP_CNODE (-64)

typedef struct lark_Untyped_Describe {
    int error;
    seL4_Word remainingBytes; /* MR0: bytes not yet retyped (above the watermark) */
    seL4_Word sizeBits;       /* MR1 */
} lark_Untyped_Describe_t;

static inline lark_Untyped_Describe_t lark_Untyped_Describe(seL4_Untyped _service)
{
    lark_Untyped_Describe_t result = {0, 0, 0};
    result.error = (int)lark_invoke_error(_service, LARK_LABEL_UNTYPED_DESCRIBE, 0, 0);
    if (result.error == seL4_NoError) {
        result.remainingBytes = seL4_GetMR(0);
        result.sizeBits = seL4_GetMR(1);
    }
    return result;
}

/* The CNode cptr is looked up in the caller's CSpace at depth 64. */
static inline void lark_DebugDumpCNode(seL4_CNode cnode)
{
    lark_syscall_regs_t r = {.a0 = cnode};
    lark_syscall(LARK_SYS_DEBUG_DUMP_CNODE, &r);
}

#include <lark/bootinfo_extra.h>
