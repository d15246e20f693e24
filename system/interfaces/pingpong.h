/* lark-interface pingpong: the RPC half of the ping/pong demonstration. The payload sits in the
 * shared region pingpong_buf; pong answers with a checksum so ping can verify what pong read. */
#ifndef LARK_IFACE_PINGPONG_H
#define LARK_IFACE_PINGPONG_H
#include <stdint.h>

enum pingpong_label {
    PINGPONG_PING = 1,  /* round trip: pong echoes `value` + 1 and the caller's badge */
    PINGPONG_SUM = 2,   /* pong sums the first `length` bytes of pingpong_buf, then signals pong_done */
};

enum pingpong_error {
    PINGPONG_OK = 0,
    PINGPONG_BAD_LENGTH = 1,
};

struct pingpong_ping_request {
    uint64_t value;
};
struct pingpong_ping_reply {
    uint64_t value;
    uint64_t badge;
};
struct pingpong_sum_request {
    uint64_t length;
};
struct pingpong_sum_reply {
    uint64_t sum;
};

#endif
