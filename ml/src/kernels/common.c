/* Checks and prepare-time helpers shared by the kernel setup functions. */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"
#include "../core/err.h"
#include <stdarg.h>

void *ml_persist(ml_setup *s, uint32_t bytes)
{
    uint32_t at = (s->persist_used + 7u) & ~7u;
    s->persist_used = at + bytes;
    return s->persist ? s->persist + at : NULL;
}

void *ml_act_ptr(ml_setup *s, const ml_tensor *t)
{
    if (!s->rec) return NULL;
    if (t->data) return (void *)t->data;
    return s->m->arena + s->m->tensor_off[t->index];
}

lark_ml_status ml_bad(ml_setup *s, lark_ml_status code, const char *fmt, ...)
{
    /* Prefix "Operator N (NAME): " then the message; ml_fail has no vformat, so build the
     * prefix separately and append. */
    char body[sizeof s->err->msg];
    lark_ml_error tmp;
    va_list ap;
    va_start(ap, fmt);
    /* Only %d/%u/%s are used by callers with at most 3 ints; pass them through. */
    int a = va_arg(ap, int), b = va_arg(ap, int), c = va_arg(ap, int);
    va_end(ap);
    ml_fail(&tmp, code, s->op, fmt, a, b, c);
    size_t i = 0;
    for (; tmp.msg[i] && i + 1 < sizeof body; i++) body[i] = tmp.msg[i];
    body[i] = 0;
    return ml_fail(s->err, code, s->op, "Operator %d (%s): %s", s->op,
                   ml_opcode_name(s->info->code), body);
}

lark_ml_status ml_need_type(ml_setup *s, const ml_tensor *t, int type, const char *what)
{
    if (t->type == type) return LARK_ML_OK;
    return ml_fail(s->err, LARK_ML_E_UNSUPPORTED, s->op,
                   "Operator %d (%s): %s tensor %d has type %u, expected %u", s->op,
                   ml_opcode_name(s->info->code), what, t->index, (unsigned)t->type,
                   (unsigned)type);
}

lark_ml_status ml_need_rank(ml_setup *s, const ml_tensor *t, int rank, const char *what)
{
    if (t->rank == rank) return LARK_ML_OK;
    return ml_fail(s->err, LARK_ML_E_MODEL, s->op,
                   "Operator %d (%s): %s tensor %d has rank %u, expected %d", s->op,
                   ml_opcode_name(s->info->code), what, t->index, (unsigned)t->rank, rank);
}

lark_ml_status ml_need_const(ml_setup *s, const ml_tensor *t, const char *what)
{
    if (t->data) return LARK_ML_OK;
    return ml_fail(s->err, LARK_ML_E_UNSUPPORTED, s->op,
                   "Operator %d (%s): %s tensor %d must be constant", s->op,
                   ml_opcode_name(s->info->code), what, t->index);
}

lark_ml_status ml_need_quant(ml_setup *s, const ml_tensor *t, const char *what)
{
    if (t->scales.count == 0 || t->scale <= 0.0f)
        return ml_fail(s->err, LARK_ML_E_MODEL, s->op,
                       "Operator %d (%s): %s tensor %d has no quantization scale", s->op,
                       ml_opcode_name(s->info->code), what, t->index);
    if (t->type == LARK_ML_INT8 && (t->zp < -128 || t->zp > 127))
        return ml_fail(s->err, LARK_ML_E_MODEL, s->op,
                       "Operator %d (%s): %s tensor %d zero point %d outside int8", s->op,
                       ml_opcode_name(s->info->code), what, t->index, t->zp);
    return LARK_ML_OK;
}

lark_ml_status ml_int_option(ml_setup *s, int field, int size, int64_t def, int64_t *out,
                             const char *name)
{
    if (!s->info->has_options) { *out = def; return LARK_ML_OK; }
    fb_file f = ml_file(s->m);
    fb_ctx c = { "Operator.builtin_options", s->op, s->err, s->op };
    uint64_t v;
    lark_ml_status st = fb_scalar(&f, &s->info->options, field, size, (uint64_t)def, &v, name, &c);
    if (st) return st;
    if (size == 1) *out = (int8_t)v;
    else if (size == 2) *out = (int16_t)v;
    else if (size == 4) *out = (int32_t)v;
    else *out = (int64_t)v;
    return LARK_ML_OK;
}

