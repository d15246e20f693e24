/* pong: the server half of the ping/pong demonstration. PING echoes value + 1 with the
 * caller's badge; SUM adds up bytes ping left in the shared page, then signals pong_done.
 * A second thread, helper, answers every kick from ping with pong_done too. */
#include "lark_glue.h"
#include "lark_thread.h"
#include <lark/print.h>

static seL4_Word pong_ping_op(seL4_Word badge, const struct pingpong_ping_request *req,
                              struct pingpong_ping_reply *rep)
{
    rep->value = req->value + 1;
    rep->badge = badge;
    return PINGPONG_OK;
}

static seL4_Word pong_sum_op(seL4_Word badge, const struct pingpong_sum_request *req,
                             struct pingpong_sum_reply *rep)
{
    (void)badge;
    if (req->length > LARK_SIZE_PINGPONG_BUF) {
        return PINGPONG_BAD_LENGTH;
    }
    const volatile uint8_t *buf = pingpong_buf_region();
    uint64_t sum = 0;
    for (uint64_t i = 0; i < req->length; i++) {
        sum += buf[i];
    }
    rep->sum = sum;
    pong_done_signal();
    return PINGPONG_OK;
}

static const struct pong_ops ops = {.ping = pong_ping_op, .sum = pong_sum_op};

void helper_main(seL4_Word index)
{
    /* The IPC buffer pointer is a thread-local: right only if the entry built this thread's TLS. */
    int ipc_ok = seL4_GetIPCBuffer() == (seL4_IPCBuffer *)(uintptr_t)LARK_IPC_BUFFER_HELPER;
    lark_printf("pong.helper: thread %lu started, IPC buffer %s\n", (unsigned long)index, ipc_ok ? "ok" : "WRONG");
    for (;;) {
        kick_wait();
        pong_done_signal();
    }
}
LARK_THREAD_ENTRY(pong_helper_entry, helper_main);

int main(void)
{
    lark_printf("pong: serving\n");
    pong_serve(&ops);
}
