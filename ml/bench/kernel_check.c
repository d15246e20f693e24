/* Bare-metal check of the build's CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED / ADD eval
 * functions (scalar C in the scalar build, the RVV kernels in the rvv build) against a
 * plain reference written from ml.md sections 2.3-2.7, on random shapes, zero points,
 * multipliers and shifts, including every padding border, strides, dilation, depth
 * multipliers, per-tensor multipliers and missing biases; and ADD (ml.md 2.9). Prints
 * "kernel_check (<flavour>): N passed, M failed". */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernels.h"
#include "platform.h"

#define MAX_ACT 8192
#define MAX_W 16384
#define MAX_O 300

static int8_t in_buf[MAX_ACT], w_buf[MAX_W], out_got[MAX_ACT], out_ref[MAX_ACT];
static uint8_t bias_buf[4 * MAX_O + 3];
static int32_t mult_buf[MAX_O];
static int8_t shift_buf[MAX_O];
static _Alignas(16) uint8_t scratch[16 * MAX_W];

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static int32_t rnd_in(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

/* ---- reference arithmetic, straight from ml.md 2.3 ---- */
static int32_t ref_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t p = (int64_t)a * b;
    int64_t nudge = p >= 0 ? (1 << 30) : 1 - (1 << 30);
    return (int32_t)((p + nudge) / (1LL << 31));
}
static int32_t ref_rdbpot(int32_t x, int e)
{
    int32_t mask = (int32_t)((1LL << e) - 1), rem = x & mask;
    int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> e) + (rem > thr ? 1 : 0);
}
static int8_t ref_out(int32_t acc, int32_t m, int s, const ml_op *op)
{
    int left = s > 0 ? s : 0, right = s > 0 ? 0 : -s;
    int32_t v = ref_rdbpot(ref_srdhm((int32_t)((uint32_t)acc << left), m), right) + op->out_zp;
    return (int8_t)(v < op->act_min ? op->act_min : v > op->act_max ? op->act_max : v);
}
static int32_t ref_bias(const ml_op *op, int32_t o)
{
    if (!op->bias)
        return 0;
    const uint8_t *p = op->bias + 4 * o;
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static void ref_conv(const ml_op *op, int dw)
{
    const ml_geom *g = &op->u.g;
    int8_t *y = out_ref;
    for (int b = 0; b < g->batches; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int oc = 0; oc < g->out_c; oc++) {
                    int32_t acc = 0;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            int iy = oy * g->stride_h - g->pad_t + ky * g->dil_h;
                            int ix = ox * g->stride_w - g->pad_l + kx * g->dil_w;
                            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w)
                                continue;
                            const int8_t *xp = op->in + ((b * g->in_h + iy) * g->in_w + ix) * g->in_c;
                            if (dw) {
                                acc += op->w[(ky * g->k_w + kx) * g->out_c + oc] *
                                       (xp[oc / g->depth_mult] - op->in_zp);
                            } else {
                                for (int ic = 0; ic < g->in_c; ic++)
                                    acc += op->w[((oc * g->k_h + ky) * g->k_w + kx) * g->in_c + ic] *
                                           (xp[ic] - op->in_zp);
                            }
                        }
                    int q = op->n_mult > 1 ? oc : 0;
                    *y++ = ref_out(acc + ref_bias(op, oc), op->mult[q], op->shift[q], op);
                }
}

static void ref_fc(const ml_op *op)
{
    for (int b = 0; b < op->u.fc.batches; b++)
        for (int o = 0; o < op->u.fc.units; o++) {
            int32_t acc = 0;
            for (int d = 0; d < op->u.fc.depth; d++)
                acc += op->w[o * op->u.fc.depth + d] * (op->in[b * op->u.fc.depth + d] - op->in_zp);
            int q = op->n_mult > 1 ? o : 0;
            out_ref[b * op->u.fc.units + o] = ref_out(acc + ref_bias(op, o), op->mult[q], op->shift[q], op);
        }
}

