/* DEPTHWISE_CONV_2D, int8 per-channel, any depth multiplier (ml.md 2.6):
 * output channel oc = ic * mult + m. Full windows use the folded per-channel constant
 * (bias - zp_in * sum(w)) so the MAC loop has no offset; border pixels visit only their valid
 * taps and subtract the offset there. No division or bounds test inside any MAC loop. */
#include "kernels.h"
#include "quant.h"
#include "../reader/schema.h"

/* gcc 12's pre-RA scheduler hoists the loads of the unrolled taps and spills them on rv64
 * (as in conv.c). */
#if defined(__riscv) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

lark_ml_status ml_setup_dwconv(ml_setup *s)
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
    if (s->info->options_type != OPT_DEPTHWISE_CONV2D || !s->info->has_options)
        return ml_bad(s, LARK_ML_E_MODEL, "missing DepthwiseConv2DOptions (options type %d)", s->info->options_type, 0, 0);
    int32_t KH = w->dims[1], KW = w->dims[2], O = w->dims[3], C = in->dims[3];
    if (w->dims[0] != 1)
        return ml_bad(s, LARK_ML_E_MODEL, "filter first dimension is %d, expected 1", w->dims[0], 0, 0);
    int64_t pad, sw, sh, dw, dh, mult;
    if ((st = ml_int_option(s, DW_PADDING, 1, 0, &pad, "padding")) ||
        (st = ml_int_option(s, DW_STRIDE_W, 4, 0, &sw, "stride_w")) ||
        (st = ml_int_option(s, DW_STRIDE_H, 4, 0, &sh, "stride_h")) ||
        (st = ml_int_option(s, DW_DEPTH_MULTIPLIER, 4, 0, &mult, "depth_multiplier")) ||
        (st = ml_int_option(s, DW_DILATION_W, 4, 1, &dw, "dilation_w_factor")) ||
        (st = ml_int_option(s, DW_DILATION_H, 4, 1, &dh, "dilation_h_factor")))
        return st;
    if (mult < 1 || (int64_t)C * mult != O)
        return ml_bad(s, LARK_ML_E_MODEL, "depth_multiplier %d: input depth %d x multiplier != filter depth %d",
                      (int)mult, C, O);
    if (s->n_in == 3 && s->has_in[2]) {
        if ((st = ml_need_type(s, b, LARK_ML_INT32, "bias")) || (st = ml_need_const(s, b, "bias"))) return st;
        if (b->elems != (uint32_t)O)
            return ml_bad(s, LARK_ML_E_MODEL, "bias has %d values for %d channels", (int)b->elems, O, 0);
    }
    if ((int64_t)KH * KW > 65536)
        return ml_bad(s, LARK_ML_E_LIMIT, "kernel %dx%d exceeds 65536 taps", KH, KW, 0);
    if (sh < 1 || sh > 65535 || sw < 1 || sw > 65535 || dh < 1 || dh > 65535 || dw < 1 || dw > 65535)
        return ml_bad(s, LARK_ML_E_MODEL, "stride %dx%d / dilation must be 1..65535", (int)sh, (int)sw, 0);
    ml_geom g = { in->dims[0], in->dims[1], in->dims[2], C, 0, 0, O,
                  KH, KW, (int32_t)sh, (int32_t)sw, (int32_t)dh, (int32_t)dw, 0, 0, (int32_t)mult };
    if ((st = ml_padding(s, (int)pad, g.in_h, KH, g.stride_h, g.dil_h, &g.out_h, &g.pad_t, "height")) ||
        (st = ml_padding(s, (int)pad, g.in_w, KW, g.stride_w, g.dil_w, &g.out_w, &g.pad_l, "width")))
        return st;
    if (out->dims[0] != g.batches || out->dims[1] != g.out_h || out->dims[2] != g.out_w || out->dims[3] != O)
        return ml_bad(s, LARK_ML_E_MODEL, "output shape does not match computed %dx%dx%d", g.out_h, g.out_w, O);
    if ((st = ml_channel_multipliers(s, w, (uint32_t)O, 3, 0))) return st;
    if ((st = ml_activation(s, DW_ACTIVATION))) return st;
    s->scratch = 12u * (uint32_t)O + (uint32_t)sizeof(ml_rq_chan) * (uint32_t)O;
    s->macs = (uint64_t)out->elems * (uint64_t)(KH * KW);
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

