#include "model.h"
#include "schema.h"
#include "../core/err.h"

uint32_t ml_type_size(int type)
{
    switch (type) {
    case LARK_ML_FLOAT32: case LARK_ML_INT32: return 4;
    case LARK_ML_INT8: case LARK_ML_UINT8: return 1;
    case LARK_ML_INT16: return 2;
    case LARK_ML_INT64: return 8;
    default: return 0;
    }
}

const char *ml_opcode_name(int32_t code)
{
    switch (code) {
    case OP_ADD: return "ADD";
    case OP_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case 2: return "CONCATENATION";
    case OP_CONV_2D: return "CONV_2D";
    case OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case OP_DEQUANTIZE: return "DEQUANTIZE";
    case OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
    case 14: return "LOGISTIC";
    case 16: return "LSTM";
    case OP_MAX_POOL_2D: return "MAX_POOL_2D";
    case 18: return "MUL";
    case OP_RESHAPE: return "RESHAPE";
    case OP_SOFTMAX: return "SOFTMAX";
    case 27: return "SVDF";
    case 28: return "TANH";
    case OP_CUSTOM: return "CUSTOM";
    case 44: return "UNIDIRECTIONAL_SEQUENCE_LSTM";
    case OP_QUANTIZE: return "QUANTIZE";
    default: return "builtin";
    }
}

int32_t ml_op_tensor(const lark_ml_model *m, const fb_vec *v, uint32_t i)
{
    fb_file f = ml_file(m);
    return fb_vec_i32(&f, v, i);
}

static lark_ml_status tensor_buffer(const lark_ml_model *m, const fb_file *f, ml_tensor *t,
                                    uint32_t buf, fb_ctx *c)
{
    if (buf >= m->n_buffers)
        return ml_fail(c->err, LARK_ML_E_MODEL, c->op, "Tensor %d field buffer: index %u >= %u buffers",
                       t->index, buf, m->n_buffers);
    fb_vec bufs = { m->buffers_vec, m->n_buffers };
    fb_table b;
    fb_ctx bc = { "Buffer", buf, c->err, c->op };
    lark_ml_status s = fb_vec_table(f, &bufs, buf, &b, "buffers", &bc);
    if (s) return s;
    fb_vec data;
    if ((s = fb_vector(f, &b, BUFFER_DATA, 1, &data, NULL, "data", &bc))) return s;
    uint64_t off, size;
    if ((s = fb_scalar(f, &b, BUFFER_OFFSET, 8, 0, &off, "offset", &bc))) return s;
    if ((s = fb_scalar(f, &b, BUFFER_SIZE, 8, 0, &size, "size", &bc))) return s;
    t->data = NULL;
    uint64_t have = 0;
    if (data.count) {
        t->data = f->base + data.pos;
        have = data.count;
    } else if (off > 1) { /* large-model layout: data after the flatbuffer */
        if (off > f->len || size > f->len - off)
            return ml_fail(c->err, LARK_ML_E_FORMAT, c->op,
                           "Buffer %u fields offset/size: %lu+%lu outside file", buf, off, size);
        t->data = f->base + off;
        have = size;
    }
    if (t->data && have != t->bytes)
        return ml_fail(c->err, LARK_ML_E_MODEL, c->op,
                       "Tensor %d: buffer %u holds %lu bytes, shape needs %u", t->index, buf,
                       have, t->bytes);
    return LARK_ML_OK;
}

