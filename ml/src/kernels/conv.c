/* CONV_2D, int8 per-channel (reference_integer_ops::ConvPerChannel, ml.md 2.5).
 * Speed: the input offset is folded into a per-channel constant (bias - zp_in * sum(w)),
 * computed once per invoke from the weights, so interior pixels need only int8 products;
 * they are computed 2 pixels x 4 channels at a time over contiguous runs (kernel rows), with
 * no index arithmetic inside the MAC loop. When the patch is small (K <= ML_CONV_PACK_MAX) the
 * two pixels' inputs are first packed into one 64-bit word per tap (x0 + x1 * 2^32), so one
 * 64-bit multiply-add computes both pixels' products (see block2x4_packed). A 1x1 stride-1
 * convolution is one long row of pixels, so its pairs run across image rows. Only border
 * pixels (taps in the padding) take the reference-style path. */
#include <stdint.h>
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

/* Two pixels' patches packed per tap as x0 + x1 * 2^32 (8 bytes a tap, in scratch) cost less
 * arena than they save instructions only for small patches; larger ones use block2x4. */
#define ML_CONV_PACK_MAX 256

/* Where ml_eval_conv keeps its per-invoke data in the scratch (conv_scratch_bytes). */
typedef struct {
    const int32_t *kb;      /* folded constant per output channel */
    int32_t *row;           /* two pixels' int32 sums, requantized a pixel at a time */
    ml_rq_chan *rq_chan;    /* fast requantization constants (see ml_rq_prepare) */
    ml_rq_plan rq;
    int64_t *packed;        /* two pixels' taps packed, NULL for large patches */
} conv_work;

static uint32_t conv_scratch_bytes(int32_t O, int64_t K)
{
    const uint32_t o2 = (uint32_t)((O + 1) & ~1);
    return 12u * o2 + (uint32_t)sizeof(ml_rq_chan) * (uint32_t)O + (K <= ML_CONV_PACK_MAX ? 8u * (uint32_t)K : 0u);
}

static conv_work conv_work_in(uint8_t *scratch, int32_t O, int32_t K)
{
    const uint32_t o2 = (uint32_t)((O + 1) & ~1);
    conv_work w;
    w.kb = (const int32_t *)(void *)scratch;
    w.row = (int32_t *)(void *)(scratch + 4u * o2);
    w.rq_chan = (ml_rq_chan *)(void *)(scratch + 12u * o2);
    /* 12 * o2 and 16 * O keep the packed taps 8-byte aligned (the scratch is 16-aligned). */
    w.packed = K <= ML_CONV_PACK_MAX ? (int64_t *)(void *)(scratch + 12u * o2 + sizeof(ml_rq_chan) * (uint32_t)O) : NULL;
    return w;
}


/* gcc 12's pre-RA scheduler hoists all loads of the unrolled MAC block and spills them on
 * rv64 (3.9 instead of 2.97 instructions per MAC in block2x4). */
#if defined(__riscv) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

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
    s->scratch = conv_scratch_bytes(O, (int64_t)KH * KW * I);
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

/* 2 pixels x 4 output channels over one contiguous run of n taps: each input byte feeds 4
 * MACs and each weight byte 2; 8 accumulators + 6 pointers fit the registers of rv64 (4x4
 * would spill). Unrolled by 4 so the pointer updates are shared by 32 MACs. */
static inline void block2x4(const int8_t *x0, const int8_t *x1, const int8_t *const w[4], int32_t n,
                            int32_t acc[8])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    const int8_t *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
    int32_t i = 0;
#define ML_MAC2x4(k)                                                              \
    do {                                                                          \
        const int32_t p0 = x0[k], p1 = x1[k];                                     \
        const int32_t q0 = w0[k], q1 = w1[k], q2 = w2[k], q3 = w3[k];             \
        a0 += p0 * q0; a1 += p0 * q1; a2 += p0 * q2; a3 += p0 * q3;               \
        b0 += p1 * q0; b1 += p1 * q1; b2 += p1 * q2; b3 += p1 * q3;               \
    } while (0)
    for (; i + 4 <= n; i += 4) {
        ML_MAC2x4(i); ML_MAC2x4(i + 1); ML_MAC2x4(i + 2); ML_MAC2x4(i + 3);
    }
    for (; i < n; i++) ML_MAC2x4(i);