/* Valid tap range [k0, k1) of a kernel axis starting at input coordinate i0. */
static inline void tap_range(int32_t i0, int32_t k, int32_t d, int32_t n, int32_t *k0, int32_t *k1)
{
    *k0 = i0 >= 0 ? 0 : (-i0 + d - 1) / d;
    *k1 = i0 > n - 1 ? 0 : (n - 1 - i0) / d + 1;
    if (*k1 > k) *k1 = k;
    if (*k0 > *k1) *k0 = *k1;
}

/* Multiplier 1, 4 channels at a time, the valid taps [ky0, ky1) x [kx0, kx1) of one pixel:
 * the 4 sums stay in registers over all taps and each tap is 4 byte loads from the input and
 * 4 from the filter (immediate offsets), so no per-tap index arithmetic beyond two pointer
 * steps. Full windows start from the folded constant kb (sub = 0); border pixels start from
 * the bias and subtract the input zero point per tap (sub = zp), as the reference does. */
static void dw_c4(const ml_op *op, const int32_t *kb, const int8_t *img, int32_t iy0, int32_t ix0,
                  int32_t sub, int32_t *row_acc, const ml_rq_plan *rq, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    const uint8_t *const bias = op->bias;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
    tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const int8_t *x00 = img + ((size_t)(iy0 + ky0 * g->dil_h) * g->in_w + (size_t)(ix0 + kx0 * g->dil_w)) * C;
    const int8_t *w00 = op->w + (size_t)(ky0 * g->k_w + kx0) * C;
    const int32_t nkx = kx1 - kx0;
    for (int32_t c = 0; c + 4 <= C; c += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const int8_t *xr = x00 + c, *wr = w00 + c;
        for (int32_t ky = ky0; ky < ky1; ky++, xr += row, wr += (size_t)g->k_w * C) {
            const int8_t *xp = xr, *wp = wr;
            for (int32_t kx = 0; kx < nkx; kx++, xp += step, wp += C) {
                a0 += wp[0] * (xp[0] - sub);
                a1 += wp[1] * (xp[1] - sub);
                a2 += wp[2] * (xp[2] - sub);
                a3 += wp[3] * (xp[3] - sub);
            }
        }
        const int32_t a[4] = { a0, a1, a2, a3 };
        for (int k = 0; k < 4; k++) {
            const uint32_t start = kb ? (uint32_t)kb[c + k] : bias ? (uint32_t)ml_bias_at(bias, c + k) : 0;
            row_acc[c + k] = (int32_t)(start + (uint32_t)a[k]);
        }
    }
    ml_requant_row(&q, rq, row_acc, C, o);
}

/* One channel of two pixels, requantized straight from the registers when every channel
 * shifts right (ML_RQ_RIGHT_POS): the multiplier and shift are loaded once for both, and
 * no sum goes through memory. */
static inline void rq_pair(const ml_rq_chan *ch, int32_t kb, int32_t a, int32_t b, int32_t zp,
                           int32_t lo, int32_t hi, int8_t *o0, int8_t *o1)
{
    const ml_rq_chan c = *ch;
    *o0 = ml_rq_out_chan(&c, (int32_t)((uint32_t)kb + (uint32_t)a), zp, lo, hi);
    *o1 = ml_rq_out_chan(&c, (int32_t)((uint32_t)kb + (uint32_t)b), zp, lo, hi);
}

