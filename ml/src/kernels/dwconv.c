/* DEPTHWISE_CONV_2D, int8 per-channel, any depth multiplier (ml.md 2.6):
 * output channel oc = ic * mult + m. Full windows use the folded per-channel constant
 * (bias - zp_in * sum(w)) so the MAC loop has no offset; border pixels visit only their valid
 * taps and subtract the offset there. No division or bounds test inside any MAC loop. */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

lark_ml_status ml_setup_dwconv(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *in = &s->in[0], *w = &s->in[1], *b = &s->in[2], *out = &s->out;
    if (s->n_in < 2 || s->n_in > 3 || !s->has_in[0] || !s->has_in[1])
        return ml_bad(s, LARK_ML_E_MODEL, "needs input, filter and optional bias (%d inputs)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, in, LARK_ML_INT8, "input")) || (st = ml_need_type(s, w, LARK_ML_INT8, "filter")) ||
        (st = ml_need_type(s, out, LARK_ML_INT8, "output")) || (st = ml_need_rank(s, in, 4, "input")) ||
        (st = ml_need_rank(s, w, 4, "filter")) || (st = ml_need_rank(s, out, 4, "output")) ||
        (st = ml_need_const(s, w, "filter")) || (st = ml_need_quant(s, in, "input")) ||
        (st = ml_need_quant(s, w, "filter")) || (st = ml_need_quant(s, out, "output")))
        return st;
    if (s->info->options_type != OPT_DEPTHWISE_CONV2D || !s->info->has_options)
        return ml_bad(s, LARK_ML_E_MODEL, "missing DepthwiseConv2DOptions (options type %d)", s->info->options_type, 0, 0);
    int32_t KH = w->dims[1], KW = w->dims[2], O = w->dims[3], C = in->dims[3];
    if (w->dims[0] != 1)
        return ml_bad(s, LARK_ML_E_MODEL, "filter first dimension is %d, expected 1", w->dims[0], 0, 0);
    int64_t pad, sw, sh, dw, dh, mult;
    if ((st = ml_int_option(s, DW_PADDING, 1, 0, &pad, "padding")) ||
        (st = ml_int_option(s, DW_STRIDE_W, 4, 0, &sw, "stride_w")) ||
        (st = ml_int_option(s, DW_STRIDE_H, 4, 0, &sh, "stride_h")) ||
        (st = ml_int_option(s, DW_DEPTH_MULTIPLIER, 4, 0, &mult, "depth_multiplier")) ||
        (st = ml_int_option(s, DW_DILATION_W, 4, 1, &dw, "dilation_w_factor")) ||
        (st = ml_int_option(s, DW_DILATION_H, 4, 1, &dh, "dilation_h_factor")))
        return st;
    if (mult < 1 || (int64_t)C * mult != O)
        return ml_bad(s, LARK_ML_E_MODEL, "depth_multiplier %d: input depth %d x multiplier != filter depth %d",
                      (int)mult, C, O);
    if (s->n_in == 3 && s->has_in[2]) {
        if ((st = ml_need_type(s, b, LARK_ML_INT32, "bias")) || (st = ml_need_const(s, b, "bias"))) return st;
        if (b->elems != (uint32_t)O)
            return ml_bad(s, LARK_ML_E_MODEL, "bias has %d values for %d channels", (int)b->elems, O, 0);
    }
    if ((int64_t)KH * KW > 65536)
        return ml_bad(s, LARK_ML_E_LIMIT, "kernel %dx%d exceeds 65536 taps", KH, KW, 0);
    if (sh < 1 || sh > 65535 || sw < 1 || sw > 65535 || dh < 1 || dh > 65535 || dw < 1 || dw > 65535)
        return ml_bad(s, LARK_ML_E_MODEL, "stride %dx%d / dilation must be 1..65535", (int)sh, (int)sw, 0);
    ml_geom g = { in->dims[0], in->dims[1], in->dims[2], C, 0, 0, O,
                  KH, KW, (int32_t)sh, (int32_t)sw, (int32_t)dh, (int32_t)dw, 0, 0, (int32_t)mult };
    if ((st = ml_padding(s, (int)pad, g.in_h, KH, g.stride_h, g.dil_h, &g.out_h, &g.pad_t, "height")) ||
        (st = ml_padding(s, (int)pad, g.in_w, KW, g.stride_w, g.dil_w, &g.out_w, &g.pad_l, "width")))
        return st;
    if (out->dims[0] != g.batches || out->dims[1] != g.out_h || out->dims[2] != g.out_w || out->dims[3] != O)
        return ml_bad(s, LARK_ML_E_MODEL, "output shape does not match computed %dx%dx%d", g.out_h, g.out_w, O);
    if ((st = ml_channel_multipliers(s, w, (uint32_t)O, 3, 0))) return st;
    if ((st = ml_activation(s, DW_ACTIVATION))) return st;
    s->scratch = 12u * (uint32_t)O + (uint32_t)sizeof(ml_rq_chan) * (uint32_t)O;
    s->macs = (uint64_t)out->elems * (uint64_t)(KH * KW);
    if (s->rec) {
        s->rec->u.g = g;
        s->rec->in = ml_act_ptr(s, in);
        s->rec->out = ml_act_ptr(s, out);
        s->rec->w = (const int8_t *)w->data;
        s->rec->bias = (s->n_in == 3 && s->has_in[2]) ? b->data : NULL;
        s->rec->in_zp = in->zp;
        s->rec->out_zp = out->zp;
    }
    return LARK_ML_OK;
}

