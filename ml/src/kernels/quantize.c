/* QUANTIZE (float32 -> int8, or int8 -> int8 requantize) and DEQUANTIZE (int8 -> float32),
 * ml.md 2.11. These kernels use float at run time by nature: their data is float. */
#include "kernels.h"
#include "quant.h"

lark_ml_status ml_setup_quantize(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *in = &s->in[0], *out = &s->out;
    if (s->n_in != 1 || !s->has_in[0])
        return ml_bad(s, LARK_ML_E_MODEL, "needs exactly one input (%d)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, out, LARK_ML_INT8, "output")) || (st = ml_need_quant(s, out, "output"))) return st;
    if (in->elems != out->elems) return ml_bad(s, LARK_ML_E_MODEL, "input and output sizes differ", 0, 0, 0);
    int32_t mult = 0, shift = 0;
    if (in->type == LARK_ML_INT8) {
        if ((st = ml_need_quant(s, in, "input"))) return st;
        int sh;
        if (!ml_quantize_multiplier((double)in->scale / (double)out->scale, &mult, &sh) || sh > 30)
            return ml_bad(s, LARK_ML_E_UNSUPPORTED, "requantization multiplier out of range", 0, 0, 0);
        shift = sh;
    } else if (in->type != LARK_ML_FLOAT32) {
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "input type %d not supported (float32 or int8)", in->type, 0, 0);
    } else if (in->data && ((uintptr_t)in->data & 3)) {
        /* constants are read in place; a float needs its natural alignment */
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "constant float input not 4-byte aligned in the model", 0, 0, 0);
    }
    if (s->rec) {
        s->rec->in = ml_act_ptr(s, in);
        s->rec->u.q.fin = ml_act_ptr(s, in);
        s->rec->out = ml_act_ptr(s, out);
        s->rec->in_zp = in->zp;
        s->rec->out_zp = out->zp;
        s->rec->u.q.count = (int32_t)out->elems;
        s->rec->u.q.scale = out->scale;
        s->rec->u.q.mult = in->type == LARK_ML_INT8 ? mult : 0;
        s->rec->u.q.shift = shift;
        s->rec->n_mult = in->type == LARK_ML_INT8; /* 1: int8 input */
    }
    return LARK_ML_OK;
}

void ml_eval_quantize(const ml_op *op, uint8_t *scratch)
{
    (void)scratch;
    if (op->n_mult) {
        for (int32_t i = 0; i < op->u.q.count; i++) {
            int32_t v = ml_mbqm(op->in[i] - op->in_zp, op->u.q.mult, op->u.q.shift) + op->out_zp;
            op->out[i] = ml_clamp8(v, -128, 127);
        }
        return;
    }
    const float *x = op->u.q.fin;
    for (int32_t i = 0; i < op->u.q.count; i++) {
        int64_t v = (int64_t)ml_round_f32(x[i] / op->u.q.scale) + op->out_zp;
        op->out[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

lark_ml_status ml_setup_dequantize(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *in = &s->in[0], *out = &s->out;
    if (s->n_in != 1 || !s->has_in[0])
        return ml_bad(s, LARK_ML_E_MODEL, "needs exactly one input (%d)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, in, LARK_ML_INT8, "input")) || (st = ml_need_type(s, out, LARK_ML_FLOAT32, "output")) ||
        (st = ml_need_quant(s, in, "input")))
        return st;
    if (in->elems != out->elems) return ml_bad(s, LARK_ML_E_MODEL, "input and output sizes differ", 0, 0, 0);
    if (s->rec) {
        s->rec->in = ml_act_ptr(s, in);
        s->rec->u.q.fout = ml_act_ptr(s, out);
        s->rec->in_zp = in->zp;
        s->rec->u.q.count = (int32_t)in->elems;
        s->rec->u.q.scale = in->scale;
    }
    return LARK_ML_OK;
}

void ml_eval_dequantize(const ml_op *op, uint8_t *scratch)
{
    (void)scratch;
    float *y = op->u.q.fout;
    for (int32_t i = 0; i < op->u.q.count; i++)
        y[i] = (float)((double)op->u.q.scale * (double)(op->in[i] - op->in_zp));
}