/* ---- 3x3, multiplier 1, channels a multiple of 4, every channel shifting right ----
 * The MobileNet case, as one pass over the layer with no sum going through memory. Per group
 * of 4 channels the per-invoke constants sit together in one 76-byte block (the folded
 * constant, the requantization and the 9 taps' filter bytes re-laid out tap by tap), so the
 * MAC loop addresses all of them by immediate offsets from one pointer: with the filter in
 * its model layout (tap stride C) the 9 filter streams plus 12 input streams of a pixel pair
 * do not fit the registers and gcc spills. 19 bytes a channel, + 1 for the zero-point row:
 * dwconv's 20. */
typedef struct {
    int32_t kb[4];      /* bias - zp_in * sum(w) */
    int32_t m[4];       /* multiplier; the channel shifts right by e >= 1 (ml_rq_right) */
    uint8_t total[4];   /* 31 + e */
    uint8_t half[4];    /* 30 + e */
    int8_t w[9][4];     /* w[ky * 3 + kx][k] */
} dw3_block;
_Static_assert(sizeof(dw3_block) == 76 && 76 / 4 + 1 <= 12 + sizeof(ml_rq_chan),
               "dw3 blocks and the zero-point row must fit dwconv's scratch");

static int dw3_applies(const ml_op *op)
{
    const ml_geom *g = &op->u.g;
    if (g->depth_mult != 1 || g->in_c % 4 || g->k_h != 3 || g->k_w != 3 || g->dil_h != 1 || g->dil_w != 1)
        return 0;
    if (op->in_zp < -128 || op->in_zp > 127) return 0; /* the padding row holds it as int8 */
    for (uint32_t i = 0; i < op->n_mult; i++)
        if (op->shift[i] > -1) return 0;
    return 1;
}

static void dw3_prepare(const ml_op *op, dw3_block *blk)
{
    const int32_t C = op->u.g.in_c, per_channel = op->n_mult > 1;
    for (int32_t c = 0; c < C; c++) {
        dw3_block *const b = &blk[c / 4];
        const int k = c % 4;
        int32_t sum = 0;
        for (int t = 0; t < 9; t++) {
            b->w[t][k] = op->w[(size_t)t * C + c];
            sum += b->w[t][k];
        }
        const uint32_t bias = op->bias ? (uint32_t)ml_bias_at(op->bias, c) : 0;
        b->kb[k] = (int32_t)(bias - (uint32_t)op->in_zp * (uint32_t)sum);
        b->m[k] = op->mult[per_channel ? c : 0];
        b->total[k] = (uint8_t)(31 - op->shift[per_channel ? c : 0]);
        b->half[k] = (uint8_t)(30 - op->shift[per_channel ? c : 0]);
    }
}

/* One tap of a pixel pair: 4 filter bytes, 4 input bytes of each pixel, 8 MACs. */
#define DW3_TAP(wq, xp, yp)                                                               \
    do {                                                                                  \
        const int32_t w0_ = (wq)[0], w1_ = (wq)[1], w2_ = (wq)[2], w3_ = (wq)[3];         \
        a0 += w0_ * (xp)[0]; a1 += w1_ * (xp)[1]; a2 += w2_ * (xp)[2]; a3 += w3_ * (xp)[3]; \
        b0 += w0_ * (yp)[0]; b1 += w1_ * (yp)[1]; b2 += w2_ * (yp)[2]; b3 += w3_ * (yp)[3]; \
    } while (0)

/* Two horizontally adjacent full-window pixels starting at input x0. stride is a constant
 * after inlining: for stride 1 the second pixel's taps are the first pixel's next ones, so
 * each input byte of a row is loaded once. With the filter and constants in the block (one
 * pointer, immediate offsets) the 3 rows can be unrolled without running out of registers. */