#undef ML_MAC2x4
    acc[0] += a0; acc[1] += a1; acc[2] += a2; acc[3] += a3;
    acc[4] += b0; acc[5] += b1; acc[6] += b2; acc[7] += b3;
}

/* 2 pixels x 4 channels from packed taps p[k] = x0[k] + x1[k] * 2^32: each 64-bit product
 * p[k] * w[k] holds both pixels' products, and the sum stays exact (|sum of x0 * w| < 2^31
 * by the 65536-tap bound, the x1 part < 2^62), so the low 32 bits are pixel 0's sum and the
 * rest, after removing it, pixel 1's. 13 instructions per 8 MACs instead of 22. */
static inline void block2x4_packed(const int64_t *p, const int8_t *const w[4], int32_t n, int32_t acc[8])
{
    int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const int8_t *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
    int32_t i = 0;
#define ML_PMAC(k)                                                                \
    do {                                                                          \
        const int64_t pk = p[k];                                                  \
        a0 += pk * w0[k]; a1 += pk * w1[k]; a2 += pk * w2[k]; a3 += pk * w3[k];   \
    } while (0)
    /* by 16: the 5 pointer updates and the branch are shared by 128 MACs */
    for (; i + 16 <= n; i += 16) {
        ML_PMAC(i); ML_PMAC(i + 1); ML_PMAC(i + 2); ML_PMAC(i + 3);
        ML_PMAC(i + 4); ML_PMAC(i + 5); ML_PMAC(i + 6); ML_PMAC(i + 7);
        ML_PMAC(i + 8); ML_PMAC(i + 9); ML_PMAC(i + 10); ML_PMAC(i + 11);
        ML_PMAC(i + 12); ML_PMAC(i + 13); ML_PMAC(i + 14); ML_PMAC(i + 15);
    }
    for (; i + 8 <= n; i += 8) {
        ML_PMAC(i); ML_PMAC(i + 1); ML_PMAC(i + 2); ML_PMAC(i + 3);
        ML_PMAC(i + 4); ML_PMAC(i + 5); ML_PMAC(i + 6); ML_PMAC(i + 7);
    }
    for (; i + 4 <= n; i += 4) {
        ML_PMAC(i); ML_PMAC(i + 1); ML_PMAC(i + 2); ML_PMAC(i + 3);
    }
    for (; i < n; i++) ML_PMAC(i);
#undef ML_PMAC
    const int64_t a[4] = { a0, a1, a2, a3 };
    for (int k = 0; k < 4; k++) {
        const int32_t lo = (int32_t)(uint32_t)(uint64_t)a[k];
        acc[k] += lo;
        acc[4 + k] += (int32_t)((a[k] - lo) >> 32);
    }
}

/* Sum of n filter bytes for the folded constant. Done once per invoke over the whole filter,
 * which on the 3x3 maps at the end of MobileNet costs a third as much as the MACs, so 8
 * bytes at a time: each byte biased by 128 (xor) is unsigned, pairs of bytes add into 16-bit
 * lanes (at most 510 per word, so 128 words fit before the lanes are folded). */
static int32_t sum_bytes(const int8_t *w, int32_t n)
{
    const uint64_t lo8 = 0x00FF00FF00FF00FFull, lo16 = 0x0000FFFF0000FFFFull;
    int32_t s = 0, i = 0;
    for (; i < n && ((uintptr_t)(w + i) & 7u); i++) s += w[i];
    while (n - i >= 8) {
        int32_t words = (n - i) / 8;
        if (words > 128) words = 128;
        uint64_t lanes = 0;
        for (int32_t k = 0; k < words; k++, i += 8) {
            uint64_t v;
            __builtin_memcpy(&v, __builtin_assume_aligned(w + i, 8), 8);
            v ^= 0x8080808080808080ull;
            lanes += (v & lo8) + ((v >> 8) & lo8);
        }
        lanes = (lanes & lo16) + ((lanes >> 16) & lo16);
        s += (int32_t)((lanes & 0xFFFFFFFFu) + (lanes >> 32)) - 128 * 8 * words;
    }
    for (; i < n; i++) s += w[i];
    return s;
}

static inline int8_t requant(const ml_requant_t *q, int32_t oc, int32_t kb, int32_t sum)
{
    return ml_requant8(q, oc, (int32_t)((uint32_t)kb + (uint32_t)sum));
}

