/* FULLY_CONNECTED int8 (reference_integer_ops::FullyConnected, ml.md 2.7). Every weight is
 * used once per batch row, so folding the input offset would cost as much as it saves; the
 * offset is subtracted in the loop and no scratch memory is needed (small arenas for the
 * FC-only models). */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

lark_ml_status ml_setup_fc(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *in = &s->in[0], *w = &s->in[1], *b = &s->in[2], *out = &s->out;
    if (s->n_in < 2 || s->n_in > 3 || !s->has_in[0] || !s->has_in[1])
        return ml_bad(s, LARK_ML_E_MODEL, "needs input, weights and optional bias (%d inputs)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, in, LARK_ML_INT8, "input")) || (st = ml_need_type(s, w, LARK_ML_INT8, "weights")) ||
        (st = ml_need_type(s, out, LARK_ML_INT8, "output")) || (st = ml_need_rank(s, w, 2, "weights")) ||
        (st = ml_need_const(s, w, "weights")) || (st = ml_need_quant(s, in, "input")) ||
        (st = ml_need_quant(s, w, "weights")) || (st = ml_need_quant(s, out, "output")))
        return st;
    if (s->info->has_options && s->info->options_type != OPT_FULLY_CONNECTED)
        return ml_bad(s, LARK_ML_E_MODEL, "options type %d is not FullyConnectedOptions", s->info->options_type, 0, 0);
    int64_t fmt;
    if ((st = ml_int_option(s, FC_WEIGHTS_FORMAT, 1, 0, &fmt, "weights_format"))) return st;
    if (fmt != 0)
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "weights_format %d not supported", (int)fmt, 0, 0);
    int32_t O = w->dims[0], D = w->dims[1];
    if (D > 65536) return ml_bad(s, LARK_ML_E_LIMIT, "accumulation depth %d exceeds 65536", D, 0, 0);
    if (in->elems % (uint32_t)D)
        return ml_bad(s, LARK_ML_E_MODEL, "input of %d values is not a multiple of depth %d", (int)in->elems, D, 0);
    int32_t batches = (int32_t)(in->elems / (uint32_t)D);
    if ((uint64_t)batches * (uint64_t)O != out->elems)
        return ml_bad(s, LARK_ML_E_MODEL, "output has %d values, expected %d x %d", (int)out->elems, batches, O);
    if (s->n_in == 3 && s->has_in[2]) {
        if ((st = ml_need_type(s, b, LARK_ML_INT32, "bias")) || (st = ml_need_const(s, b, "bias"))) return st;
        if (b->elems != (uint32_t)O)
            return ml_bad(s, LARK_ML_E_MODEL, "bias has %d values for %d outputs", (int)b->elems, O, 0);
        /* TFLM rejects a bias scale that does not match s_in * s_w (kernel_util.cc). */
        if (b->scales.count && w->scales.count == 1) {
            double prod = (double)(in->scale * w->scale), d = prod - (double)b->scale;
            if (d < 0) d = -d;
            if (d / (double)out->scale > 0.02)
                return ml_bad(s, LARK_ML_E_MODEL, "bias scale does not match input x weight scale", 0, 0, 0);
        }
    }
    if ((st = ml_channel_multipliers(s, w, (uint32_t)O, 0, w->scales.count == 1))) return st;
    if ((st = ml_activation(s, FC_ACTIVATION))) return st;
    s->macs = (uint64_t)batches * (uint64_t)O * (uint64_t)D;
    if (s->rec) {
        s->rec->u.fc.batches = batches;
        s->rec->u.fc.depth = D;
        s->rec->u.fc.units = O;
        s->rec->in = ml_act_ptr(s, in);
        s->rec->out = ml_act_ptr(s, out);
        s->rec->w = (const int8_t *)w->data;
        s->rec->bias = (s->n_in == 3 && s->has_in[2]) ? b->data : NULL;
        s->rec->in_zp = in->zp;
        s->rec->out_zp = out->zp;
    }
    return LARK_ML_OK;
}

void ml_eval_fc(const ml_op *op, uint8_t *scratch)
{
    (void)scratch;
    const int32_t zp = op->in_zp;
    const int32_t D = op->u.fc.depth, O = op->u.fc.units, ms = op->n_mult > 1;
    for (int32_t b = 0; b < op->u.fc.batches; b++) {
        const int8_t *x = op->in + (size_t)b * D;
        int8_t *out = op->out + (size_t)b * O;
        for (int32_t o = 0; o < O; o++) {
            const int8_t *wr = op->w + (size_t)o * D;
            int32_t acc = 0;
            for (int32_t d = 0; d < D; d++) acc += wr[d] * (x[d] - zp);
            uint32_t bias = op->bias ? (uint32_t)ml_bias_at(op->bias, o) : 0;
            int32_t a = (int32_t)(bias + (uint32_t)acc);
            int32_t v = ml_mbqm(a, op->mult[o * ms], op->shift[o * ms]) + op->out_zp;
            out[o] = ml_clamp8(v, op->act_min, op->act_max);
        }
    }
}