lark_ml_status ml_tensor_read(const lark_ml_model *m, int32_t idx, ml_tensor *t, int op,
                              lark_ml_error *err)
{
    fb_file f = ml_file(m);
    if (idx < 0 || (uint32_t)idx >= m->n_tensors)
        return ml_fail(err, LARK_ML_E_MODEL, op, "tensor index %d out of range (%u tensors)", idx,
                       m->n_tensors);
    fb_ctx c = { "Tensor", idx, err, op };
    fb_vec tv = { m->tensors_vec, m->n_tensors };
    fb_table tt;
    lark_ml_status s = fb_vec_table(&f, &tv, (uint32_t)idx, &tt, "tensors", &c);
    if (s) return s;
    t->index = idx;
    uint64_t v;
    if ((s = fb_scalar(&f, &tt, TENSOR_TYPE, 1, 0, &v, "type", &c))) return s;
    t->type = (uint8_t)v;
    uint32_t esize = ml_type_size(t->type);
    if (!esize)
        return ml_fail(err, LARK_ML_E_UNSUPPORTED, op, "Tensor %d field type: type %u not supported",
                       idx, (unsigned)t->type);
    if ((s = fb_scalar(&f, &tt, TENSOR_IS_VARIABLE, 1, 0, &v, "is_variable", &c))) return s;
    if (v)
        return ml_fail(err, LARK_ML_E_UNSUPPORTED, op,
                       "Tensor %d: variable (stateful) tensors not supported", idx);
    fb_table sp;
    int present;
    if ((s = fb_subtable(&f, &tt, TENSOR_SPARSITY, &sp, &present, "sparsity", &c))) return s;
    if (present)
        return ml_fail(err, LARK_ML_E_UNSUPPORTED, op, "Tensor %d: sparse tensors not supported",
                       idx);
    fb_vec shape;
    if ((s = fb_vector(&f, &tt, TENSOR_SHAPE, 4, &shape, NULL, "shape", &c))) return s;
    if (shape.count > LARK_ML_MAX_RANK)
        return ml_fail(err, LARK_ML_E_LIMIT, op, "Tensor %d field shape: rank %u > %d", idx,
                       shape.count, LARK_ML_MAX_RANK);
    t->rank = (uint8_t)shape.count;
    uint64_t elems = 1;
    for (uint32_t i = 0; i < shape.count; i++) {
        int32_t d = fb_vec_i32(&f, &shape, i);
        if (d <= 0)
            return ml_fail(err, d == 0 ? LARK_ML_E_UNSUPPORTED : LARK_ML_E_MODEL, op,
                           "Tensor %d field shape: dimension %u is %d (%s)", idx, i, d,
                           d == 0 ? "zero-sized tensors not supported" : "must be positive");
        t->dims[i] = d;
        elems *= (uint64_t)d;
        if (elems * esize > 0x7fffffffu)
            return ml_fail(err, LARK_ML_E_LIMIT, op, "Tensor %d field shape: more than 2 GiB",
                           idx);
    }
    t->elems = (uint32_t)elems;
    t->bytes = (uint32_t)(elems * esize);
    if ((s = fb_string(&f, &tt, TENSOR_NAME, &t->name, &t->name_len, "name", &c))) return s;

    t->scale = 0;
    t->zp = 0;
    t->qdim = 0;
    t->scales.count = t->zero_points.count = 0;
    fb_table q;
    if ((s = fb_subtable(&f, &tt, TENSOR_QUANTIZATION, &q, &present, "quantization", &c)))
        return s;
    if (present) {
        fb_ctx qc = { "Tensor.quantization", idx, err, op };
        if ((s = fb_vector(&f, &q, QUANT_SCALE, 4, &t->scales, NULL, "scale", &qc))) return s;
        if ((s = fb_vector(&f, &q, QUANT_ZERO_POINT, 8, &t->zero_points, NULL, "zero_point", &qc)))
            return s;
        if ((s = fb_scalar(&f, &q, QUANT_DIMENSION, 4, 0, &v, "quantized_dimension", &qc)))
            return s;
        t->qdim = (int32_t)v;
        for (uint32_t i = 0; i < t->scales.count; i++) {
            float sc = fb_vec_f32(&f, &t->scales, i);
            if (!(sc > 0.0f) || sc > 3.0e38f)
                return ml_fail(err, LARK_ML_E_MODEL, op,
                               "Tensor %d field quantization.scale[%u]: not a positive finite number",
                               idx, i);
        }
        if (t->scales.count) t->scale = fb_vec_f32(&f, &t->scales, 0);
        if (t->zero_points.count) {
            int64_t z = fb_vec_i64(&f, &t->zero_points, 0);
            if (z < -32768 || z > 65535)
                return ml_fail(err, LARK_ML_E_MODEL, op,
                               "Tensor %d field quantization.zero_point: %ld out of range", idx, z);
            t->zp = (int32_t)z;
        }
    }
    uint64_t buf;
    if ((s = fb_scalar(&f, &tt, TENSOR_BUFFER, 4, 0, &buf, "buffer", &c))) return s;
    return tensor_buffer(m, &f, t, (uint32_t)buf, &c);
}

