/* RVV 1.0 inner kernels (assembly, rvv_*.S) and the C drivers that feed them from ml_op
 * records. Each call computes every output channel of ONE output pixel: bias, the MACs over
 * the taps described below, then TFLM's double-rounding requantization, clamp and int8
 * store, all in vector registers. Border handling is the caller's job: it passes only the
 * taps that fall inside the image, which is exactly TFLM's zero-point padding.
 *
 * Requirements (checked by the C drivers, which fall back to the scalar C kernels
 * otherwise): per-channel left shifts < 32, strides in bytes, x_jstride > 0. */
#ifndef ML_RVV_KERNELS_H
#define ML_RVV_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Fields shared by both kernels; the assembly relies on this exact layout (8-byte slots). */
#define LARK_RVV_COMMON                                                                      \
    int8_t *out;             /* n_out int8 outputs, contiguous */                          \
    const int8_t *x;         /* first input value of the first run / tap */                \
    const int8_t *w;         /* weight of output 0 at that tap */                          \
    const uint8_t *bias;     /* n_out int32 little-endian, any alignment; NULL = 0 */      \
    const int32_t *mult;     /* requantization multiplier(s) */                             \
    const int8_t *shift;     /* and shift(s): per output if q_stride = 1, shared if 0 */    \
    int64_t q_stride;                                                                      \
    int64_t n_out;                                                                         \
    int64_t zp_in, zp_out, act_min, act_max;

/* Scalar input value broadcast over a vector of output channels:
 *   acc[o] = bias[o] + sum over runs r, j < run_len of
 *            (x[r*x_rstride + j*x_jstride] - zp_in) * w[o*w_ostride + r*w_rstride + j*w_jstride]
 * CONV_2D (one run per kernel row, the valid kx * in_c values contiguous), FULLY_CONNECTED
 * (one run of depth) and DEPTHWISE_CONV_2D on a 1-channel input with depth multiplier. */
typedef struct {
    LARK_RVV_COMMON
    int64_t w_ostride, run_len, x_jstride, w_jstride, n_runs, x_rstride, w_rstride;
} lark_rvv_bcast;

/* Channel-wise (DEPTHWISE_CONV_2D, multiplier 1):
 *   acc[c] = bias[c] + sum over rows r, cols k of
 *            (x[r*x_rstride + k*x_cstride + c] - zp_in) * w[r*w_rstride + k*w_cstride + c] */
typedef struct {
    LARK_RVV_COMMON
    int64_t n_cols, n_rows, x_cstride, w_cstride, x_rstride, w_rstride;
} lark_rvv_chan;

/* The assembly reads the structs at these byte offsets. */
_Static_assert(offsetof(lark_rvv_bcast, zp_in) == 64 && offsetof(lark_rvv_bcast, act_max) == 88,
               "common layout");
_Static_assert(offsetof(lark_rvv_bcast, w_ostride) == 96 && offsetof(lark_rvv_bcast, w_rstride) == 144,
               "bcast layout");
_Static_assert(offsetof(lark_rvv_chan, n_cols) == 96 && offsetof(lark_rvv_chan, w_rstride) == 136,
               "chan layout");

/* Nonzero if every shift of the op is a left shift the vector path can do (< 32). */
static inline int lark_rvv_shifts_ok(const int8_t *shift, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (shift[i] > 31)
            return 0;
    return 1;
}

void lark_rvv_bcast_pixel(const lark_rvv_bcast *p);
void lark_rvv_chan_pixel(const lark_rvv_chan *p);

#endif
