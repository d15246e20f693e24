/* A byte ring of RING_BYTES (a power of two); head and tail count bytes ever put and taken. */
#pragma once

#include <stdint.h>

#define RING_BYTES 512u

struct ring {
    uint8_t bytes[RING_BYTES];
    uint32_t head, tail;
};

static inline uint32_t ring_used(const struct ring *r)
{
    return r->head - r->tail;
}

static inline int ring_put(struct ring *r, uint8_t b)
{
    if (ring_used(r) == RING_BYTES) {
        return 0;
    }
    r->bytes[r->head++ % RING_BYTES] = b;
    return 1;
}

static inline int ring_get(struct ring *r, uint8_t *b)
{
    if (ring_used(r) == 0) {
        return 0;
    }
    *b = r->bytes[r->tail++ % RING_BYTES];
    return 1;
}