lark_ml_status ml_op_read(const lark_ml_model *m, int op, ml_opinfo *o, lark_ml_error *err)
{
    fb_file f = ml_file(m);
    fb_ctx c = { "Operator", op, err, op };
    fb_vec ov = { m->ops_vec, m->n_ops };
    fb_table t;
    lark_ml_status s = fb_vec_table(&f, &ov, (uint32_t)op, &t, "operators", &c);
    if (s) return s;
    o->index = op;
    uint64_t v;
    if ((s = fb_scalar(&f, &t, OPERATOR_OPCODE_INDEX, 4, 0, &v, "opcode_index", &c))) return s;
    if (v >= m->n_opcodes)
        return ml_fail(err, LARK_ML_E_MODEL, op, "Operator %d field opcode_index: %lu >= %u codes",
                       op, v, m->n_opcodes);
    fb_vec cv = { m->opcodes_vec, m->n_opcodes };
    fb_table oc;
    fb_ctx cc = { "OperatorCode", (int64_t)v, err, op };
    if ((s = fb_vec_table(&f, &cv, (uint32_t)v, &oc, "operator_codes", &cc))) return s;
    uint64_t dep, code;
    if ((s = fb_scalar(&f, &oc, OPCODE_DEPRECATED_BUILTIN, 1, 0, &dep, "deprecated_builtin_code", &cc)))
        return s;
    if ((s = fb_scalar(&f, &oc, OPCODE_BUILTIN, 4, 0, &code, "builtin_code", &cc))) return s;
    /* schema rule: the real code is the larger of the two (old files only set the byte). */
    int32_t d = (int8_t)dep, b = (int32_t)code;
    o->code = d > b ? d : b;
    if ((s = fb_vector(&f, &t, OPERATOR_INPUTS, 4, &o->inputs, NULL, "inputs", &c))) return s;
    if ((s = fb_vector(&f, &t, OPERATOR_OUTPUTS, 4, &o->outputs, NULL, "outputs", &c))) return s;
    for (uint32_t i = 0; i < o->inputs.count; i++) {
        int32_t ti = fb_vec_i32(&f, &o->inputs, i);
        if (ti < -1 || ti >= (int32_t)m->n_tensors)
            return ml_fail(err, LARK_ML_E_MODEL, op, "Operator %d field inputs[%u]: tensor %d out of range",
                           op, i, ti);
    }
    for (uint32_t i = 0; i < o->outputs.count; i++) {
        int32_t ti = fb_vec_i32(&f, &o->outputs, i);
        if (ti < 0 || ti >= (int32_t)m->n_tensors)
            return ml_fail(err, LARK_ML_E_MODEL, op, "Operator %d field outputs[%u]: tensor %d out of range",
                           op, i, ti);
    }
    if ((s = fb_scalar(&f, &t, OPERATOR_OPTIONS_TYPE, 1, 0, &v, "builtin_options_type", &c)))
        return s;
    o->options_type = (uint8_t)v;
    if ((s = fb_subtable(&f, &t, OPERATOR_OPTIONS, &o->options, &o->has_options, "builtin_options", &c)))
        return s;
    return LARK_ML_OK;
}
