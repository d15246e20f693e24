/* LarkOS ML runtime: int8 TensorFlow Lite models, bit-exact with TFLite Micro's reference
 * kernels. Freestanding C11: no malloc, no libc beyond memcpy/memset/memmove/memcmp.
 *
 * Life cycle:
 *   lark_ml_model m;                                   (caller storage, ~6 KiB: keep it static)
 *   lark_ml_open(&m, bytes, len, &err);                validates the whole model, plans memory
 *   lark_ml_arena_bytes(&m);                           exact arena size needed
 *   lark_ml_prepare(&m, arena, arena_len, &err);       16-byte aligned arena, >= arena bytes
 *   lark_ml_set_input(&m, 0, src, n, &err);            before EVERY invoke (see below)
 *   lark_ml_invoke(&m, &err);
 *   lark_ml_output(&m, 0, &n);                         valid until the next invoke
 *
 * The model bytes are never copied: constant tensors are read in place, so the buffer must
 * stay alive and unchanged while the model is in use. It needs no particular alignment.
 *
 * Inputs across invocations: the planner lets later layers reuse the input tensor's bytes
 * once the first reader has consumed it (as TFLM does), so the input is NOT preserved by an
 * invoke. lark_ml_invoke refuses (LARK_ML_E_STATE) unless every input was written with
 * lark_ml_set_input since the previous invoke.
 */
#ifndef LARK_ML_H
#define LARK_ML_H

#include <stddef.h>
#include <stdint.h>

#define LARK_ML_MAX_TENSORS 256
#define LARK_ML_MAX_OPS 256
#define LARK_ML_MAX_IO 4
#define LARK_ML_MAX_RANK 6
#define LARK_ML_ARENA_ALIGN 16

typedef enum {
    LARK_ML_OK = 0,
    LARK_ML_E_ARG,         /* NULL pointer, wrong index, wrong byte count */
    LARK_ML_E_FORMAT,      /* flatbuffer structure broken: offset/vtable/vector out of file */
    LARK_ML_E_MODEL,       /* well-formed flatbuffer, inconsistent model (shapes, indices) */
    LARK_ML_E_UNSUPPORTED, /* operator, type or option this runtime does not implement */
    LARK_ML_E_LIMIT,       /* exceeds a fixed limit of this runtime (tensor count, sizes) */
    LARK_ML_E_ARENA,       /* arena too small or misaligned */
    LARK_ML_E_STATE,       /* call out of order (not prepared, input not set) */
} lark_ml_status;

typedef struct {
    lark_ml_status code;
    int op_index;   /* operator the error is about, -1 if none */
    char msg[160];  /* NUL-terminated: names the table/field or operator */
} lark_ml_error;

/* TensorFlow Lite TensorType values (schema.fbs). */
enum {
    LARK_ML_FLOAT32 = 0, LARK_ML_INT32 = 2, LARK_ML_UINT8 = 3, LARK_ML_INT64 = 4,
    LARK_ML_INT16 = 7, LARK_ML_INT8 = 9,
};

typedef struct {
    int index;       /* tensor index in the subgraph */
    int type;        /* LARK_ML_INT8, ... */
    int rank;
    int32_t dims[LARK_ML_MAX_RANK];
    size_t bytes;
    float scale;     /* first quantization scale, 0 if none */
    int32_t zero_point;
    const char *name; /* points into the model; not NUL-terminated in general */
    size_t name_len;
} lark_ml_tensor_info;

/* Everything below is private to the runtime; callers only allocate the struct. */
typedef struct lark_ml_model {
    const uint8_t *data;
    size_t len;
    uint32_t subgraph, tensors_vec, ops_vec, buffers_vec, opcodes_vec;
    uint32_t n_tensors, n_ops, n_buffers, n_opcodes;
    uint32_t n_inputs, n_outputs;
    int32_t inputs[LARK_ML_MAX_IO], outputs[LARK_ML_MAX_IO];
    uint32_t tensor_off[LARK_ML_MAX_TENSORS];  /* arena offset; UINT32_MAX: not in arena */
    uint32_t tensor_size[LARK_ML_MAX_TENSORS]; /* planner work: bytes (16-aligned) */
    int16_t first[LARK_ML_MAX_TENSORS], last[LARK_ML_MAX_TENSORS];
    uint16_t order[LARK_ML_MAX_TENSORS];
    uint32_t plan_bytes;    /* activations */
    uint32_t persist_bytes; /* per-op records, per-channel multipliers */
    uint32_t scratch_bytes; /* shared kernel scratch */
    uint32_t arena_bytes;
    uint64_t macs;
    uint8_t *arena;
    void *ops;
    uint8_t *scratch;
    uint8_t opened, prepared;
    uint8_t input_fresh[LARK_ML_MAX_IO];
} lark_ml_model;

lark_ml_status lark_ml_open(lark_ml_model *m, const void *model, size_t len, lark_ml_error *err);
size_t lark_ml_arena_bytes(const lark_ml_model *m);
lark_ml_status lark_ml_prepare(lark_ml_model *m, void *arena, size_t arena_len,
                               lark_ml_error *err);

int lark_ml_input_count(const lark_ml_model *m);
int lark_ml_output_count(const lark_ml_model *m);
lark_ml_status lark_ml_input_info(const lark_ml_model *m, int i, lark_ml_tensor_info *info);
lark_ml_status lark_ml_output_info(const lark_ml_model *m, int i, lark_ml_tensor_info *info);

/* n must equal the input tensor's byte size exactly. */
lark_ml_status lark_ml_set_input(lark_ml_model *m, int i, const void *src, size_t n,
                                 lark_ml_error *err);
lark_ml_status lark_ml_invoke(lark_ml_model *m, lark_ml_error *err);
/* Output bytes, valid until the next invoke; NULL if not prepared or bad index. */
const void *lark_ml_output(const lark_ml_model *m, int i, size_t *n);

/* Introspection for tools. */
int lark_ml_op_count(const lark_ml_model *m);
const char *lark_ml_op_name(const lark_ml_model *m, int op); /* "CONV_2D", ... */
uint64_t lark_ml_macs(const lark_ml_model *m);               /* multiply-accumulates/invoke */
uint32_t lark_ml_plan_bytes(const lark_ml_model *m);         /* activation part of the arena */

#endif
