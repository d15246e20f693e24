/* Arena planning from tensor lifetimes (ml.md 2.12): buffers whose [first, last] operator
 * ranges overlap must not share bytes. Several greedy orders are tried and the smallest plan
 * is kept (greedy-by-size alone is TFLM's planner). */
#ifndef ML_PLAN_H
#define ML_PLAN_H
#include <stdint.h>

/* size[i] == 0: not planned. order is work space (n entries). Writes off[], returns bytes. */
uint32_t ml_plan(uint32_t n, const uint32_t *size, const int16_t *first, const int16_t *last,
                 uint16_t *order, uint32_t *off);

#endif
