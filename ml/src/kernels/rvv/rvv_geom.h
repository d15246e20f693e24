/* Valid tap range of one output coordinate: the kernel taps k in [k0, k1) whose input
 * coordinate start + k*dil lies inside [0, size). Taps outside are TFLM's zero padding and
 * are simply left out of the sum. */
#ifndef ML_RVV_GEOM_H
#define ML_RVV_GEOM_H

#include <stdint.h>

static inline void rvv_tap_range(int32_t start, int32_t k, int32_t dil, int32_t size,
                                 int32_t *k0, int32_t *k1)
{
    int32_t lo = 0, hi = k;
    if (start < 0)
        lo = (-start + dil - 1) / dil;
    /* start + (hi-1)*dil <= size-1  <=>  hi <= (size-1-start)/dil + 1 */
    if (start + (int64_t)(k - 1) * dil > size - 1)
        hi = size - 1 - start < 0 ? 0 : (size - 1 - start) / dil + 1;
    if (hi < lo)
        hi = lo;
    *k0 = lo;
    *k1 = hi;
}

#endif
