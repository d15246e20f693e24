/* TensorFlow Lite model access on top of fb.h: tensors and operators, each fully checked
 * against the file and the subgraph before a kernel sees it. */
#ifndef ML_MODEL_H
#define ML_MODEL_H
#include "fb.h"

typedef struct {
    int32_t index;
    uint8_t type;
    uint8_t rank;
    int32_t dims[LARK_ML_MAX_RANK];
    uint32_t elems;
    uint32_t bytes;
    const uint8_t *data; /* constant data inside the model, NULL for activations */
    fb_vec scales;       /* float32 */
    fb_vec zero_points;  /* int64 */
    float scale;         /* scales[0] or 0 */
    int32_t zp;          /* zero_points[0] or 0 */
    int32_t qdim;
    const char *name;
    uint32_t name_len;
} ml_tensor;

typedef struct {
    int index;
    int32_t code;         /* BuiltinOperator */
    fb_vec inputs, outputs;
    uint8_t options_type;
    int has_options;
    fb_table options;
} ml_opinfo;

static inline fb_file ml_file(const lark_ml_model *m)
{
    fb_file f = { m->data, (uint32_t)m->len };
    return f;
}

/* op is the operator index errors should name, -1 if none. */
lark_ml_status ml_tensor_read(const lark_ml_model *m, int32_t idx, ml_tensor *t, int op,
                              lark_ml_error *err);
lark_ml_status ml_op_read(const lark_ml_model *m, int op, ml_opinfo *o, lark_ml_error *err);
int32_t ml_op_tensor(const lark_ml_model *m, const fb_vec *v, uint32_t i);
const char *ml_opcode_name(int32_t code);
uint32_t ml_type_size(int type);

#endif
