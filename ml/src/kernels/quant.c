#include "quant.h"
#include <stddef.h>

/* frexp for finite positive or negative doubles, done on the bits so no libm is needed. */
static double frexp_bits(double v, int *e)
{
    union { double d; uint64_t u; } b = { v };
    int ex = (int)((b.u >> 52) & 0x7ff);
    int bias = 0;
    if (ex == 0) { /* subnormal: scale into the normal range first */
        b.d = v * 18446744073709551616.0; /* 2^64 */
        ex = (int)((b.u >> 52) & 0x7ff);
        bias = 64;
    }
    *e = ex - 1022 - bias;
    b.u = (b.u & ~(0x7ffULL << 52)) | (1022ULL << 52);
    return b.d;
}

int ml_quantize_multiplier(double m, int32_t *mult, int *shift)
{
    if (m == 0.0) { *mult = 0; *shift = 0; return 1; }
    if (!(m > 0.0) || m > 1.0e300) return 0;
    int e;
    double q = frexp_bits(m, &e);               /* q in [0.5, 1) */
    /* q * 2^31 is in [2^30, 2^31) with ulp <= 2^-22, so adding 0.5 is exact: this is
     * std::round (half away from zero) for positive values. */
    int64_t qf = (int64_t)(q * 2147483648.0 + 0.5);
    if (qf == (1LL << 31)) { qf /= 2; e++; }
    if (e < -31) { e = 0; qf = 0; }
    *mult = (int32_t)qf;
    *shift = e;
    return 1;
}

int32_t ml_round_f32(float f)
{
    if (f != f) return 0;
    if (f >= 2147483520.0f) return INT32_MAX;
    if (f <= -2147483648.0f) return INT32_MIN;
    int32_t t = (int32_t)f;
    float r = f - (float)t; /* exact: the fraction of f */
    if (r >= 0.5f) t++;
    else if (r <= -0.5f) t--;
    return t;
}

static int32_t quantize_act(float f, float scale, int32_t zp)
{
    int64_t v = (int64_t)zp + ml_round_f32(f / scale);
    if (v > INT32_MAX) v = INT32_MAX;
    if (v < INT32_MIN) v = INT32_MIN;
    return (int32_t)v;
}

void ml_activation_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi)
{
    int32_t qmin = -128, qmax = 127;
    *lo = qmin;
    *hi = qmax;
    if (act == 1 || act == 3) { /* RELU, RELU6 */
        int32_t z = quantize_act(0.0f, scale, zp);
        *lo = z > qmin ? z : qmin;
        if (act == 3) {
            int32_t s = quantize_act(6.0f, scale, zp);
            *hi = s < qmax ? s : qmax;
        }
    } else if (act == 2) { /* RELU_N1_TO_1 */
        int32_t a = quantize_act(-1.0f, scale, zp), b = quantize_act(1.0f, scale, zp);
        *lo = a > qmin ? a : qmin;
        *hi = b < qmax ? b : qmax;
    }
}

ml_rq_plan ml_rq_prepare(const ml_requant_t *q, int32_t n, ml_rq_chan *ch)
{
    ml_rq_plan plan = { ch, ML_RQ_RIGHT_POS };
    for (int32_t i = 0; i < n; i++) {
        const int32_t c = i & q->channel_mask, s = q->shift[c];
        if (s > 0) return (ml_rq_plan){ NULL, ML_RQ_GENERIC };
        if (s == 0) plan.kind = ML_RQ_RIGHT;
        ch[i].m = q->mult[c];
        ch[i].e = (uint8_t)-s;
        ch[i].total = (uint8_t)(31 - s);
        ch[i].half = (uint8_t)(30 - s);
        ch[i].unused = 0;
    }
    return plan;
}

void ml_requant_row(const ml_requant_t *q, const ml_rq_plan *plan, const int32_t *acc, int32_t n,
                    int8_t *out)
{
    const ml_rq_chan *const ch = plan->ch;
    const int32_t zp = q->zp, lo = q->lo, hi = q->hi;
    if (plan->kind == ML_RQ_RIGHT_POS) {
        /* unrolled: the three pointer steps and the branch are shared by 4 outputs */
        int32_t i = 0;
        for (; i + 4 <= n; i += 4)
            for (int k = 0; k < 4; k++)
                out[i + k] = ml_rq_out_chan(&ch[i + k], acc[i + k], zp, lo, hi);
        for (; i < n; i++) out[i] = ml_rq_out_chan(&ch[i], acc[i], zp, lo, hi);
    } else if (plan->kind == ML_RQ_RIGHT) {
        for (int32_t i = 0; i < n; i++) {
            const int32_t e = ch[i].e;
            const int64_t v = ((int64_t)acc[i] * ch[i].m + (1LL << 30)) >> 31;
            const int64_t h = ((int64_t)1 << e) >> 1, em = -(int64_t)(e > 0);
            int32_t y = (int32_t)((v + h + ((v >> 63) & em)) >> e) + zp;
            y = y < lo ? lo : y;
            y = y > hi ? hi : y;
            out[i] = (int8_t)y;
        }
    } else {
        for (int32_t i = 0; i < n; i++) out[i] = ml_requant8(q, i, acc[i]);
    }
}