static inline __attribute__((always_inline)) void dw3_pair_s(const ml_op *op, const dw3_block *blk,
                                                             const int8_t *x0, int8_t *o, const size_t stride)
{
    const ml_geom *g = &op->u.g;
    const size_t C = (size_t)g->in_c, row = (size_t)g->in_w * C, next = stride * C;
    const int32_t zp = op->out_zp, lo = op->act_min, hi = op->act_max;
    int8_t *o1 = o + C;
    for (const dw3_block *b = blk, *const end = blk + C / 4; b < end; b++, x0 += 4, o += 4, o1 += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        const int8_t *xr = x0;
        const int8_t (*wq)[4] = b->w;
#pragma GCC unroll 3
        for (int ky = 0; ky < 3; ky++, xr += row, wq += 3) {
            const int8_t *const p1 = xr + C, *const p2 = p1 + C;
            DW3_TAP(wq[0], xr, xr + next);
            DW3_TAP(wq[1], p1, p1 + next);
            DW3_TAP(wq[2], p2, p2 + next);
        }
        /* a channel's constants are read once into locals for both pixels (an int8 store
         * may alias the block, so reading them again after a store would reload them) */
        const int32_t s0[4] = { a0, a1, a2, a3 }, s1[4] = { b0, b1, b2, b3 };
        for (int k = 0; k < 4; k++) {
            const uint32_t kb = (uint32_t)b->kb[k];
            const int32_t m = b->m[k], total = b->total[k], half = b->half[k];
            o[k] = ml_rq_out_sh((int32_t)(kb + (uint32_t)s0[k]), m, total, half, zp, lo, hi);
            o1[k] = ml_rq_out_sh((int32_t)(kb + (uint32_t)s1[k]), m, total, half, zp, lo, hi);
        }
    }
}
#undef DW3_TAP

static __attribute__((noinline)) void dw3_pair(const ml_op *op, const dw3_block *blk, const int8_t *x0, int8_t *o)
{
    if (op->u.g.stride_w == 1) dw3_pair_s(op, blk, x0, o, 1);
    else if (op->u.g.stride_w == 2) dw3_pair_s(op, blk, x0, o, 2);
    else dw3_pair_s(op, blk, x0, o, (size_t)op->u.g.stride_w);
}

/* Any one pixel (in practice the border ones): the taps outside the image read a row of
 * zp_in bytes instead (x - zp_in = 0 there, as in the reference), so every pixel is a full
 * window from the folded constant, with no per-tap bounds or offset subtraction. */
static __attribute__((noinline)) void dw3_single(const ml_op *op, const dw3_block *blk, const int8_t *img,
                                                 const int8_t *zrow, int32_t iy0, int32_t ix0, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c, zp = op->out_zp, lo = op->act_min, hi = op->act_max;
    const int8_t *t[9];
    for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++) {
            const int32_t iy = iy0 + ky, ix = ix0 + kx;
            const int inside = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
            t[ky * 3 + kx] = inside ? img + ((size_t)iy * g->in_w + (size_t)ix) * C : zrow;
        }
    const int8_t *p0 = t[0], *p1 = t[1], *p2 = t[2], *p3 = t[3], *p4 = t[4], *p5 = t[5], *p6 = t[6],
                 *p7 = t[7], *p8 = t[8];
    for (const dw3_block *b = blk, *const end = blk + C / 4; b < end; b++, o += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#define DW3_TAP1(tap, xp)                                                                  \
        do {                                                                               \
            a0 += b->w[tap][0] * (xp)[0]; a1 += b->w[tap][1] * (xp)[1];                    \
            a2 += b->w[tap][2] * (xp)[2]; a3 += b->w[tap][3] * (xp)[3];                    \
            (xp) += 4;                                                                     \
        } while (0)
        DW3_TAP1(0, p0); DW3_TAP1(1, p1); DW3_TAP1(2, p2);
        DW3_TAP1(3, p3); DW3_TAP1(4, p4); DW3_TAP1(5, p5);
        DW3_TAP1(6, p6); DW3_TAP1(7, p7); DW3_TAP1(8, p8);
#undef DW3_TAP1
        const int32_t s[4] = { a0, a1, a2, a3 };
        for (int k = 0; k < 4; k++)
            o[k] = ml_rq_out_sh((int32_t)((uint32_t)b->kb[k] + (uint32_t)s[k]), b->m[k], b->total[k], b->half[k],
                                zp, lo, hi);
    }
}

