/* CONV_2D on the RVV kernel: per output pixel one lark_rvv_bcast_pixel call whose runs are
 * the kernel rows, each covering the valid kx taps times all input channels (contiguous in
 * both input and filter when dilation_w is 1). Other shapes go to the scalar kernel. */
#include <stddef.h>

#include "../kernels.h"
#include "rvv_geom.h"
#include "rvv_kernels.h"

void ml_eval_conv_scalar(const ml_op *op, uint8_t *scratch);

void ml_eval_conv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    if (g->dil_w != 1 || !lark_rvv_shifts_ok(op->shift, op->n_mult)) {
        ml_eval_conv_scalar(op, scratch);
        return;
    }
    const int64_t I = g->in_c, O = g->out_c, K = (int64_t)g->k_h * g->k_w * I;
    lark_rvv_bcast p = {
        .bias = op->bias, .mult = op->mult, .shift = op->shift,
        .q_stride = op->n_mult > 1, .n_out = O, .zp_in = op->in_zp, .zp_out = op->out_zp,
        .act_min = op->act_min, .act_max = op->act_max,
        .w_ostride = K, .x_jstride = 1, .w_jstride = 1,
        .x_rstride = (int64_t)g->dil_h * g->in_w * I, .w_rstride = (int64_t)g->k_w * I,
    };
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * I;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            int32_t ky0, ky1;
            rvv_tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
            p.n_runs = ky1 - ky0;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += O) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                int32_t kx0, kx1;
                rvv_tap_range(ix0, g->k_w, 1, g->in_w, &kx0, &kx1);
                p.out = out;
                p.run_len = (kx1 - kx0) * I;
                p.x = img + ((int64_t)(iy0 + ky0 * g->dil_h) * g->in_w + ix0 + kx0) * I;
                p.w = op->w + ((int64_t)ky0 * g->k_w + kx0) * I;
                lark_rvv_bcast_pixel(&p);
            }
        }
    }
}
