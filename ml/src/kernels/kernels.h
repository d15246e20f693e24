/* Operator records and the setup/eval contract shared by every kernel file.
 * setup runs twice: at open time with rec == NULL (validate, count bytes) and at prepare time
 * with a record to fill, so the checks and the byte counts cannot drift apart. */
#ifndef ML_KERNELS_H
#define ML_KERNELS_H
#include "../reader/model.h"

typedef struct {
    int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c;
    int32_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_t, pad_l, depth_mult;
} ml_geom;

typedef struct ml_op {
    uint8_t kind;             /* BuiltinOperator code */
    int32_t act_min, act_max;
    int32_t in_zp, out_zp;
    const int8_t *in;
    int8_t *out;
    const int8_t *w;          /* weights, in the model */
    const uint8_t *bias;      /* int32 little-endian, in the model, any alignment; or NULL */
    const int32_t *mult;      /* per output channel (or one) */
    const int8_t *shift;
    uint32_t n_mult;          /* 1 = per-tensor */
    union {
        ml_geom g;
        struct { const int8_t *in2; int32_t count, in2_zp, m1, m2, mo, s1, s2, so; } add;
        struct { int32_t rows, depth, mult, lshift, diff_min; } sm;
        struct { int32_t batches, depth, units; } fc;
        struct { uint32_t bytes; } copy;
        struct { int32_t count, mult, shift; float scale; const void *fin; void *fout; } q;
    } u;
} ml_op;

typedef struct ml_setup {
    const lark_ml_model *m;
    int op;
    lark_ml_error *err;
    const ml_opinfo *info;
    ml_tensor in[3];
    int has_in[3];
    int n_in;
    ml_tensor out;
    ml_op *rec;           /* NULL on the dry run */
    uint8_t *persist;     /* NULL on the dry run */
    uint32_t persist_used;
    uint32_t scratch;     /* bytes of shared scratch this op needs */
    uint64_t macs;
} ml_setup;

void *ml_persist(ml_setup *s, uint32_t bytes);
void *ml_act_ptr(ml_setup *s, const ml_tensor *t);
lark_ml_status ml_bad(ml_setup *s, lark_ml_status code, const char *fmt, ...);
/* Checks shared by the kernels. */
lark_ml_status ml_need_type(ml_setup *s, const ml_tensor *t, int type, const char *what);
lark_ml_status ml_need_rank(ml_setup *s, const ml_tensor *t, int rank, const char *what);
lark_ml_status ml_need_const(ml_setup *s, const ml_tensor *t, const char *what);
lark_ml_status ml_need_quant(ml_setup *s, const ml_tensor *t, const char *what);
lark_ml_status ml_int_option(ml_setup *s, int field, int size, int64_t def, int64_t *out,
                             const char *name);
lark_ml_status ml_activation(ml_setup *s, int field);
/* Per-channel multipliers M_c = s_in * s_w[c] / s_out into persistent memory. */
lark_ml_status ml_channel_multipliers(ml_setup *s, const ml_tensor *w, uint32_t channels,
                                      int qdim, int float_product);
/* SAME/VALID geometry (padding.h); fills out size and top/left padding. */
lark_ml_status ml_padding(ml_setup *s, int padding, int in, int k, int stride, int dil,
                          int32_t *out, int32_t *pad, const char *axis);

static inline int32_t ml_bias_at(const uint8_t *b, int32_t i)
{
    const uint8_t *p = b + 4 * i;
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

static inline int8_t ml_clamp8(int32_t v, int32_t lo, int32_t hi)
{
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

#define ML_KERNEL(name)                                   \
    lark_ml_status ml_setup_##name(ml_setup *s);          \
    void ml_eval_##name(const ml_op *op, uint8_t *scratch)

ML_KERNEL(conv);
ML_KERNEL(dwconv);
ML_KERNEL(fc);
ML_KERNEL(avgpool);
ML_KERNEL(maxpool);
ML_KERNEL(add);
ML_KERNEL(reshape);
ML_KERNEL(softmax);
ML_KERNEL(quantize);
ML_KERNEL(dequantize);

#endif