static inline ml_requant_t requant_of(const ml_op *op)
{
    return (ml_requant_t){ op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
}

/* Contiguous runs of one interior pixel's patch: kernel rows when dilation_w is 1 (kw * I
 * bytes each), else single taps (I bytes). run r starts at x_off(r) in the input and at
 * r * run_len in each filter. */
typedef struct { int32_t runs, run_len, kw_runs, row_step, tap_step; } patch_t;

static inline size_t x_off(const patch_t *pt, int32_t r)
{
    return (size_t)(r / pt->kw_runs) * (size_t)pt->row_step + (size_t)(r % pt->kw_runs) * (size_t)pt->tap_step;
}

/* Interior pixel range [ox_a, ox_b) of one output row: every tap inside the image. */
static void conv_interior(const ml_op *op, const conv_work *wk, const int8_t *img, int32_t iy0,
                          int32_t ox_a, int32_t ox_b, int8_t *out_row, const patch_t *pt)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, I = g->in_c, K = g->k_h * g->k_w * I;
    const ml_requant_t q = requant_of(op);
    const int32_t O4 = O & ~3;
    const int32_t *const kb = wk->kb;
    int32_t *const row0 = wk->row, *const row1 = wk->row + O;
    int64_t *const packed = wk->packed;
    int32_t ox = ox_a;
    /* With packed taps the odd last pixel goes through the packed block too, with a zero
     * partner (its second sums are computed and dropped): far cheaper than dot8. */
    for (; ox + 2 <= ox_b || (packed && ox < ox_b); ox += 2) {
        const int odd = ox + 1 == ox_b;
        const int8_t *base0 = img + ((size_t)iy0 * g->in_w + (size_t)(ox * g->stride_w - g->pad_l)) * I;
        const int8_t *base1 = base0 + (size_t)g->stride_w * I;
        int8_t *o = out_row + (size_t)ox * O;
        if (packed) {
            for (int32_t r = 0; r < pt->runs; r++) {
                const size_t xo = x_off(pt, r);
                int64_t *pr = packed + (size_t)r * pt->run_len;
                if (odd)
                    for (int32_t j = 0; j < pt->run_len; j++) pr[j] = base0[xo + j];
                else
                    for (int32_t j = 0; j < pt->run_len; j++)
                        pr[j] = (int64_t)base0[xo + j] + (int64_t)base1[xo + j] * ((int64_t)1 << 32);
            }
        }
        for (int32_t oc = 0; oc < O4; oc += 4) {
            int32_t acc[8] = { 0 };
            if (packed) {
                const int8_t *ws[4];
                for (int k = 0; k < 4; k++) ws[k] = op->w + (size_t)(oc + k) * K;
                block2x4_packed(packed, ws, K, acc);
            } else for (int32_t r = 0; r < pt->runs; r++) {
                size_t xo = x_off(pt, r);
                const int8_t *ws[4];
                for (int k = 0; k < 4; k++) ws[k] = op->w + (size_t)(oc + k) * K + (size_t)r * pt->run_len;
                block2x4(base0 + xo, base1 + xo, ws, pt->run_len, acc);
            }
            for (int k = 0; k < 4; k++) {
                row0[oc + k] = (int32_t)((uint32_t)kb[oc + k] + (uint32_t)acc[k]);
                row1[oc + k] = (int32_t)((uint32_t)kb[oc + k] + (uint32_t)acc[4 + k]);
            }
        }
        for (int32_t oc = O4; oc < O; oc++)
            for (int j = 0; j < 2 - odd; j++) {
                const int8_t *bj = j ? base1 : base0;
                int32_t sum = 0;
                for (int32_t r = 0; r < pt->runs; r++)
                    sum += dot8(op->w + (size_t)oc * K + (size_t)r * pt->run_len, bj + x_off(pt, r), pt->run_len);
                (j ? row1 : row0)[oc] = (int32_t)((uint32_t)kb[oc] + (uint32_t)sum);
            }
        ml_requant_row(&q, &wk->rq, row0, O, o);
        if (!odd) ml_requant_row(&q, &wk->rq, row1, O, o + O);
    }
    for (; ox < ox_b; ox++) {
        const int8_t *base = img + ((size_t)iy0 * g->in_w + (size_t)(ox * g->stride_w - g->pad_l)) * I;
        int8_t *o = out_row + (size_t)ox * O;
        for (int32_t oc = 0; oc < O; oc++) {
            int32_t sum = 0;
            for (int32_t r = 0; r < pt->runs; r++)
                sum += dot8(op->w + (size_t)oc * K + (size_t)r * pt->run_len, base + x_off(pt, r), pt->run_len);
            row0[oc] = (int32_t)((uint32_t)kb[oc] + (uint32_t)sum);
        }
        ml_requant_row(&q, &wk->rq, row0, O, o);
    }
}

