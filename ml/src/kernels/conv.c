/* CONV_2D, int8 per-channel (reference_integer_ops::ConvPerChannel, ml.md 2.5).
 * Speed: the input offset is folded into a per-channel constant (bias - zp_in * sum(w)),
 * computed once per invoke from the weights, so interior pixels do a plain int8 dot product;
 * only border pixels (where taps fall into the padding) take the reference-style path. */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

lark_ml_status ml_setup_conv(ml_setup *s)
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
    if (s->info->options_type != OPT_CONV2D || !s->info->has_options)
        return ml_bad(s, LARK_ML_E_MODEL, "missing Conv2DOptions (options type %d)", s->info->options_type, 0, 0);
    int32_t O = w->dims[0], KH = w->dims[1], KW = w->dims[2], I = w->dims[3];
    if (I != in->dims[3])
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "filter depth %d != input depth %d (grouped conv)", I, in->dims[3], 0);
    if (s->n_in == 3 && s->has_in[2]) {
        if ((st = ml_need_type(s, b, LARK_ML_INT32, "bias")) || (st = ml_need_const(s, b, "bias"))) return st;
        if (b->elems != (uint32_t)O)
            return ml_bad(s, LARK_ML_E_MODEL, "bias has %d values for %d channels", (int)b->elems, O, 0);
    }
    if ((int64_t)KH * KW * I > 65536)
        return ml_bad(s, LARK_ML_E_LIMIT, "accumulation depth %d x %d x %d exceeds 65536", KH, KW, I);
    int64_t pad, sw, sh, dw, dh;
    if ((st = ml_int_option(s, CONV_PADDING, 1, 0, &pad, "padding")) ||
        (st = ml_int_option(s, CONV_STRIDE_W, 4, 0, &sw, "stride_w")) ||
        (st = ml_int_option(s, CONV_STRIDE_H, 4, 0, &sh, "stride_h")) ||
        (st = ml_int_option(s, CONV_DILATION_W, 4, 1, &dw, "dilation_w_factor")) ||
        (st = ml_int_option(s, CONV_DILATION_H, 4, 1, &dh, "dilation_h_factor")))
        return st;
    ml_geom g = { in->dims[0], in->dims[1], in->dims[2], in->dims[3], 0, 0, O,
                  KH, KW, (int32_t)sh, (int32_t)sw, (int32_t)dh, (int32_t)dw, 0, 0, 1 };
    if (sh < 1 || sh > 65535 || sw < 1 || sw > 65535 || dh < 1 || dh > 65535 || dw < 1 || dw > 65535)
        return ml_bad(s, LARK_ML_E_MODEL, "stride %dx%d / dilation must be 1..65535", (int)sh, (int)sw, 0);
    if ((st = ml_padding(s, (int)pad, g.in_h, KH, g.stride_h, g.dil_h, &g.out_h, &g.pad_t, "height")) ||
        (st = ml_padding(s, (int)pad, g.in_w, KW, g.stride_w, g.dil_w, &g.out_w, &g.pad_l, "width")))
        return st;
    if (out->dims[0] != g.batches || out->dims[1] != g.out_h || out->dims[2] != g.out_w || out->dims[3] != O)
        return ml_bad(s, LARK_ML_E_MODEL, "output shape does not match computed %dx%dx%d", g.out_h, g.out_w, O);
    if ((st = ml_channel_multipliers(s, w, (uint32_t)O, 0, 0))) return st;
    if ((st = ml_activation(s, CONV_ACTIVATION))) return st;
    s->scratch = 4u * (uint32_t)O;
    s->macs = (uint64_t)out->elems * (uint64_t)(KH * KW * I);
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

static inline int32_t dot8(const int8_t *a, const int8_t *b, int32_t n)
{
    int32_t s = 0;
    for (int32_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

void ml_eval_conv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, I = g->in_c, K = g->k_h * g->k_w * I;
    const int32_t zp = op->in_zp, ms = op->n_mult > 1;
    int32_t *kb = (int32_t *)scratch;
    for (int32_t oc = 0; oc < O; oc++) {
        int32_t sum = 0;
        const int8_t *wp = op->w + (size_t)oc * K;
        for (int32_t i = 0; i < K; i++) sum += wp[i];
        uint32_t bias = op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
        kb[oc] = (int32_t)(bias - (uint32_t)zp * (uint32_t)sum);
    }
    const int32_t row_len = g->dil_w == 1 ? g->k_w * I : 0; /* contiguous taps per kernel row */
    const int32_t span_h = (g->k_h - 1) * g->dil_h, span_w = (g->k_w - 1) * g->dil_w;
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * I;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            const int inside_y = iy0 >= 0 && iy0 + span_h < g->in_h;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += O) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                const int inside = inside_y && ix0 >= 0 && ix0 + span_w < g->in_w;
                const int8_t *x0 = inside ? img + ((size_t)iy0 * g->in_w + (size_t)ix0) * I : img;
                for (int32_t oc = 0; oc < O; oc++) {
                    const int8_t *wp = op->w + (size_t)oc * K;
                    int32_t acc;
                    if (inside) {
                        int32_t d = 0;
                        if (row_len) {
                            for (int32_t ky = 0; ky < g->k_h; ky++)
                                d += dot8(wp + ky * row_len,
                                            x0 + (size_t)ky * g->dil_h * g->in_w * I, row_len);
                        } else {
                            for (int32_t ky = 0; ky < g->k_h; ky++)
                                for (int32_t kx = 0; kx < g->k_w; kx++)
                                    d += dot8(wp + (ky * g->k_w + kx) * I,
                                              x0 + ((size_t)ky * g->dil_h * g->in_w + (size_t)kx * g->dil_w) * I, I);
                        }
                        acc = (int32_t)((uint32_t)kb[oc] + (uint32_t)d);
                    } else {
                        uint32_t a = op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
                        int32_t s = 0;
                        for (int32_t ky = 0; ky < g->k_h; ky++) {
                            int32_t iy = iy0 + ky * g->dil_h;
                            if (iy < 0 || iy >= g->in_h) continue;
                            for (int32_t kx = 0; kx < g->k_w; kx++) {
                                int32_t ix = ix0 + kx * g->dil_w;
                                if (ix < 0 || ix >= g->in_w) continue;
                                const int8_t *xp = img + ((size_t)iy * g->in_w + ix) * I;
                                const int8_t *wk = wp + (ky * g->k_w + kx) * I;
                                for (int32_t ic = 0; ic < I; ic++) s += wk[ic] * (xp[ic] - zp);
                            }
                        }
                        acc = (int32_t)(a + (uint32_t)s);
                    }
                    int32_t v = ml_mbqm(acc, op->mult[oc * ms], op->shift[oc * ms]) + op->out_zp;
                    out[oc] = ml_clamp8(v, op->act_min, op->act_max);
                }
            }
        }
    }
}
