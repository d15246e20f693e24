/* AVERAGE_POOL_2D and MAX_POOL_2D int8 (reference_integer_ops pooling, ml.md 2.8): the window
 * is clipped to the image; no requantization, so input and output quantization must agree. */
#include "kernels.h"
#include "../reader/schema.h"

static lark_ml_status setup_pool(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *in = &s->in[0], *out = &s->out;
    if (s->n_in != 1 || !s->has_in[0])
        return ml_bad(s, LARK_ML_E_MODEL, "needs exactly one input (%d)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, in, LARK_ML_INT8, "input")) || (st = ml_need_type(s, out, LARK_ML_INT8, "output")) ||
        (st = ml_need_rank(s, in, 4, "input")) || (st = ml_need_rank(s, out, 4, "output")) ||
        (st = ml_need_quant(s, in, "input")) || (st = ml_need_quant(s, out, "output")))
        return st;
    if (s->info->options_type != OPT_POOL2D || !s->info->has_options)
        return ml_bad(s, LARK_ML_E_MODEL, "missing Pool2DOptions (options type %d)", s->info->options_type, 0, 0);
    float d = in->scale - out->scale;
    if (d > 1e-6f || d < -1e-6f || in->zp != out->zp)
        return ml_bad(s, LARK_ML_E_MODEL, "input and output quantization differ", 0, 0, 0);
    int64_t pad, sw, sh, fw, fh;
    if ((st = ml_int_option(s, POOL_PADDING, 1, 0, &pad, "padding")) ||
        (st = ml_int_option(s, POOL_STRIDE_W, 4, 0, &sw, "stride_w")) ||
        (st = ml_int_option(s, POOL_STRIDE_H, 4, 0, &sh, "stride_h")) ||
        (st = ml_int_option(s, POOL_FILTER_W, 4, 0, &fw, "filter_width")) ||
        (st = ml_int_option(s, POOL_FILTER_H, 4, 0, &fh, "filter_height")))
        return st;
    if (sh < 1 || sh > 65535 || sw < 1 || sw > 65535 || fh < 1 || fh > 65535 || fw < 1 || fw > 65535)
        return ml_bad(s, LARK_ML_E_MODEL, "filter %dx%d / stride must be 1..65535", (int)fh, (int)fw, 0);
    ml_geom g = { in->dims[0], in->dims[1], in->dims[2], in->dims[3], 0, 0, in->dims[3],
                  (int32_t)fh, (int32_t)fw, (int32_t)sh, (int32_t)sw, 1, 1, 0, 0, 1 };
    if ((st = ml_padding(s, (int)pad, g.in_h, g.k_h, g.stride_h, 1, &g.out_h, &g.pad_t, "height")) ||
        (st = ml_padding(s, (int)pad, g.in_w, g.k_w, g.stride_w, 1, &g.out_w, &g.pad_l, "width")))
        return st;
    if (out->dims[0] != g.batches || out->dims[1] != g.out_h || out->dims[2] != g.out_w || out->dims[3] != g.out_c)
        return ml_bad(s, LARK_ML_E_MODEL, "output shape does not match computed %dx%dx%d", g.out_h, g.out_w, g.out_c);
    if (fh * fw > 65536)
        return ml_bad(s, LARK_ML_E_LIMIT, "window %dx%d exceeds 65536", (int)fh, (int)fw, 0);
    if ((st = ml_activation(s, POOL_ACTIVATION))) return st;
    s->scratch = 4u * (uint32_t)g.in_c;
    if (s->rec) {
        s->rec->u.g = g;
        s->rec->in = ml_act_ptr(s, in);
        s->rec->out = ml_act_ptr(s, out);
    }
    return LARK_ML_OK;
}

lark_ml_status ml_setup_avgpool(ml_setup *s) { return setup_pool(s); }
lark_ml_status ml_setup_maxpool(ml_setup *s) { return setup_pool(s); }

static void pool(const ml_op *op, int32_t *acc, int is_max)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c;
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * C;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            int32_t y0 = oy * g->stride_h - g->pad_t;
            int32_t ys = y0 < 0 ? 0 : y0, ye = y0 + g->k_h > g->in_h ? g->in_h : y0 + g->k_h;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += C) {
                int32_t x0 = ox * g->stride_w - g->pad_l;
                int32_t xs = x0 < 0 ? 0 : x0, xe = x0 + g->k_w > g->in_w ? g->in_w : x0 + g->k_w;
                for (int32_t c = 0; c < C; c++) acc[c] = is_max ? -128 : 0;
                for (int32_t y = ys; y < ye; y++)
                    for (int32_t x = xs; x < xe; x++) {
                        const int8_t *p = img + ((size_t)y * g->in_w + x) * C;
                        if (is_max) {
                            for (int32_t c = 0; c < C; c++) acc[c] = p[c] > acc[c] ? p[c] : acc[c];
                        } else {
                            for (int32_t c = 0; c < C; c++) acc[c] += p[c];
                        }
                    }
                int32_t n = (ye - ys) * (xe - xs);
                for (int32_t c = 0; c < C; c++) {
                    int32_t v = acc[c];
                    if (!is_max && n > 0) v = v > 0 ? (v + n / 2) / n : (v - n / 2) / n;
                    out[c] = ml_clamp8(v, op->act_min, op->act_max);
                }
            }
        }
    }
}

void ml_eval_avgpool(const ml_op *op, uint8_t *scratch) { pool(op, (int32_t *)scratch, 0); }
void ml_eval_maxpool(const ml_op *op, uint8_t *scratch) { pool(op, (int32_t *)scratch, 1); }