/* ---- random operands ---- */
static void fill_common(ml_op *op, int n_out, int per_channel, size_t n_in, size_t n_w)
{
    for (size_t i = 0; i < n_in; i++) in_buf[i] = (int8_t)rnd();
    for (size_t i = 0; i < n_w; i++) w_buf[i] = (int8_t)rnd();
    /* Misaligned on purpose: the model does not promise bias alignment. */
    op->bias = (rnd() % 5 == 0) ? NULL : bias_buf + (rnd() % 4);
    for (int i = 0; i < 4 * n_out + 3; i++) bias_buf[i] = (uint8_t)rnd();
    if (op->bias)
        for (int o = 0; o < n_out; o++) { /* keep |bias| moderate like real models */
            int32_t v = rnd_in(-300000, 300000);
            uint8_t *p = (uint8_t *)op->bias + 4 * o;
            p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
        }
    op->n_mult = per_channel ? (uint32_t)n_out : 1;
    for (uint32_t i = 0; i < op->n_mult; i++) {
        int kind = (int)(rnd() % 8);
        mult_buf[i] = kind == 0 ? INT32_MAX : kind == 1 ? (1 << 30) : kind == 2 ? 0
                                            : (int32_t)((1u << 30) + (rnd() & 0x3fffffffu));
        shift_buf[i] = (int8_t)(kind == 3 ? rnd_in(0, 4) : kind == 4 ? -31 : rnd_in(-14, 0));
    }
    op->mult = mult_buf;
    op->shift = shift_buf;
    op->in_zp = rnd_in(-128, 127);
    op->out_zp = rnd_in(-128, 127);
    int act = (int)(rnd() % 3);
    op->act_min = act == 0 ? -128 : rnd_in(-128, 0);
    op->act_max = act == 0 ? 127 : rnd_in(op->act_min, 127);
    op->in = in_buf;
    op->out = out_got;
}

static int32_t out_size(int32_t in, int32_t k, int32_t s, int32_t d, int same, int32_t *pad)
{
    int32_t eff = (k - 1) * d + 1;
    int32_t out = same ? (in + s - 1) / s : (in - eff + s) / s;
    int32_t total = (out - 1) * s + eff - in;
    *pad = total > 0 ? total / 2 : 0;
    return out;
}

static int random_geom(ml_geom *g, int dw)
{
    g->batches = rnd_in(1, 2);
    g->in_h = rnd_in(1, 9);
    g->in_w = rnd_in(1, 9);
    g->in_c = dw ? (rnd() % 3 == 0 ? 1 : rnd_in(1, 70)) : rnd_in(1, 40);
    g->depth_mult = dw ? (g->in_c == 1 ? rnd_in(1, 9) : (rnd() % 4 == 0 ? rnd_in(2, 3) : 1)) : 1;
    g->out_c = dw ? g->in_c * g->depth_mult : rnd_in(1, 70);
    g->k_h = rnd_in(1, 4);
    g->k_w = rnd_in(1, 4);
    g->stride_h = rnd_in(1, 3);
    g->stride_w = rnd_in(1, 3);
    g->dil_h = rnd() % 4 == 0 ? 2 : 1;
    g->dil_w = rnd() % 4 == 0 ? 2 : 1;
    int same = (int)(rnd() % 2);
    g->out_h = out_size(g->in_h, g->k_h, g->stride_h, g->dil_h, same, &g->pad_t);
    g->out_w = out_size(g->in_w, g->k_w, g->stride_w, g->dil_w, same, &g->pad_l);
    if (g->out_h < 1 || g->out_w < 1)
        return 0;
    size_t n_in = (size_t)g->batches * g->in_h * g->in_w * g->in_c;
    size_t n_out = (size_t)g->batches * g->out_h * g->out_w * g->out_c;
    size_t n_w = (size_t)g->k_h * g->k_w * (dw ? g->out_c : g->out_c * g->in_c);
    return n_in <= MAX_ACT && n_out <= MAX_ACT && n_w <= MAX_W && g->out_c <= MAX_O;
}

static int passed, failed;

static void compare(const char *what, int index, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (out_got[i] != out_ref[i]) {
            platform_puts("kernel_check: FAIL ");
            platform_puts(what);
            platform_puts(" case ");
            platform_put_u64((uint64_t)index);
            platform_puts(" output[");
            platform_put_u64(i);
            platform_puts("] = ");
            platform_put_i64(out_got[i]);
            platform_puts(", reference ");
            platform_put_i64(out_ref[i]);
            platform_puts("\n");
            failed++;
            return;
        }
    }
    passed++;
}

