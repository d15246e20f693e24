/* The integer requantization arithmetic of TFLite Micro (gemmlowp double rounding, ml.md 2.3)
 * and the prepare-time helpers that turn float scales into it (ml.md 2.2, 2.4). */
#ifndef ML_QUANT_H
#define ML_QUANT_H
#include <stdint.h>

/* SaturatingRoundingDoublingHighMul */
static inline int32_t ml_srdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) return INT32_MAX;
    int64_t p = (int64_t)a * b;
    int64_t nudge = p >= 0 ? (1 << 30) : 1 - (1 << 30);
    return (int32_t)((p + nudge) / (1LL << 31));
}

/* RoundingDivideByPOT, 0 <= e <= 31 */
static inline int32_t ml_rdbpot(int32_t x, int e)
{
    int32_t mask = (int32_t)((1LL << e) - 1);
    int32_t rem = x & mask;
    int32_t thr = (mask >> 1) + (x < 0);
    return (x >> e) + (rem > thr);
}

/* MultiplyByQuantizedMultiplier; the left shift wraps like TFLM's int32 multiply does. */
static inline int32_t ml_mbqm(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return ml_rdbpot(ml_srdhm((int32_t)((uint32_t)x << left), mult), right);
}

/* QuantizeMultiplier: M = mult * 2^(shift-31). Returns 0 when M is not finite/negative. */
int ml_quantize_multiplier(double m, int32_t *mult, int *shift);
/* Round half away from zero, saturating to int32 (TfLiteRound on float). */
int32_t ml_round_f32(float f);
/* CalculateActivationRangeQuantized for int8 output; act is ActivationFunctionType. */
void ml_activation_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi);

#endif
