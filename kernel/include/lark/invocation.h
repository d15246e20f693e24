/* What an invocation decoder gets (K1: src/kernel/invoke.c builds it in the syscall path).
 * Decoders read arguments with inv_arg()/inv_extra_cap(), check everything, and either
 * return an error (errors.h helpers) or perform the operation and put results with
 * inv_set_result(). The syscall layer writes the reply (label = error, MRs) for a Call. */
#ifndef LARK_INVOCATION_H
#define LARK_INVOCATION_H
#include "tcb.h"

struct invocation {
    struct tcb *thread;       /* the invoker */
    word_t label, length;     /* from the message info */
    cap_t cap;                /* the invoked cap ... */
    struct cte *slot;         /* ... and its slot */
    word_t *ipcbuf;           /* kernel ptr to the invoker's IPC buffer, or NULL */
    unsigned extra_count;     /* extra caps found (stops at the first failed lookup) */
    struct cte *extra[MSG_MAX_EXTRA_CAPS];
    bool is_call;             /* reply expected */
    word_t result_len;        /* MRs put by inv_set_result */
};

/* Message register i of the invocation (0 if i >= length: callers check length first).
 * Inline: every decoder reads its arguments through these, most of them in registers. */
static inline word_t inv_arg(const struct invocation *inv, unsigned i)
{
    if (i >= inv->length)
        return 0;
    if (i < MSG_REGISTERS_IN_CPU)
        return inv->thread->ctx.regs[MR_REG(i)];
    return inv->ipcbuf ? inv->ipcbuf[IPCBUF_MSG + i] : 0;
}
/* Extra cap i (slot), or NULL if absent. */
static inline struct cte *inv_extra_cap(const struct invocation *inv, unsigned i)
{
    return i < inv->extra_count ? inv->extra[i] : NULL;
}
/* Result MR i of a successful invocation (sets result_len to at least i + 1). */
void inv_set_result(struct invocation *inv, unsigned i, word_t v);

exception_t decode_invocation(struct invocation *inv);

#endif
