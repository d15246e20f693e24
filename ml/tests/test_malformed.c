/* Malformed models: truncation at every length, structural corruption located with the
 * reader itself, semantic errors built in memory, random byte flips. Every case must fail
 * with the right error class and a message, never crash or read outside the buffer. */
#include "check.h"
#include "lark_ml.h"
#include "tflite_build.h"
#include "reader/fb.h"
#include "reader/schema.h"
#include <stdlib.h>
#include <string.h>

static lark_ml_model g_m;

static lark_ml_status try_open(const unsigned char *buf, size_t len, lark_ml_error *err)
{
    /* copy to an exact-size heap block so any overread is a real out-of-bounds access */
    unsigned char *b = malloc(len ? len : 1);
    memcpy(b, buf, len);
    lark_ml_status s = lark_ml_open(&g_m, b, len, err);
    if (s == LARK_ML_OK) {
        void *arena = aligned_alloc(16, (lark_ml_arena_bytes(&g_m) + 15) & ~(size_t)15);
        if (arena && !lark_ml_prepare(&g_m, arena, lark_ml_arena_bytes(&g_m), err)) {
            lark_ml_tensor_info in;
            lark_ml_input_info(&g_m, 0, &in);
            void *x = calloc(1, in.bytes + 1);
            lark_ml_set_input(&g_m, 0, x, in.bytes, err);
            lark_ml_invoke(&g_m, err);
            free(x);
        }
        free(arena);
    }
    free(b);
    return s;
}

static void truncations(const char *dir, const char *name, size_t step)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *buf = load_file(path, &len);
    g_test = name;
    CHECK(buf != NULL, "read %s", path);
    if (!buf) return;
    lark_ml_error err;
    int fails = 0, opens = 0, badmsg = 0;
    /* Bytes past the last tensor buffer (metadata) are not needed, so the tail may load. */
    for (size_t n = 0; n < len; n += step) {
        lark_ml_status s = try_open(buf, n, &err);
        if (s == LARK_ML_OK) { opens++; continue; }
        fails++;
        if (strlen(err.msg) < 10) badmsg++;
        if (n < len / 2 && s != LARK_ML_E_FORMAT && s != LARK_ML_E_MODEL) badmsg++;
    }
    CHECK(fails > 0 && badmsg == 0, "%s truncations: %d failed, %d bad messages", name, fails, badmsg);
    /* the first 90% of the file always holds needed data */
    int early_open = 0;
    for (size_t n = 0; n < len * 9 / 10; n += step) if (try_open(buf, n, &err) == LARK_ML_OK) early_open++;
    CHECK(early_open == 0, "%s: %d truncations below 90%% loaded", name, early_open);
    free(buf);
}

static void expect(const unsigned char *b, size_t len, lark_ml_status code, const char *needle, const char *what)
{
    lark_ml_error err;
    lark_ml_status s = try_open(b, len, &err);
    CHECK(s == code && strstr(err.msg, needle), "%s: status %d (want %d), message '%s' lacks '%s'", what, s, code,
          err.msg, needle);
}

static void put32(unsigned char *b, uint32_t pos, uint32_t v) { memcpy(b + pos, &v, 4); }