/* Valid tap range [k0, k1) of a kernel axis starting at input coordinate i0. */
static inline void tap_range(int32_t i0, int32_t k, int32_t d, int32_t n, int32_t *k0, int32_t *k1)
{
    *k0 = i0 >= 0 ? 0 : (-i0 + d - 1) / d;
    *k1 = i0 > n - 1 ? 0 : (n - 1 - i0) / d + 1;
    if (*k1 > k) *k1 = k;
    if (*k0 > *k1) *k0 = *k1;
}

/* Multiplier 1, 4 channels at a time, the valid taps [ky0, ky1) x [kx0, kx1) of one pixel:
 * the 4 sums stay in registers over all taps and each tap is 4 byte loads from the input and
 * 4 from the filter (immediate offsets), so no per-tap index arithmetic beyond two pointer
 * steps. Full windows start from the folded constant kb (sub = 0); border pixels start from
 * the bias and subtract the input zero point per tap (sub = zp), as the reference does. */
static void dw_c4(const ml_op *op, const int32_t *kb, const int8_t *img, int32_t iy0, int32_t ix0,
                  int32_t sub, int32_t *row_acc, const ml_rq_plan *rq, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    const uint8_t *const bias = op->bias;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
    tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const int8_t *x00 = img + ((size_t)(iy0 + ky0 * g->dil_h) * g->in_w + (size_t)(ix0 + kx0 * g->dil_w)) * C;
    const int8_t *w00 = op->w + (size_t)(ky0 * g->k_w + kx0) * C;
    const int32_t nkx = kx1 - kx0;
    for (int32_t c = 0; c + 4 <= C; c += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const int8_t *xr = x00 + c, *wr = w00 + c;
        for (int32_t ky = ky0; ky < ky1; ky++, xr += row, wr += (size_t)g->k_w * C) {
            const int8_t *xp = xr, *wp = wr;
            for (int32_t kx = 0; kx < nkx; kx++, xp += step, wp += C) {
                a0 += wp[0] * (xp[0] - sub);
                a1 += wp[1] * (xp[1] - sub);
                a2 += wp[2] * (xp[2] - sub);
                a3 += wp[3] * (xp[3] - sub);
            }
        }
        const int32_t a[4] = { a0, a1, a2, a3 };
        for (int k = 0; k < 4; k++) {
            const uint32_t start = kb ? (uint32_t)kb[c + k] : bias ? (uint32_t)ml_bias_at(bias, c + k) : 0;
            row_acc[c + k] = (int32_t)(start + (uint32_t)a[k]);
        }
    }
    ml_requant_row(&q, rq, row_acc, C, o);
}