static void dw3_eval(const ml_op *op, dw3_block *blk)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c;
    dw3_prepare(op, blk);
    /* after the blocks (19 of dwconv's 20 scratch bytes a channel): C bytes of zp_in */
    int8_t *const zrow = (int8_t *)(void *)(blk + C / 4);
    for (int32_t c = 0; c < C; c++) zrow[c] = (int8_t)op->in_zp;
    int8_t *out = op->out;
    for (int32_t bt = 0; bt < g->batches; bt++) {
        const int8_t *img = op->in + (size_t)bt * g->in_h * g->in_w * C;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            const int inside_y = iy0 >= 0 && iy0 + 2 < g->in_h;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += C) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                if (inside_y && ix0 >= 0 && ox + 1 < g->out_w && ix0 + g->stride_w + 2 < g->in_w) {
                    dw3_pair(op, blk, img + ((size_t)iy0 * g->in_w + (size_t)ix0) * C, out);
                    ox++;
                    out += C;
                } else {
                    dw3_single(op, blk, img, zrow, iy0, ix0, out);
                }
            }
        }
    }
}

/* Multiplier 1, two horizontally adjacent output pixels with full windows, 4 channels at a
 * time: each filter byte is loaded once for both pixels (12 loads + 8 multiply-adds per tap
 * of 8 MACs instead of 16 + 8). */
static void dw_c4_pair(const ml_op *op, const int32_t *kb, const int8_t *x0, int32_t *row_acc,
                       const ml_rq_plan *rq, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c, KH = g->k_h, KW = g->k_w;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const size_t next = (size_t)g->stride_w * C;
    int32_t *const acc0 = row_acc, *const acc1 = row_acc + C;
    for (int32_t c = 0; c + 4 <= C; c += 4) {
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        const int8_t *xr = x0 + c, *wp = op->w + c;
        for (int32_t ky = 0; ky < KH; ky++, xr += row) {
            const int8_t *xp = xr;
            for (int32_t kx = 0; kx < KW; kx++, xp += step, wp += C) {
                const int32_t w0 = wp[0], w1 = wp[1], w2 = wp[2], w3 = wp[3];
                const int8_t *yp = xp + next;
                a0 += w0 * xp[0]; a1 += w1 * xp[1]; a2 += w2 * xp[2]; a3 += w3 * xp[3];
                b0 += w0 * yp[0]; b1 += w1 * yp[1]; b2 += w2 * yp[2]; b3 += w3 * yp[3];
            }
        }
        if (rq->kind == ML_RQ_RIGHT_POS) {
            int8_t *const o0 = o + c, *const o1 = o + C + c;
            rq_pair(rq->ch + c, kb[c], a0, b0, q.zp, q.lo, q.hi, o0, o1);
            rq_pair(rq->ch + c + 1, kb[c + 1], a1, b1, q.zp, q.lo, q.hi, o0 + 1, o1 + 1);
            rq_pair(rq->ch + c + 2, kb[c + 2], a2, b2, q.zp, q.lo, q.hi, o0 + 2, o1 + 2);
            rq_pair(rq->ch + c + 3, kb[c + 3], a3, b3, q.zp, q.lo, q.hi, o0 + 3, o1 + 3);
            continue;
        }
        acc0[c] = (int32_t)((uint32_t)kb[c] + (uint32_t)a0);
        acc0[c + 1] = (int32_t)((uint32_t)kb[c + 1] + (uint32_t)a1);
        acc0[c + 2] = (int32_t)((uint32_t)kb[c + 2] + (uint32_t)a2);
        acc0[c + 3] = (int32_t)((uint32_t)kb[c + 3] + (uint32_t)a3);
        acc1[c] = (int32_t)((uint32_t)kb[c] + (uint32_t)b0);
        acc1[c + 1] = (int32_t)((uint32_t)kb[c + 1] + (uint32_t)b1);
        acc1[c + 2] = (int32_t)((uint32_t)kb[c + 2] + (uint32_t)b2);
        acc1[c + 3] = (int32_t)((uint32_t)kb[c + 3] + (uint32_t)b3);
    }
    if (rq->kind != ML_RQ_RIGHT_POS) {
        ml_requant_row(&q, rq, acc0, C, o);
        ml_requant_row(&q, rq, acc1, C, o + C);
    }
}