static void check_conv(int index, int dw)
{
    ml_op op;
    memset(&op, 0, sizeof op);
    while (!random_geom(&op.u.g, dw)) {
    }
    const ml_geom *g = &op.u.g;
    size_t n_in = (size_t)g->batches * g->in_h * g->in_w * g->in_c;
    size_t n_w = (size_t)g->k_h * g->k_w * (dw ? g->out_c : g->out_c * g->in_c);
    fill_common(&op, g->out_c, 1, n_in, n_w);
    op.w = w_buf;
    memset(out_got, 0x5a, sizeof out_got);
    if (dw)
        ml_eval_dwconv(&op, scratch);
    else
        ml_eval_conv(&op, scratch);
    ref_conv(&op, dw);
    compare(dw ? "DEPTHWISE_CONV_2D" : "CONV_2D", index,
            (size_t)g->batches * g->out_h * g->out_w * g->out_c);
}

static void check_fc(int index)
{
    ml_op op;
    memset(&op, 0, sizeof op);
    op.u.fc.batches = rnd_in(1, 3);
    op.u.fc.depth = rnd_in(1, 700);
    op.u.fc.units = rnd_in(1, MAX_W / op.u.fc.depth < 150 ? MAX_W / op.u.fc.depth : 150);
    fill_common(&op, op.u.fc.units, (int)(rnd() % 2), (size_t)op.u.fc.batches * op.u.fc.depth,
                (size_t)op.u.fc.units * op.u.fc.depth);
    op.w = w_buf;
    memset(out_got, 0x5a, sizeof out_got);
    ml_eval_fc(&op, scratch);
    ref_fc(&op);
    compare("FULLY_CONNECTED", index, (size_t)op.u.fc.batches * op.u.fc.units);
}

/* ADD (ml.md 2.9): both inputs shifted left by 20, each rescaled, summed, rescaled. */
static void check_add(int index)
{
    ml_op op;
    memset(&op, 0, sizeof op);
    fill_common(&op, 1, 0, MAX_ACT, 0);
    int32_t count = rnd_in(0, 3000);
    op.u.add.count = count;
    op.u.add.in2 = in_buf + 4096;
    op.u.add.in2_zp = rnd_in(-128, 127);
    int32_t *ms[3] = {&op.u.add.m1, &op.u.add.m2, &op.u.add.mo};
    int32_t *ss[3] = {&op.u.add.s1, &op.u.add.s2, &op.u.add.so};
    for (int k = 0; k < 3; k++) {
        *ms[k] = rnd() % 6 == 0 ? (1 << 30) : (int32_t)((1u << 30) + (rnd() & 0x3fffffffu));
        *ss[k] = rnd() % 6 == 0 ? 0 : rnd() % 6 == 1 ? -31 : rnd_in(-22, -1);
    }
    memset(out_got, 0x5a, sizeof out_got);
    ml_eval_add(&op, scratch);
    for (int32_t i = 0; i < count; i++) {
        int32_t a = (op.in[i] - op.in_zp) * (1 << 20), b = (op.u.add.in2[i] - op.u.add.in2_zp) * (1 << 20);
        a = ref_rdbpot(ref_srdhm(a, op.u.add.m1), -op.u.add.s1);
        b = ref_rdbpot(ref_srdhm(b, op.u.add.m2), -op.u.add.s2);
        int32_t v = ref_rdbpot(ref_srdhm(a + b, op.u.add.mo), -op.u.add.so) + op.out_zp;
        out_ref[i] = (int8_t)(v < op.act_min ? op.act_min : v > op.act_max ? op.act_max : v);
    }
    compare("ADD", index, (size_t)count);
}

void bench_main(void);
void bench_main(void)
{
    for (int i = 0; i < 300; i++) {
        check_conv(i, 0);
        check_conv(i, 1);
        check_fc(i);
        check_add(i);
    }
    platform_puts("kernel_check (" BENCH_FLAVOUR "): ");
    platform_put_u64((uint64_t)passed);
    platform_puts(" passed, ");
    platform_put_u64((uint64_t)failed);
    platform_puts(" failed\n");
    platform_exit(failed ? 1 : 0);
}