/* Corrupt specific structures of hello_world, located with the reader. */
static void structural(const char *dir)
{
    g_test = "structural";
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/tflm_hello_world_int8.tflite", dir);
    unsigned char *orig = load_file(path, &len), *b = malloc(len);
    if (!orig) { CHECK(0, "read hello_world"); return; }
    fb_file f = { orig, (uint32_t)len };
    lark_ml_error e;
    fb_ctx c = { "t", -1, &e, -1 };
    fb_table root, sg, t0, op0;
    fb_vec sgs, tensors, ops, shape, bufs, inputs;
    fb_root(&f, &root, &c);
    fb_vector(&f, &root, MODEL_SUBGRAPHS, 4, &sgs, NULL, "s", &c);
    fb_vector(&f, &root, MODEL_BUFFERS, 4, &bufs, NULL, "b", &c);
    fb_vec_table(&f, &sgs, 0, &sg, "s", &c);
    fb_vector(&f, &sg, SUBGRAPH_TENSORS, 4, &tensors, NULL, "t", &c);
    fb_vector(&f, &sg, SUBGRAPH_OPERATORS, 4, &ops, NULL, "o", &c);
    fb_vec_table(&f, &tensors, 0, &t0, "t", &c);
    fb_vector(&f, &t0, TENSOR_SHAPE, 4, &shape, NULL, "s", &c);
    fb_vec_table(&f, &ops, 0, &op0, "o", &c);
    fb_vector(&f, &op0, OPERATOR_INPUTS, 4, &inputs, NULL, "i", &c);
    uint32_t tensor0_input = (uint32_t)fb_vec_i32(&f, &inputs, 0);

#define MUTATE(stmt, code, needle, what) \
    do { memcpy(b, orig, len); stmt; expect(b, len, code, needle, what); } while (0)
    MUTATE(put32(b, 0, (uint32_t)len + 100), LARK_ML_E_FORMAT, "outside file", "root offset past end");
    MUTATE(put32(b, root.pos, 0x80000000u), LARK_ML_E_FORMAT, "vtable", "root vtable offset huge");
    MUTATE(put32(b, root.pos, (uint32_t)-(int32_t)len), LARK_ML_E_FORMAT, "vtable", "root vtable past end");
    MUTATE(b[root.vt] = 3, LARK_ML_E_FORMAT, "vtable length", "odd vtable length");
    MUTATE(put32(b, tensors.pos - 4, 0x7fffffffu), LARK_ML_E_FORMAT, "tensors", "tensor vector length huge");
    MUTATE(put32(b, sgs.pos - 4, 2), LARK_ML_E_UNSUPPORTED, "subgraphs", "two subgraphs");
    MUTATE(put32(b, ops.pos, 0xfffffff0u), LARK_ML_E_FORMAT, "operators", "operator offset wraps");
    MUTATE(put32(b, shape.pos - 4, 1000000), LARK_ML_E_FORMAT, "shape", "shape length huge");
    MUTATE(put32(b, shape.pos, 0xffffffffu), LARK_ML_E_MODEL, "shape", "negative dimension");
    MUTATE(put32(b, shape.pos, 0), LARK_ML_E_UNSUPPORTED, "zero-sized", "zero dimension");
    MUTATE(put32(b, shape.pos, 0x7fffffff); put32(b, shape.pos + 4, 0x7fffffff), LARK_ML_E_LIMIT, "2 GiB", "huge shape");
    MUTATE(put32(b, inputs.pos, 999), LARK_ML_E_MODEL, "out of range", "operator input index 999");
    MUTATE(put32(b, inputs.pos, (uint32_t)-5), LARK_ML_E_MODEL, "out of range", "operator input index -5");
    MUTATE(put32(b, bufs.pos - 4, 0), LARK_ML_E_MODEL, "buffer", "buffer index past buffers");
    (void)tensor0_input;
    free(b);
    free(orig);
}

/* Semantic errors in models built in memory. */
static tb_tensor T(int type, int rank, int d0, int d1, float scale, int zp)
{
    tb_tensor t;
    memset(&t, 0, sizeof t);
    t.type = type; t.rank = rank; t.shape[0] = d0; t.shape[1] = d1;
    t.nscale = scale > 0; t.scale[0] = scale; t.zp = zp;
    return t;
}