/* Depth multiplier M a multiple of 4 (e.g. a 1-channel image widened to 8): 4 output
 * channels of one input channel at a time, so each tap is one input byte and 4 filter bytes.
 * Same start values and zero-point handling as dw_c4. */
static void dw_m4(const ml_op *op, const int32_t *kb, const int8_t *img, int32_t iy0, int32_t ix0,
                  int32_t sub, int32_t *row_acc, const ml_rq_plan *rq, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c, M = g->depth_mult, O = g->out_c;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    const uint8_t *const bias = op->bias;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
    tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const int8_t *x00 = img + ((size_t)(iy0 + ky0 * g->dil_h) * g->in_w + (size_t)(ix0 + kx0 * g->dil_w)) * C;
    const int8_t *w00 = op->w + (size_t)(ky0 * g->k_w + kx0) * O;
    const int32_t nkx = kx1 - kx0;
    for (int32_t c = 0; c < C; c++) {
        for (int32_t m = 0; m < M; m += 4) {
            const int32_t oc = c * M + m;
            int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            const int8_t *xr = x00 + c, *wr = w00 + oc;
            for (int32_t ky = ky0; ky < ky1; ky++, xr += row, wr += (size_t)g->k_w * O) {
                const int8_t *xp = xr, *wp = wr;
                for (int32_t kx = 0; kx < nkx; kx++, xp += step, wp += O) {
                    const int32_t x = xp[0] - sub;
                    a0 += wp[0] * x;
                    a1 += wp[1] * x;
                    a2 += wp[2] * x;
                    a3 += wp[3] * x;
                }
            }
            const int32_t a[4] = { a0, a1, a2, a3 };
            for (int k = 0; k < 4; k++) {
                const uint32_t start = kb ? (uint32_t)kb[oc + k] : bias ? (uint32_t)ml_bias_at(bias, oc + k) : 0;
                row_acc[oc + k] = (int32_t)(start + (uint32_t)a[k]);
            }
        }
    }
    ml_requant_row(&q, rq, row_acc, O, o);
}

/* Depth multiplier a multiple of 4, two horizontally adjacent full-window pixels, every
 * channel shifting right: each tap's input byte of the two pixels is packed into one 64-bit
 * word x0 + x1 * 2^32 and multiplied by the 4 filter bytes, so one multiply-add gives both
 * pixels' products (16 instructions per 8 MACs instead of 28). The sum stays exact: the low
 * part is at most 65536 taps * 2^14 < 2^31 (see conv.c block2x4_packed). */
