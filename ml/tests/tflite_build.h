/* Builds small .tflite flatbuffers for tests: a model described by plain C structs is
 * serialized (vtables before tables, children after, forward offsets). */
#ifndef ML_TFLITE_BUILD_H
#define ML_TFLITE_BUILD_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int type;               /* LARK_ML_* */
    int rank;
    int32_t shape[6];
    const void *data;       /* constant data or NULL */
    size_t data_len;
    int nscale;
    float scale[512];
    int64_t zp;             /* used for every scale entry */
    int qdim;
} tb_tensor;

typedef struct {
    int id;
    int size;               /* 1, 4 (int), or 'f' for float32 */
    int64_t value;
    float fvalue;
} tb_opt;

typedef struct {
    int code;
    int nin, nout;
    int32_t in[4], out[2];
    int options_type;
    int nopt;
    tb_opt opt[8];
} tb_op;

typedef struct {
    int ntensors;
    tb_tensor *tensors;
    int nops;
    tb_op *ops;
    int nin, nout;
    int32_t in[4], out[4];
} tb_model;

/* Returns bytes written, 0 if cap is too small. */
size_t tb_build(const tb_model *m, uint8_t *out, size_t cap);

#endif