/* Multiplier 1, two horizontally adjacent output pixels with full windows, 4 channels at a
 * time: each filter byte is loaded once for both pixels (12 loads + 8 multiply-adds per tap
 * of 8 MACs instead of 16 + 8). */
static void dw_c4_pair(const ml_op *op, const int32_t *kb, const int8_t *x0, int32_t *row_acc,
                       const ml_rq_plan *rq, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c, KH = g->k_h, KW = g->k_w;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const size_t next = (size_t)g->stride_w * C;
    int32_t *const acc0 = row_acc, *const acc1 = row_acc + C;
    for (int32_t c = 0; c + 4 <= C; c += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        const int8_t *xr = x0 + c, *wp = op->w + c;
        for (int32_t ky = 0; ky < KH; ky++, xr += row) {
            const int8_t *xp = xr;
            for (int32_t kx = 0; kx < KW; kx++, xp += step, wp += C) {
                const int32_t w0 = wp[0], w1 = wp[1], w2 = wp[2], w3 = wp[3];
                const int8_t *yp = xp + next;
                a0 += w0 * xp[0]; a1 += w1 * xp[1]; a2 += w2 * xp[2]; a3 += w3 * xp[3];
                b0 += w0 * yp[0]; b1 += w1 * yp[1]; b2 += w2 * yp[2]; b3 += w3 * yp[3];
            }
        }
        acc0[c] = (int32_t)((uint32_t)kb[c] + (uint32_t)a0);
        acc0[c + 1] = (int32_t)((uint32_t)kb[c + 1] + (uint32_t)a1);
        acc0[c + 2] = (int32_t)((uint32_t)kb[c + 2] + (uint32_t)a2);
        acc0[c + 3] = (int32_t)((uint32_t)kb[c + 3] + (uint32_t)a3);
        acc1[c] = (int32_t)((uint32_t)kb[c] + (uint32_t)b0);
        acc1[c + 1] = (int32_t)((uint32_t)kb[c + 1] + (uint32_t)b1);
        acc1[c + 2] = (int32_t)((uint32_t)kb[c + 2] + (uint32_t)b2);
        acc1[c + 3] = (int32_t)((uint32_t)kb[c + 3] + (uint32_t)b3);
    }
    ml_requant_row(&q, rq, acc0, C, o);
    ml_requant_row(&q, rq, acc1, C, o + C);
}

/* Depth multiplier M a multiple of 4 (e.g. a 1-channel image widened to 8): 4 output
 * channels of one input channel at a time, so each tap is one input byte and 4 filter bytes.
 * Same start values and zero-point handling as dw_c4. */
static void dw_m4(const ml_op *op, const int32_t *kb, const int8_t *img, int32_t iy0, int32_t ix0,
                  int32_t sub, int32_t *row_acc, const ml_rq_plan *rq, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c, M = g->depth_mult, O = g->out_c;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    const uint8_t *const bias = op->bias;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
    tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const int8_t *x00 = img + ((size_t)(iy0 + ky0 * g->dil_h) * g->in_w + (size_t)(ix0 + kx0 * g->dil_w)) * C;
    const int8_t *w00 = op->w + (size_t)(ky0 * g->k_w + kx0) * O;
    const int32_t nkx = kx1 - kx0;
    for (int32_t c = 0; c < C; c++) {
        for (int32_t m = 0; m < M; m += 4) {
            const int32_t oc = c * M + m;
            int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            const int8_t *xr = x00 + c, *wr = w00 + oc;
            for (int32_t ky = ky0; ky < ky1; ky++, xr += row, wr += (size_t)g->k_w * O) {
                const int8_t *xp = xr, *wp = wr;
                for (int32_t kx = 0; kx < nkx; kx++, xp += step, wp += O) {
                    const int32_t x = xp[0] - sub;
                    a0 += wp[0] * x;
                    a1 += wp[1] * x;
                    a2 += wp[2] * x;
                    a3 += wp[3] * x;
                }
            }
            const int32_t a[4] = { a0, a1, a2, a3 };
            for (int k = 0; k < 4; k++) {
                const uint32_t start = kb ? (uint32_t)kb[oc + k] : bias ? (uint32_t)ml_bias_at(bias, oc + k) : 0;
                row_acc[oc + k] = (int32_t)(start + (uint32_t)a[k]);
            }
        }
    }
    ml_requant_row(&q, rq, row_acc, O, o);
}

