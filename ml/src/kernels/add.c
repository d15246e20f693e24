/* ADD int8 with independent input scales (add_common.cc / integer_ops/add.h, ml.md 2.9).
 * Both inputs must have the same shape: broadcasting is not implemented. */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

static int smaller_than_one(double m, int32_t *q, int32_t *sh)
{
    int s;
    if (!(m > 0.0 && m < 1.0) || !ml_quantize_multiplier(m, q, &s) || s > 0) return 0;
    *sh = s;
    return 1;
}

lark_ml_status ml_setup_add(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *a = &s->in[0], *b = &s->in[1], *out = &s->out;
    if (s->n_in != 2 || !s->has_in[0] || !s->has_in[1])
        return ml_bad(s, LARK_ML_E_MODEL, "needs two inputs (%d)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, a, LARK_ML_INT8, "input 1")) || (st = ml_need_type(s, b, LARK_ML_INT8, "input 2")) ||
        (st = ml_need_type(s, out, LARK_ML_INT8, "output")) || (st = ml_need_quant(s, a, "input 1")) ||
        (st = ml_need_quant(s, b, "input 2")) || (st = ml_need_quant(s, out, "output")))
        return st;
    if (s->info->has_options && s->info->options_type != OPT_ADD)
        return ml_bad(s, LARK_ML_E_MODEL, "options type %d is not AddOptions", s->info->options_type, 0, 0);
    int same = a->rank == b->rank && a->rank == out->rank;
    for (int i = 0; same && i < a->rank; i++) same = a->dims[i] == b->dims[i] && a->dims[i] == out->dims[i];
    if (!same)
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "input shapes differ (broadcasting not supported)", 0, 0, 0);
    double twice_max = 2.0 * (double)(a->scale > b->scale ? a->scale : b->scale);
    int32_t m1, m2, mo, s1, s2, so;
    if (!smaller_than_one((double)a->scale / twice_max, &m1, &s1) ||
        !smaller_than_one((double)b->scale / twice_max, &m2, &s2) ||
        !smaller_than_one(twice_max / ((double)(1 << 20) * (double)out->scale), &mo, &so))
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "scales give a rescale multiplier outside (0, 1)", 0, 0, 0);
    if ((st = ml_activation(s, ADD_ACTIVATION))) return st;
    if (s->rec) {
        s->rec->in = ml_act_ptr(s, a);
        s->rec->u.add.in2 = ml_act_ptr(s, b);
        s->rec->out = ml_act_ptr(s, out);
        s->rec->in_zp = a->zp;
        s->rec->u.add.in2_zp = b->zp;
        s->rec->out_zp = out->zp;
        s->rec->u.add.count = (int32_t)out->elems;
        s->rec->u.add.m1 = m1; s->rec->u.add.s1 = s1;
        s->rec->u.add.m2 = m2; s->rec->u.add.s2 = s2;
        s->rec->u.add.mo = mo; s->rec->u.add.so = so;
    }
    return LARK_ML_OK;
}

void ml_eval_add(const ml_op *op, uint8_t *scratch)
{
    (void)scratch;
    const int8_t *x = op->in, *y = op->u.add.in2;
    for (int32_t i = 0; i < op->u.add.count; i++) {
        int32_t a = (x[i] - op->in_zp) * (1 << 20);
        int32_t b = (y[i] - op->u.add.in2_zp) * (1 << 20);
        a = ml_mbqm(a, op->u.add.m1, op->u.add.s1);
        b = ml_mbqm(b, op->u.add.m2, op->u.add.s2);
        int32_t v = ml_mbqm(a + b, op->u.add.mo, op->u.add.so) + op->out_zp;
        op->out[i] = ml_clamp8(v, op->act_min, op->act_max);
    }
}
