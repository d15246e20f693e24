/* lark-interface echo, for the composer's tests: scalars, an array, a method with no structs. */
#ifndef ECHO_H
#define ECHO_H
#include <stdint.h>

enum echo_label {
    ECHO_SAY = 1,
    ECHO_BLOCK = 2,
    ECHO_RESET = 3,
};

enum echo_error {
    ECHO_OK = 0,
    ECHO_TOO_LONG = 1,
};

struct echo_say_request {
    uint64_t value;
    int64_t delta;
};
struct echo_say_reply {
    uint64_t value;
};
struct echo_block_request {
    uint64_t words[8];
    uint64_t count;
};
struct echo_block_reply {
    uint64_t sum;
    uint64_t words[8];
};

#endif