static __attribute__((noinline)) void dw_m4_pair(const ml_op *op, const int32_t *kb, const int8_t *x0,
                                                 const ml_rq_chan *ch, int8_t *o)
{
    const ml_geom *g = &op->u.g;
    const int32_t C = g->in_c, M = g->depth_mult, O = g->out_c, KH = g->k_h, KW = g->k_w;
    const int32_t zp = op->out_zp, lo = op->act_min, hi = op->act_max;
    const size_t row = (size_t)g->dil_h * g->in_w * C, step = (size_t)g->dil_w * C;
    const size_t next = (size_t)g->stride_w * C, wrow = (size_t)KW * O;
    for (int32_t c = 0; c < C; c++) {
        int32_t m = 0;
        /* 8 channels at a time when M allows: the packing of the tap is shared by 16 MACs */
        for (; M % 8 == 0 && m < M; m += 8) {
            const int32_t oc = c * M + m;
            int64_t a[8] = { 0 };
            const int8_t *xr = x0 + c, *wr = op->w + oc;
            for (int32_t ky = 0; ky < KH; ky++, xr += row, wr += wrow) {
                const int8_t *xp = xr, *wp = wr;
                for (int32_t kx = 0; kx < KW; kx++, xp += step, wp += O) {
                    const int64_t x = (int64_t)xp[0] + (int64_t)xp[next] * ((int64_t)1 << 32);
                    for (int k = 0; k < 8; k++) a[k] += x * wp[k];
                }
            }
            for (int k = 0; k < 8; k++) {
                const int32_t s0 = (int32_t)(uint32_t)(uint64_t)a[k], s1 = (int32_t)((a[k] - s0) >> 32);
                const uint32_t start = (uint32_t)kb[oc + k];
                const ml_rq_chan cc = ch[oc + k];
                o[oc + k] = ml_rq_out_chan(&cc, (int32_t)(start + (uint32_t)s0), zp, lo, hi);
                o[O + oc + k] = ml_rq_out_chan(&cc, (int32_t)(start + (uint32_t)s1), zp, lo, hi);
            }
        }
        for (; m < M; m += 4) {
            const int32_t oc = c * M + m;
            int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            const int8_t *xr = x0 + c, *wr = op->w + oc;
            for (int32_t ky = 0; ky < KH; ky++, xr += row, wr += wrow) {
                const int8_t *xp = xr, *wp = wr;
                for (int32_t kx = 0; kx < KW; kx++, xp += step, wp += O) {
                    const int64_t x = (int64_t)xp[0] + (int64_t)xp[next] * ((int64_t)1 << 32);
                    a0 += x * wp[0];
                    a1 += x * wp[1];
                    a2 += x * wp[2];
                    a3 += x * wp[3];
                }
            }
            const int64_t a[4] = { a0, a1, a2, a3 };
            for (int k = 0; k < 4; k++) {
                const int32_t s0 = (int32_t)(uint32_t)(uint64_t)a[k], s1 = (int32_t)((a[k] - s0) >> 32);
                const uint32_t start = (uint32_t)kb[oc + k];
                const ml_rq_chan c = ch[oc + k];
                o[oc + k] = ml_rq_out_chan(&c, (int32_t)(start + (uint32_t)s0), zp, lo, hi);
                o[O + oc + k] = ml_rq_out_chan(&c, (int32_t)(start + (uint32_t)s1), zp, lo, hi);
            }
        }
    }
}

/* Any pixel, any multiplier: valid taps only, accumulated over all output channels in acc
 * (which starts at the folded constant for full windows, at the bias otherwise, when the
 * input offset is subtracted per tap instead). */
static void dw_general(const ml_op *op, int32_t *acc, const int8_t *img, int32_t iy0, int32_t ix0,
                       int32_t sub)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, C = g->in_c, M = g->depth_mult;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);
    tap_range(ix0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
    for (int32_t ky = ky0; ky < ky1; ky++) {
        const int8_t *xr = img + (size_t)(iy0 + ky * g->dil_h) * g->in_w * C;
        for (int32_t kx = kx0; kx < kx1; kx++) {
            const int8_t *xp = xr + (size_t)(ix0 + kx * g->dil_w) * C;
            const int8_t *wp = op->w + (size_t)(ky * g->k_w + kx) * O;
            if (M == 1) {
                for (int32_t c = 0; c < C; c++) acc[c] += wp[c] * (xp[c] - sub);
            } else {
                for (int32_t c = 0; c < C; c++) {
                    const int32_t x = xp[c] - sub;
                    for (int32_t m = 0; m < M; m++) acc[c * M + m] += wp[c * M + m] * x;
                }
            }
        }
    }
}