/* Any pixel, any multiplier: valid taps only, accumulated over all output channels in acc
 * (which starts at the folded constant for full windows, at the bias otherwise, when the
 * input offset is subtracted per tap instead). */
static void dw_general(const ml_op *op, int32_t *acc, const int8_t *img, int32_t iy0, int32_t ix0,
                       int32_t sub)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, C = g->in_c, M = g->depth_mult;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
    tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
    for (int32_t ky = ky0; ky < ky1; ky++) {
        const int8_t *xr = img + (size_t)(iy0 + ky * g->dil_h) * g->in_w * C;
        for (int32_t kx = kx0; kx < kx1; kx++) {
            const int8_t *xp = xr + (size_t)(ix0 + kx * g->dil_w) * C;
            const int8_t *wp = op->w + (size_t)(ky * g->k_w + kx) * O;
            if (M == 1) {
                for (int32_t c = 0; c < C; c++) acc[c] += wp[c] * (xp[c] - sub);
            } else {
                for (int32_t c = 0; c < C; c++) {
                    const int32_t x = xp[c] - sub;
                    for (int32_t m = 0; m < M; m++) acc[c * M + m] += wp[c * M + m] * x;
                }
            }
        }
    }
}

void ml_eval_dwconv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, C = g->in_c, M = g->depth_mult, taps = g->k_h * g->k_w;
    const int32_t zp = op->in_zp;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    int32_t *kb = (int32_t *)scratch, *acc = kb + O;          /* acc: two pixels' sums */
    const ml_rq_plan plan = ml_rq_prepare(&q, O, (ml_rq_chan *)(void *)(acc + 2 * O));
    const ml_rq_plan *const rq = &plan;
    for (int32_t oc = 0; oc < O; oc++) {
        int32_t sum = 0;
        for (int32_t t = 0; t < taps; t++) sum += op->w[(size_t)t * O + oc];
        uint32_t bias = op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
        kb[oc] = (int32_t)(bias - (uint32_t)zp * (uint32_t)sum);
    }
    const int32_t span_h = (g->k_h - 1) * g->dil_h, span_w = (g->k_w - 1) * g->dil_w;
    const int c4 = M == 1 && C % 4 == 0, m4 = M % 4 == 0;
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * C;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            const int inside_y = iy0 >= 0 && iy0 + span_h < g->in_h;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += O) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                const int full = inside_y && ix0 >= 0 && ix0 + span_w < g->in_w;
                if (c4 && full && ox + 1 < g->out_w && ix0 + g->stride_w + span_w < g->in_w) {
                    dw_c4_pair(op, kb, img + ((size_t)iy0 * g->in_w + (size_t)ix0) * C, acc, rq, out);
                    ox++;
                    out += O;
                    continue;
                }
                if (c4) {
                    if (full) dw_c4(op, kb, img, iy0, ix0, 0, acc, rq, out);
                    else dw_c4(op, NULL, img, iy0, ix0, zp, acc, rq, out);
                    continue;
                }
                if (m4) {
                    if (full) dw_m4(op, kb, img, iy0, ix0, 0, acc, rq, out);
                    else dw_m4(op, NULL, img, iy0, ix0, zp, acc, rq, out);
                    continue;
                }
                for (int32_t oc = 0; oc < O; oc++) acc[oc] = 0;
                if (full) dw_general(op, acc, img, iy0, ix0, 0);
                else dw_general(op, acc, img, iy0, ix0, zp);
                for (int32_t oc = 0; oc < O; oc++) {
                    uint32_t start = full ? (uint32_t)kb[oc] : op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
                    acc[oc] = (int32_t)(start + (uint32_t)acc[oc]);
                }
                ml_requant_row(&q, rq, acc, O, out);
            }
        }
    }
}
