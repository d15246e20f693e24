#include "plan.h"

#define UNPLACED 0xffffffffu

enum { BY_SIZE, BY_FIRST, BY_LIFETIME, BY_AREA, STRATEGIES };

/* Sort key, larger first; ties broken by index so plans are deterministic. */
static uint64_t key(int strategy, uint32_t i, const uint32_t *size, const int16_t *first,
                    const int16_t *last)
{
    uint64_t len = (uint64_t)(last[i] - first[i] + 1);
    switch (strategy) {
    case BY_FIRST: return ((uint64_t)(0x7fff - first[i]) << 32) | size[i];
    case BY_LIFETIME: return (len << 32) | size[i];
    case BY_AREA: return len * size[i];
    default: return ((uint64_t)size[i] << 16) | len;
    }
}

static uint32_t place_all(int strategy, uint32_t n, const uint32_t *size, const int16_t *first,
                          const int16_t *last, uint16_t *order, uint32_t *off)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        off[i] = UNPLACED;
        if (size[i]) order[m++] = (uint16_t)i;
    }
    /* insertion sort: n is at most a few hundred */
    for (uint32_t i = 1; i < m; i++) {
        uint16_t v = order[i];
        uint64_t kv = key(strategy, v, size, first, last);
        uint32_t j = i;
        while (j > 0 && key(strategy, order[j - 1], size, first, last) < kv) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    uint32_t total = 0;
    for (uint32_t k = 0; k < m; k++) {
        uint32_t i = order[k], at = 0;
        /* Lowest offset that clashes with no placed, time-overlapping buffer: every bump
         * skips only positions that clash with the buffer bumped over. */
        for (int moved = 1; moved;) {
            moved = 0;
            for (uint32_t q = 0; q < k; q++) {
                uint32_t j = order[q];
                if (last[j] < first[i] || last[i] < first[j]) continue;
                if (at < off[j] + size[j] && off[j] < at + size[i]) {
                    at = off[j] + size[j];
                    moved = 1;
                }
            }
        }
        off[i] = at;
        if (at + size[i] > total) total = at + size[i];
    }
    return total;
}

uint32_t ml_plan(uint32_t n, const uint32_t *size, const int16_t *first, const int16_t *last,
                 uint16_t *order, uint32_t *off)
{
    int best = 0;
    uint32_t best_total = UNPLACED;
    for (int s = 0; s < STRATEGIES; s++) {
        uint32_t t = place_all(s, n, size, first, last, order, off);
        if (t < best_total) { best_total = t; best = s; }
    }
    return place_all(best, n, size, first, last, order, off);
}