lark_ml_status ml_activation(ml_setup *s, int field)
{
    int64_t act;
    lark_ml_status st = ml_int_option(s, field, 1, 0, &act, "fused_activation_function");
    if (st) return st;
    if (act < 0 || act > 3)
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "fused activation %d not supported", (int)act, 0, 0);
    if (s->rec) {
        ml_activation_range((int)act, s->out.scale, s->out.zp, &s->rec->act_min,
                            &s->rec->act_max);
    }
    return LARK_ML_OK;
}

lark_ml_status ml_channel_multipliers(ml_setup *s, const ml_tensor *w, uint32_t channels,
                                      int qdim, int float_product)
{
    uint32_t n = w->scales.count;
    if (n != 1 && n != channels)
        return ml_bad(s, LARK_ML_E_MODEL, "weights have %u scales for %u output channels", (int)n,
                      (int)channels, 0);
    if (n > 1 && w->qdim != qdim)
        return ml_bad(s, LARK_ML_E_MODEL, "weights quantized_dimension %d, expected %d", w->qdim,
                      qdim, 0);
    if (n > 1 && w->zero_points.count != 0 && w->zero_points.count != n)
        return ml_bad(s, LARK_ML_E_MODEL, "weights have %u zero points for %u scales",
                      (int)w->zero_points.count, (int)n, 0);
    fb_file f = ml_file(s->m);
    for (uint32_t i = 0; i < w->zero_points.count; i++)
        if (fb_vec_i64(&f, &w->zero_points, i) != 0)
            return ml_bad(s, LARK_ML_E_UNSUPPORTED, "weights zero point %u is not 0", (int)i, 0, 0);
    int32_t *mult = ml_persist(s, 4 * n);
    int8_t *shift = ml_persist(s, n);
    for (uint32_t c = 0; c < n; c++) {
        float sw = fb_vec_f32(&f, &w->scales, c);
        double m;
        if (float_product) /* per-tensor FC: product in float first (kernel_util.cc) */
            m = (double)(s->in[0].scale * sw) / (double)s->out.scale;
        else
            m = (double)s->in[0].scale * (double)sw / (double)s->out.scale;
        int32_t q;
        int sh;
        if (!ml_quantize_multiplier(m, &q, &sh) || sh > 30)
            return ml_bad(s, LARK_ML_E_UNSUPPORTED,
                          "requantization multiplier of channel %u out of range", (int)c, 0, 0);
        if (mult) { mult[c] = q; shift[c] = (int8_t)sh; }
    }
    if (s->rec) { s->rec->mult = mult; s->rec->shift = shift; s->rec->n_mult = n; }
    return LARK_ML_OK;
}

lark_ml_status ml_padding(ml_setup *s, int padding, int in, int k, int stride, int dil,
                          int32_t *out, int32_t *pad, const char *axis)
{
    if (stride < 1 || dil < 1 || k < 1 || stride > 65535 || dil > 65535 || k > 65535)
        return ml_fail(s->err, LARK_ML_E_MODEL, s->op,
                       "Operator %d (%s): %s stride %d / dilation %d / kernel %d must be 1..65535",
                       s->op, ml_opcode_name(s->info->code), axis, stride, dil, k);
    int64_t eff = (int64_t)(k - 1) * dil + 1;
    int64_t o;
    if (padding == PADDING_SAME) o = ((int64_t)in + stride - 1) / stride;
    else if (padding == PADDING_VALID) o = ((int64_t)in + stride - eff) / stride;
    else
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "padding type %d not supported", padding, 0, 0);
    if (o < 1)
        return ml_fail(s->err, LARK_ML_E_MODEL, s->op,
                       "Operator %d (%s): %s kernel larger than input, no output", s->op,
                       ml_opcode_name(s->info->code), axis);
    int64_t p = ((o - 1) * stride + eff - in) / 2;
    *out = (int32_t)o;
    *pad = p > 0 ? (int32_t)p : 0;
    return LARK_ML_OK;
}
