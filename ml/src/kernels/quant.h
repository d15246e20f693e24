/* The integer requantization arithmetic of TFLite Micro (gemmlowp double rounding, ml.md 2.3)
 * and the prepare-time helpers that turn float scales into it (ml.md 2.2, 2.4). */
#ifndef ML_QUANT_H
#define ML_QUANT_H
#include <stdint.h>

/* SaturatingRoundingDoublingHighMul. gemmlowp adds a sign-dependent nudge and divides
 * truncating toward zero; that equals floor((p + 2^30) / 2^31) for every product except the
 * saturating one (for p < 0 both round up exactly when the low 31 bits exceed 2^30), and
 * the floor form needs no branch. */
static inline int32_t ml_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) return INT32_MAX;
    return (int32_t)(((int64_t)a * b + (1LL << 30)) >> 31);
}

/* RoundingDivideByPOT, 0 <= e <= 31: round half away from zero. Written as one shift of
 * x + 2^(e-1) - (x < 0), which is the same value (for e > 0) without a branch. */
static inline int32_t ml_rdbpot(int32_t x, int e)
{
    int64_t half = (1LL << e) >> 1;
    int64_t neg = (x < 0) & (e > 0);
    return (int32_t)(((int64_t)x + half - neg) >> e);
}

/* MultiplyByQuantizedMultiplier; the left shift wraps like TFLM's int32 multiply does. */
static inline int32_t ml_mbqm(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return ml_rdbpot(ml_srdhm((int32_t)((uint32_t)x << left), mult), right);
}

/* Requantization constants of one operator copied into locals: the int8 output stores may
 * alias anything, so reading them through the op record would reload them per output. */
typedef struct {
    const int32_t *mult;
    const int8_t *shift;
    int32_t channel_mask, zp, lo, hi; /* channel_mask: -1 per-channel, 0 per-tensor */
} ml_requant_t;

static inline int8_t ml_requant8(const ml_requant_t *q, int32_t oc, int32_t acc)
{
    const int32_t i = oc & q->channel_mask;
    int32_t v = ml_mbqm(acc, q->mult[i], q->shift[i]) + q->zp;
    return (int8_t)(v < q->lo ? q->lo : v > q->hi ? q->hi : v);
}

/* Per-channel constants of the fast requantization, valid when the channel's shift is <= 0
 * (a right shift e = -shift, as for every conv/FC of the core models):
 *   y = clamp(((SRDHM(acc, m) + h + (sign(SRDHM) & em)) >> e) + zp)
 * with h = 2^(e-1) (0 for e = 0) and em = -1 for e > 0, else 0: RDBPOT without a branch.
 * For e >= 1 the one-step form of ml_rq_right applies, which needs only the shift amounts
 * 31 + e and 30 + e: they fit the bytes left over next to m and e (no more arena), and
 * saving their two additions is 10% of a requantized output.
 * The multipliers are never negative (ml_quantize_multiplier), so SRDHM cannot saturate. */
typedef struct {
    int32_t m;
    uint8_t e;          /* right shift */
    uint8_t total;      /* 31 + e and 30 + e, kept too so the fast path need not add them */
    uint8_t half;
    uint8_t unused;
} ml_rq_chan;           /* 8 bytes a channel of scratch */

/* The fast requantization of one value for a channel that shifts right by e >= 1, in one
 * 64-bit step. RDBPOT(SRDHM(acc, m), e) = (v + 2^(e-1) - (v < 0)) >> e with
 * v = (acc * m + 2^30) >> 31; floor((floor(z) + c) / 2^e) = floor((z + c) / 2^e) for an
 * integer c, so both roundings merge into
 *   (acc * m + 2^30 + 2^(30+e) - 2^31 * (v < 0)) >> (31 + e).
 * v < 0 may be replaced by acc < 0 (m >= 0): they differ only when v == 0, where
 * (2^(e-1) - 1) >> e and 2^(e-1) >> e are both 0. -2^31 * (acc < 0) is acc & INT32_MIN. |acc * m| <= 2^62 and the added terms are below 2^62, so nothing overflows. */
static inline int64_t ml_rq_right(int32_t acc, int32_t m, int32_t e)
{
    const int64_t a = acc;
    const int64_t t = a * m + (int64_t)(acc & INT32_MIN) + ((int64_t)1 << 30) + ((int64_t)1 << (30 + e));
    return t >> (31 + e); /* fits int32; kept 64-bit so rv64 needs no sign re-extension */
}

/* ml_rq_right, output zero point and activation clamp: one int8 output. */
static inline int8_t ml_rq_out(int32_t acc, int32_t m, int32_t e, int32_t zp, int32_t lo, int32_t hi)
{
    int64_t y = ml_rq_right(acc, m, e) + zp;
    if (y < lo) y = lo;
    if (y > hi) y = hi;
    return (int8_t)y;
}

/* ml_rq_out (ml_rq_right form) with a channel's prepared constants, e >= 1. */
static inline int8_t ml_rq_out_sh(int32_t acc, int32_t m, int32_t total, int32_t half, int32_t zp, int32_t lo,
                                  int32_t hi)
{
    const int64_t a = acc;
    const int64_t t = a * m + (int64_t)(acc & INT32_MIN) + ((int64_t)1 << 30) + ((int64_t)1 << half);
    int64_t y = (t >> total) + zp;
    if (y < lo) y = lo;
    if (y > hi) y = hi;
    return (int8_t)y;
}

static inline int8_t ml_rq_out_chan(const ml_rq_chan *c, int32_t acc, int32_t zp, int32_t lo, int32_t hi)
{
    return ml_rq_out_sh(acc, c->m, c->total, c->half, zp, lo, hi);
}

/* How a row is requantized: through ch (kind RIGHT: every channel shifts right or not at
 * all; kind RIGHT_POS: every channel shifts right by at least 1, so RDBPOT needs no e > 0
 * mask) or, kind GENERIC, by ml_requant8 (some channel shifts left). */
enum { ML_RQ_GENERIC, ML_RQ_RIGHT, ML_RQ_RIGHT_POS };
typedef struct { const ml_rq_chan *ch; int kind; } ml_rq_plan;

/* Fills ch[0..n) for output channels 0..n-1 and says which kind applies. */
ml_rq_plan ml_rq_prepare(const ml_requant_t *q, int32_t n, ml_rq_chan *ch);

/* out[i] = clamp(MBQM(acc[i], mult, shift of channel i) + zp) for channels 0..n-1: the same
 * values as ml_requant8. */
void ml_requant_row(const ml_requant_t *q, const ml_rq_plan *plan, const int32_t *acc, int32_t n,
                    int8_t *out);

/* QuantizeMultiplier: M = mult * 2^(shift-31). Returns 0 when M is not finite/negative. */
int ml_quantize_multiplier(double m, int32_t *mult, int *shift);
/* Round half away from zero, saturating to int32 (TfLiteRound on float). */
int32_t ml_round_f32(float f);
/* CalculateActivationRangeQuantized for int8 output; act is ActivationFunctionType. */
void ml_activation_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi);

#endif