static void semantic(void)
{
    static unsigned char buf[1 << 16];
    static int8_t w[64];
    static int32_t bias[8];
    g_test = "semantic";
    tb_tensor t[6];
    tb_op ops[2];
    size_t n;
    /* op 0 reads tensor 2, which op 1 produces later */
    t[0] = T(LARK_ML_INT8, 2, 1, 4, 0.1f, 0);
    t[1] = T(LARK_ML_INT8, 2, 1, 4, 0.1f, 0);
    t[2] = T(LARK_ML_INT8, 2, 1, 4, 0.1f, 0);
    ops[0] = (tb_op){ 22, 1, 1, { 2 }, { 1 }, 0, 0, { { 0 } } };
    ops[1] = (tb_op){ 22, 1, 1, { 0 }, { 2 }, 0, 0, { { 0 } } };
    tb_model m = { 3, t, 2, ops, 1, 1, { 0 }, { 1 } };
    n = tb_build(&m, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "before it is produced", "read before produced");
    /* tensor written twice */
    ops[0] = (tb_op){ 22, 1, 1, { 0 }, { 1 }, 0, 0, { { 0 } } };
    ops[1] = (tb_op){ 22, 1, 1, { 0 }, { 1 }, 0, 0, { { 0 } } };
    n = tb_build(&m, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "already written", "tensor written twice");
    /* graph output never produced */
    ops[1] = (tb_op){ 22, 1, 1, { 1 }, { 2 }, 0, 0, { { 0 } } };
    m.out[0] = 0;
    m.nops = 1;
    m.out[0] = 2;
    n = tb_build(&m, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "never produced", "output never produced");
    /* unknown and custom operators are refused at load time */
    m.nops = 1;
    m.out[0] = 1;
    ops[0].code = 200;
    n = tb_build(&m, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_UNSUPPORTED, "not supported", "unknown opcode");
    ops[0].code = 32;
    n = tb_build(&m, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_UNSUPPORTED, "CUSTOM", "custom opcode");
    /* FC: wrong types, constant-size mismatch, bad shape product */
    t[0] = T(LARK_ML_INT8, 2, 1, 8, 0.1f, 0);
    t[1] = T(LARK_ML_INT8, 2, 4, 8, 0.01f, 0);
    t[1].data = w; t[1].data_len = 32;
    t[2] = T(LARK_ML_INT32, 1, 4, 0, 0.001f, 0);
    t[2].data = bias; t[2].data_len = 16;
    t[3] = T(LARK_ML_INT8, 2, 1, 4, 0.2f, 0);
    ops[0] = (tb_op){ 9, 3, 1, { 0, 1, 2 }, { 3 }, 8, 0, { { 0 } } };
    tb_model fc = { 4, t, 1, ops, 1, 1, { 0 }, { 3 } };
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_OK, "", "valid FC baseline");
    t[0].type = LARK_ML_INT16;
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_UNSUPPORTED, "type", "int16 input");
    t[0].type = LARK_ML_INT8;
    t[1].data_len = 31;
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "holds 31 bytes", "weights buffer too short");
    t[1].data_len = 32;
    t[3].shape[1] = 5;
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "output has", "FC output size wrong");
    t[3].shape[1] = 4;
    t[0].nscale = 0;
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "no quantization", "missing input quantization");
    t[0].nscale = 1;
    t[0].zp = 300;
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "zero point", "zero point outside int8");
    t[0].zp = 0;
    ops[0].in[1] = 0; /* weights not constant */
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_UNSUPPORTED, "must be constant", "activation as weights");
    ops[0].in[1] = 1;
    t[3].data = w; t[3].data_len = 4; /* output is a constant */
    n = tb_build(&fc, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "constant", "constant output");
    t[3].data = NULL;
    /* conv without options */
    int32_t s4[4] = { 1, 4, 4, 2 };
    t[0] = T(LARK_ML_INT8, 4, 0, 0, 0.1f, 0); memcpy(t[0].shape, s4, 16);
    t[1] = T(LARK_ML_INT8, 4, 0, 0, 0.1f, 0); memcpy(t[1].shape, (int32_t[4]){ 2, 3, 3, 2 }, 16);
    t[1].data = w; t[1].data_len = 36;
    t[2] = T(LARK_ML_INT8, 4, 0, 0, 0.1f, 0); memcpy(t[2].shape, (int32_t[4]){ 1, 4, 4, 2 }, 16);
    ops[0] = (tb_op){ 3, 2, 1, { 0, 1 }, { 2 }, 0, 0, { { 0 } } };
    tb_model cv = { 3, t, 1, ops, 1, 1, { 0 }, { 2 } };
    n = tb_build(&cv, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "Conv2DOptions", "conv without options");
    ops[0].options_type = 1;
    ops[0].nopt = 2;
    ops[0].opt[0] = (tb_opt){ 1, 4, 1, 0 };
    ops[0].opt[1] = (tb_opt){ 2, 4, 1, 0 };
    n = tb_build(&cv, buf, sizeof buf);
    expect(buf, n, LARK_ML_OK, "", "valid conv baseline");
    ops[0].opt[1] = (tb_opt){ 2, 4, 0, 0 };
    n = tb_build(&cv, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "stride", "stride 0");
    ops[0].opt[1] = (tb_opt){ 2, 4, 1, 0 };
    t[2].shape[1] = 3;
    n = tb_build(&cv, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "output shape", "conv output shape wrong");
    t[2].shape[1] = 4;
    ops[0].nopt = 3;
    ops[0].opt[2] = (tb_opt){ 0, 1, 1, 0 }; /* VALID with a 3x3 kernel on 4x4 -> 2x2, output says 4x4 */
    n = tb_build(&cv, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_MODEL, "output shape", "VALID output shape wrong");
    ops[0].opt[2] = (tb_opt){ 0, 1, 7, 0 };
    n = tb_build(&cv, buf, sizeof buf);
    expect(buf, n, LARK_ML_E_UNSUPPORTED, "padding", "unknown padding");
}

static void random_flips(const char *dir, const char *name, int rounds)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *orig = load_file(path, &len), *b = malloc(len);
    g_test = "random flips";
    if (!orig) { CHECK(0, "read %s", path); return; }
    uint32_t r = 99;
    int ok = 0, failed = 0, nomsg = 0;
    for (int i = 0; i < rounds; i++) {
        memcpy(b, orig, len);
        for (int k = 0; k < 4; k++) {
            r = r * 1664525u + 1013904223u;
            b[(r >> 4) % len] ^= (unsigned char)(1u << (r & 7));
        }
        lark_ml_error err;
        lark_ml_status s = try_open(b, len, &err);
        if (s == LARK_ML_OK) ok++;
        else { failed++; if (!err.msg[0]) nomsg++; }
    }
    CHECK(nomsg == 0 && ok + failed == rounds, "%s: %d flips loaded, %d refused, %d without message", name, ok,
          failed, nomsg);
    free(b);
    free(orig);
}

void test_malformed(const char *dir)
{
    truncations(dir, "tflm_hello_world_int8.tflite", 1);
    truncations(dir, "tflm_micro_speech_quantized.tflite", 7);
    truncations(dir, "mlperf_kws_ref_model.tflite", 37);
    truncations(dir, "mlperf_pretrainedResnet_quant.tflite", 211);
    structural(dir);
    semantic();
    random_flips(dir, "tflm_hello_world_int8.tflite", 3000);
    random_flips(dir, "mlperf_str_ww_ref_model.tflite", 300);
}
