/* pong: the server half of the ping/pong demonstration. PING echoes value + 1 with the
 * caller's badge; SUM adds up bytes ping left in the shared page, then signals pong_done. */
#include "lark_glue.h"
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

int main(void)
{
    lark_printf("pong: serving\n");
    pong_serve(&ops);
}