/* Border pixel: only the taps inside the image, reference form sum(w * (x - zp)) + bias. */
static void conv_border(const ml_op *op, const int8_t *img, int32_t iy0, int32_t ix0, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, I = g->in_c, K = g->k_h * g->k_w * I, zp = op->in_zp;
    const ml_requant_t q = requant_of(op);
    for (int32_t oc = 0; oc < O; oc++) {
        const int8_t *wp = op->w + (size_t)oc * K;
        int32_t s = 0;
        for (int32_t ky = 0; ky < g->k_h; ky++) {
            int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue;
            for (int32_t kx = 0; kx < g->k_w; kx++) {
                int32_t ix = ix0 + kx * g->dil_w;
                if (ix < 0 || ix >= g->in_w) continue;
                const int8_t *xp = img + ((size_t)iy * g->in_w + (size_t)ix) * I;
                const int8_t *wk = wp + (ky * g->k_w + kx) * I;
                for (int32_t ic = 0; ic < I; ic++) s += wk[ic] * (xp[ic] - zp);
            }
        }
        int32_t bias = op->bias ? ml_bias_at(op->bias, oc) : 0;
        o[oc] = requant(&q, oc, bias, s);
    }
}

void ml_eval_conv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, I = g->in_c, K = g->k_h * g->k_w * I;
    const int32_t zp = op->in_zp;
    conv_work wk = conv_work_in(scratch, O, K);
    int32_t *kb = (int32_t *)(void *)scratch;
    const ml_requant_t q = requant_of(op);
    wk.rq = ml_rq_prepare(&q, O, wk.rq_chan);
    for (int32_t oc = 0; oc < O; oc++) {
        const int32_t sum = sum_bytes(op->w + (size_t)oc * K, K);
        uint32_t bias = op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
        kb[oc] = (int32_t)(bias - (uint32_t)zp * (uint32_t)sum);
    }
    patch_t pt;
    if (g->dil_w == 1) {
        pt.runs = g->k_h; pt.run_len = g->k_w * I; pt.kw_runs = 1;
    } else {
        pt.runs = g->k_h * g->k_w; pt.run_len = I; pt.kw_runs = g->k_w;
    }
    pt.row_step = g->dil_h * g->in_w * I;
    pt.tap_step = g->dil_w * I;
    const int32_t span_h = (g->k_h - 1) * g->dil_h, span_w = (g->k_w - 1) * g->dil_w;
    /* interior columns: ix0 >= 0 and ix0 + span_w < in_w */
    int32_t ox_a = (g->pad_l + g->stride_w - 1) / g->stride_w;
    int32_t ox_b = g->in_w - 1 - span_w + g->pad_l < 0 ? 0 : (g->in_w - 1 - span_w + g->pad_l) / g->stride_w + 1;
    if (ox_b > g->out_w) ox_b = g->out_w;
    if (ox_a > ox_b) ox_a = ox_b;
    const int pointwise = g->k_h == 1 && g->k_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
                          g->pad_t == 0 && g->pad_l == 0;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * I;
        if (pointwise) {
            /* out_h x out_w pixels == in_h x in_w contiguous input pixels: one long row */
            conv_interior(op, &wk, img, 0, 0, g->out_h * g->out_w,
                          op->out + (size_t)b * g->out_h * g->out_w * O, &pt);
            continue;
        }
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            int8_t *row = op->out + ((size_t)b * g->out_h + (size_t)oy) * g->out_w * O;
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            if (iy0 >= 0 && iy0 + span_h < g->in_h) {
                for (int32_t ox = 0; ox < ox_a; ox++)
                    conv_border(op, img, iy0, ox * g->stride_w - g->pad_l, row + (size_t)ox * O);
                conv_interior(op, &wk, img, iy0, ox_a, ox_b, row, &pt);
                for (int32_t ox = ox_b; ox < g->out_w; ox++)
                    conv_border(op, img, iy0, ox * g->stride_w - g->pad_l, row + (size_t)ox * O);
            } else {
                for (int32_t ox = 0; ox < g->out_w; ox++)
                    conv_border(op, img, iy0, ox * g->stride_w - g->pad_l, row + (size_t)ox * O);
            }
        }
    }
}
