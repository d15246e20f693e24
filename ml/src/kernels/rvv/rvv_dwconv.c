/* DEPTHWISE_CONV_2D on the RVV kernels: multiplier 1 runs vector over channels
 * (lark_rvv_chan_pixel); a 1-channel input with any multiplier is a broadcast of one input
 * value over the output channels (lark_rvv_bcast_pixel, one run per kernel row). Other
 * multiplier/channel mixes go to the scalar kernel. */
#include <stddef.h>

#include "../kernels.h"
#include "rvv_geom.h"
#include "rvv_kernels.h"

void ml_eval_dwconv_scalar(const ml_op *op, uint8_t *scratch);

static void eval_channelwise(const ml_op *op)
{
    const ml_geom *g = &op->u.g;
    const int64_t C = g->in_c;
    lark_rvv_chan p = {
        .bias = op->bias, .mult = op->mult, .shift = op->shift,
        .q_stride = op->n_mult > 1, .n_out = C, .zp_in = op->in_zp, .zp_out = op->out_zp,
        .act_min = op->act_min, .act_max = op->act_max,
        .x_cstride = (int64_t)g->dil_w * C, .w_cstride = C,
        .x_rstride = (int64_t)g->dil_h * g->in_w * C, .w_rstride = (int64_t)g->k_w * C,
    };
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * C;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            int32_t ky0, ky1;
            rvv_tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
            p.n_rows = ky1 - ky0;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += C) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                int32_t kx0, kx1;
                rvv_tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
                p.out = out;
                p.n_cols = kx1 - kx0;
                p.x = img + ((int64_t)(iy0 + ky0 * g->dil_h) * g->in_w + ix0 + kx0 * g->dil_w) * C;
                p.w = op->w + ((int64_t)ky0 * g->k_w + kx0) * C;
                lark_rvv_chan_pixel(&p);
            }
        }
    }
}

/* in_c == 1: output channel o = m, input value shared by all of them. */
static void eval_broadcast(const ml_op *op)
{
    const ml_geom *g = &op->u.g;
    const int64_t O = g->out_c;
    lark_rvv_bcast p = {
        .bias = op->bias, .mult = op->mult, .shift = op->shift,
        .q_stride = op->n_mult > 1, .n_out = O, .zp_in = op->in_zp, .zp_out = op->out_zp,
        .act_min = op->act_min, .act_max = op->act_max,
        .w_ostride = 1, .x_jstride = g->dil_w, .w_jstride = O,
        .x_rstride = (int64_t)g->dil_h * g->in_w, .w_rstride = (int64_t)g->k_w * O,
    };
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            int32_t ky0, ky1;
            rvv_tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
            p.n_runs = ky1 - ky0;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += O) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                int32_t kx0, kx1;
                rvv_tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
                p.out = out;
                p.run_len = kx1 - kx0;
                p.x = img + (int64_t)(iy0 + ky0 * g->dil_h) * g->in_w + ix0 + kx0 * g->dil_w;
                p.w = op->w + ((int64_t)ky0 * g->k_w + kx0) * O;
                lark_rvv_bcast_pixel(&p);
            }
        }
    }
}

void ml_eval_dwconv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    if (!lark_rvv_shifts_ok(op->shift, op->n_mult))
        ml_eval_dwconv_scalar(op, scratch);
    else if (g->depth_mult == 1)
        eval_channelwise(op);
    else if (g->in_c == 1)
        eval_broadcast(op);
    else
        ml_eval_dwconv_scalar(op, scratch);
}