void ml_eval_dwconv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    const int32_t O = g->out_c, C = g->in_c, M = g->depth_mult, taps = g->k_h * g->k_w;
    const int32_t zp = op->in_zp;
    const ml_requant_t q = { op->mult, op->shift, -(int32_t)(op->n_mult > 1), op->out_zp, op->act_min, op->act_max };
    if (dw3_applies(op)) {
        dw3_eval(op, (dw3_block *)(void *)scratch);
        return;
    }
    int32_t *kb = (int32_t *)scratch, *acc = kb + O;          /* acc: two pixels' sums */
    const ml_rq_plan plan = ml_rq_prepare(&q, O, (ml_rq_chan *)(void *)(acc + 2 * O));
    const ml_rq_plan *const rq = &plan;
    for (int32_t oc = 0; oc < O; oc++) {
        int32_t sum = 0;
        for (int32_t t = 0; t < taps; t++) sum += op->w[(size_t)t * O + oc];
        uint32_t bias = op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
        kb[oc] = (int32_t)(bias - (uint32_t)zp * (uint32_t)sum);
    }
    const int32_t span_h = (g->k_h - 1) * g->dil_h, span_w = (g->k_w - 1) * g->dil_w;
    const int c4 = M == 1 && C % 4 == 0, m4 = M % 4 == 0;
    int8_t *out = op->out;
    for (int32_t b = 0; b < g->batches; b++) {
        const int8_t *img = op->in + (size_t)b * g->in_h * g->in_w * C;
        for (int32_t oy = 0; oy < g->out_h; oy++) {
            const int32_t iy0 = oy * g->stride_h - g->pad_t;
            const int inside_y = iy0 >= 0 && iy0 + span_h < g->in_h;
            for (int32_t ox = 0; ox < g->out_w; ox++, out += O) {
                const int32_t ix0 = ox * g->stride_w - g->pad_l;
                const int full = inside_y && ix0 >= 0 && ix0 + span_w < g->in_w;
                if (c4 && full && ox + 1 < g->out_w && ix0 + g->stride_w + span_w < g->in_w) {
                    dw_c4_pair(op, kb, img + ((size_t)iy0 * g->in_w + (size_t)ix0) * C, acc, rq, out);
                    ox++;
                    out += O;
                    continue;
                }
                if (c4) {
                    if (full) dw_c4(op, kb, img, iy0, ix0, 0, acc, rq, out);
                    else dw_c4(op, NULL, img, iy0, ix0, zp, acc, rq, out);
                    continue;
                }
                if (m4 && full && plan.kind == ML_RQ_RIGHT_POS && ox + 1 < g->out_w &&
                    ix0 + g->stride_w + span_w < g->in_w) {
                    dw_m4_pair(op, kb, img + ((size_t)iy0 * g->in_w + (size_t)ix0) * C, plan.ch, out);
                    ox++;
                    out += O;
                    continue;
                }
                if (m4) {
                    if (full) dw_m4(op, kb, img, iy0, ix0, 0, acc, rq, out);
                    else dw_m4(op, NULL, img, iy0, ix0, zp, acc, rq, out);
                    continue;
                }
                for (int32_t oc = 0; oc < O; oc++) acc[oc] = 0;
                if (full) dw_general(op, acc, img, iy0, ix0, 0);
                else dw_general(op, acc, img, iy0, ix0, zp);
                for (int32_t oc = 0; oc < O; oc++) {
                    uint32_t start = full ? (uint32_t)kb[oc] : op->bias ? (uint32_t)ml_bias_at(op->bias, oc) : 0;
                    acc[oc] = (int32_t)(start + (uint32_t)acc[oc]);
                }
                ml_requant_row(&q, rq, acc, O, out);
            }
        }
    }
}
