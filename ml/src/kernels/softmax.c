/* SOFTMAX int8 -> int8 (softmax_common.cc + reference_ops::Softmax, ml.md 2.10): gemmlowp
 * fixed-point exp and reciprocal, ported from their published arithmetic. Output must be
 * scale 1/256, zero point -128, as TFLM requires. */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

/* Saturating x * 2^e for e > 0 (SaturatingRoundingMultiplyByPOT). */
static inline int32_t sat_shl(int32_t x, int e)
{
    int32_t thr = (int32_t)((1u << (31 - e)) - 1);
    if (x > thr) return INT32_MAX;
    if (x < -thr) return INT32_MIN;
    return (int32_t)((uint32_t)x << e);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out. */
static int32_t exp_quarter(int32_t a)
{
    const int32_t c_term = 1895147668, c_third = 715827883;
    int32_t x = a + (1 << 28);
    int32_t x2 = ml_srdhm(x, x);
    int32_t x3 = ml_srdhm(x2, x);
    int32_t x4 = ml_srdhm(x2, x2);
    int32_t x4_4 = ml_rdbpot(x4, 2);
    int32_t poly = ml_rdbpot(ml_srdhm(x4_4 + x3, c_third) + x2, 1);
    return c_term + ml_srdhm(c_term, x + poly);
}

/* exp(a) for a <= 0 given in Q5.26; result Q0.31. */
static int32_t exp_neg(int32_t a)
{
    const int32_t quarter = 1 << 24, mask = quarter - 1;
    int32_t a_mod = (a & mask) - quarter;
    int32_t result = exp_quarter(sat_shl(a_mod, 5));
    int32_t rem = a_mod - a;
    static const int32_t mults[7] = { 1672461947, 1302514674, 790015084, 290630308,
                                      39332535, 720401, 242 };
    for (int i = 0; i < 7; i++)
        if (rem & (1 << (24 + i))) result = ml_srdhm(result, mults[i]);
    if (a == 0) result = INT32_MAX;
    return result;
}

/* 1/(1+x) for x in [0,1), Q0.31 in, Q0.31 out (Newton-Raphson in Q2.29). */
static int32_t one_over_one_plus_x(int32_t a)
{
    int64_t sum = (int64_t)a + INT32_MAX;
    int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_17 = 1515870810, cm32_17 = -1010580540;
    int32_t x = c48_17 + ml_srdhm(half_den, cm32_17);
    for (int i = 0; i < 3; i++) {
        int32_t hdx = ml_srdhm(half_den, x);
        int32_t one_minus = (1 << 29) - hdx;
        x = x + sat_shl(ml_srdhm(x, one_minus), 2);
    }
    return sat_shl(x, 1);
}

lark_ml_status ml_setup_softmax(ml_setup *s)
{
    lark_ml_status st;
    ml_tensor *in = &s->in[0], *out = &s->out;
    if (s->n_in != 1 || !s->has_in[0])
        return ml_bad(s, LARK_ML_E_MODEL, "needs exactly one input (%d)", s->n_in, 0, 0);
    if ((st = ml_need_type(s, in, LARK_ML_INT8, "input")) || (st = ml_need_type(s, out, LARK_ML_INT8, "output")) ||
        (st = ml_need_quant(s, in, "input")) || (st = ml_need_quant(s, out, "output")))
        return st;
    if (in->elems != out->elems || in->rank < 1)
        return ml_bad(s, LARK_ML_E_MODEL, "input and output sizes differ", 0, 0, 0);
    if (out->zp != -128 || out->scale != 1.0f / 256)
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "output must have scale 1/256 and zero point -128", 0, 0, 0);
    if (s->info->options_type != OPT_SOFTMAX || !s->info->has_options)
        return ml_bad(s, LARK_ML_E_MODEL, "missing SoftmaxOptions (options type %d)", s->info->options_type, 0, 0);
    fb_file f = ml_file(s->m);
    fb_ctx c = { "SoftmaxOptions", s->op, s->err, s->op };
    uint64_t bits;
    if ((st = fb_scalar(&f, &s->info->options, SOFTMAX_BETA, 4, 0, &bits, "beta", &c))) return st;
    union { uint32_t u; float x; } beta = { (uint32_t)bits };
    double real = (double)beta.x * (double)in->scale * (double)(1 << 26);
    if (real > 2147483647.0) real = 2147483647.0;
    int32_t mult;
    int shift;
    if (!(real > 1.0) || !ml_quantize_multiplier(real, &mult, &shift) || shift < 0 || shift > 31)
        return ml_bad(s, LARK_ML_E_UNSUPPORTED, "beta x input scale out of range", 0, 0, 0);
    /* CalculateInputRadius(5, shift): floor(31 * 2^26 / 2^shift) */
    double radius = 31.0 * (double)(1 << 26) / (double)(1LL << shift);
    int32_t depth = in->dims[in->rank - 1];
    if (depth > 4096) /* keeps the Q12.19 sum of exps below 2^31 */
        return ml_bad(s, LARK_ML_E_LIMIT, "row of %d values exceeds 4096", depth, 0, 0);
    if (s->rec) {
        s->rec->in = ml_act_ptr(s, in);
        s->rec->out = ml_act_ptr(s, out);
        s->rec->u.sm.depth = depth;
        s->rec->u.sm.rows = (int32_t)(in->elems / (uint32_t)depth);
        s->rec->u.sm.mult = mult;
        s->rec->u.sm.lshift = shift;
        s->rec->u.sm.diff_min = -(int32_t)radius;
    }
    return LARK_ML_OK;
}

void ml_eval_softmax(const ml_op *op, uint8_t *scratch)
{
    (void)scratch;
    const int32_t D = op->u.sm.depth;
    for (int32_t r = 0; r < op->u.sm.rows; r++) {
        const int8_t *x = op->in + (size_t)r * D;
        int8_t *y = op->out + (size_t)r * D;
        int32_t mx = -128;
        for (int32_t c = 0; c < D; c++) mx = x[c] > mx ? x[c] : mx;
        int32_t sum = 0;
        for (int32_t c = 0; c < D; c++) {
            int32_t d = x[c] - mx;
            if (d >= op->u.sm.diff_min) {
                int32_t scaled = ml_srdhm((int32_t)((uint32_t)d << op->u.sm.lshift), op->u.sm.mult);
                sum += ml_rdbpot(exp_neg(scaled), 12);
            }
        }
        int h = __builtin_clz((uint32_t)sum); /* sum >= exp(0) >> 12 > 0 */
        int bits_over_unit = 12 - h;
        int32_t shifted = (int32_t)(((uint32_t)sum << h) - (1u << 31));
        int32_t recip = one_over_one_plus_x(shifted);
        for (int32_t c = 0; c < D; c++) {
            int32_t d = x[c] - mx;
            if (d >= op->u.sm.diff_min) {
                int32_t scaled = ml_srdhm((int32_t)((uint32_t)d << op->u.sm.lshift), op->u.sm.mult);
                int32_t e = exp_neg(scaled);
                int32_t p = ml_srdhm(recip, e), sh = bits_over_unit + 31 - 8, v;
                if (sh <= 31) v = ml_rdbpot(p, sh) - 128;
                else v = (int32_t)(((int64_t)p + (1LL << (sh - 1))) >> sh) - 128; /* p >= 0 */
                y[c] = ml_clamp8(v, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
}
