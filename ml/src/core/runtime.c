/* Model life cycle: open (validate + plan), prepare (fill operator records in the arena),
 * set_input / invoke / output. */
#include "lark_ml.h"
#include "err.h"
#include "../reader/model.h"
#include "../reader/schema.h"
#include "../planner/plan.h"
#include "../kernels/kernels.h"

#define NOT_IN_ARENA 0xffffffffu
#define ALIGN16(x) (((x) + 15u) & ~15u)

typedef lark_ml_status (*setup_fn)(ml_setup *);
typedef void (*eval_fn)(const ml_op *, uint8_t *);

typedef struct {
    int32_t code;
    setup_fn setup;
    eval_fn eval;
} kernel_entry;

static const kernel_entry kernels[] = {
    { OP_CONV_2D, ml_setup_conv, ml_eval_conv },
    { OP_DEPTHWISE_CONV_2D, ml_setup_dwconv, ml_eval_dwconv },
    { OP_FULLY_CONNECTED, ml_setup_fc, ml_eval_fc },
    { OP_AVERAGE_POOL_2D, ml_setup_avgpool, ml_eval_avgpool },
    { OP_MAX_POOL_2D, ml_setup_maxpool, ml_eval_maxpool },
    { OP_ADD, ml_setup_add, ml_eval_add },
    { OP_RESHAPE, ml_setup_reshape, ml_eval_reshape },
    { OP_SOFTMAX, ml_setup_softmax, ml_eval_softmax },
    { OP_QUANTIZE, ml_setup_quantize, ml_eval_quantize },
    { OP_DEQUANTIZE, ml_setup_dequantize, ml_eval_dequantize },
};

static const kernel_entry *find_kernel(int32_t code)
{
    for (unsigned i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (kernels[i].code == code) return &kernels[i];
    return 0;
}

static lark_ml_status read_io(lark_ml_model *m, const fb_file *f, const fb_table *sg, int field,
                              const char *name, uint32_t *count, int32_t *idx, lark_ml_error *err)
{
    fb_ctx c = { "SubGraph", 0, err, -1 };
    fb_vec v;
    lark_ml_status s = fb_vector(f, sg, field, 4, &v, 0, name, &c);
    if (s) return s;
    if (v.count == 0 || v.count > LARK_ML_MAX_IO)
        return ml_fail(err, v.count ? LARK_ML_E_LIMIT : LARK_ML_E_MODEL, -1,
                       "SubGraph field %s: %u entries (1..%d supported)", name, v.count, LARK_ML_MAX_IO);
    for (uint32_t i = 0; i < v.count; i++) {
        idx[i] = fb_vec_i32(f, &v, i);
        if (idx[i] < 0 || (uint32_t)idx[i] >= m->n_tensors)
            return ml_fail(err, LARK_ML_E_MODEL, -1, "SubGraph field %s[%u]: tensor %d out of range",
                           name, i, idx[i]);
    }
    *count = v.count;
    return LARK_ML_OK;
}

/* Reads an operator's tensors into s (shared by open and prepare). */
static lark_ml_status load_op(lark_ml_model *m, int op, ml_opinfo *info, ml_setup *s,
                              const kernel_entry **k, lark_ml_error *err)
{
    lark_ml_status st = ml_op_read(m, op, info, err);
    if (st) return st;
    *k = find_kernel(info->code);
    if (!*k)
        return ml_fail(err, LARK_ML_E_UNSUPPORTED, op, "Operator %d: operator %s (code %d) not supported",
                       op, ml_opcode_name(info->code), info->code);
    if (info->inputs.count > 3)
        return ml_fail(err, LARK_ML_E_MODEL, op, "Operator %d (%s): %u inputs, at most 3 expected", op,
                       ml_opcode_name(info->code), info->inputs.count);
    if (info->outputs.count != 1)
        return ml_fail(err, LARK_ML_E_MODEL, op, "Operator %d (%s): %u outputs, expected 1", op,
                       ml_opcode_name(info->code), info->outputs.count);
    s->m = m;
    s->op = op;
    s->err = err;
    s->info = info;
    s->n_in = (int)info->inputs.count;
    for (int i = 0; i < s->n_in; i++) {
        int32_t t = ml_op_tensor(m, &info->inputs, (uint32_t)i);
        s->has_in[i] = t >= 0;
        if (t >= 0 && (st = ml_tensor_read(m, t, &s->in[i], op, err))) return st;
    }
    return ml_tensor_read(m, ml_op_tensor(m, &info->outputs, 0), &s->out, op, err);
}

lark_ml_status lark_ml_open(lark_ml_model *m, const void *model, size_t len, lark_ml_error *err)
{
    if (err) { err->code = LARK_ML_OK; err->op_index = -1; err->msg[0] = 0; }
    if (!m || !model) return ml_fail(err, LARK_ML_E_ARG, -1, "NULL model or buffer");
    __builtin_memset(m, 0, sizeof *m);
    if (len > 0x7fffffff) return ml_fail(err, LARK_ML_E_LIMIT, -1, "model larger than 2 GiB");
    m->data = model;
    m->len = len;
    fb_file f = ml_file(m);
    fb_ctx c = { "Model", -1, err, -1 };
    fb_table root, sg;
    lark_ml_status s;
    uint64_t version;
    if ((s = fb_root(&f, &root, &c))) return s;
    if ((s = fb_scalar(&f, &root, MODEL_VERSION, 4, 0, &version, "version", &c))) return s;
    if (version != 3)
        return ml_fail(err, LARK_ML_E_UNSUPPORTED, -1, "Model field version: %lu, expected 3", version);
    fb_vec codes, subgraphs, buffers;
    if ((s = fb_vector(&f, &root, MODEL_OPERATOR_CODES, 4, &codes, 0, "operator_codes", &c)) ||
        (s = fb_vector(&f, &root, MODEL_SUBGRAPHS, 4, &subgraphs, 0, "subgraphs", &c)) ||
        (s = fb_vector(&f, &root, MODEL_BUFFERS, 4, &buffers, 0, "buffers", &c)))
        return s;
    if (subgraphs.count != 1)
        return ml_fail(err, subgraphs.count ? LARK_ML_E_UNSUPPORTED : LARK_ML_E_MODEL, -1,
                       "Model field subgraphs: %u subgraphs (exactly 1 supported)", subgraphs.count);
    m->opcodes_vec = codes.pos;
    m->n_opcodes = codes.count;
    m->buffers_vec = buffers.pos;
    m->n_buffers = buffers.count;
    if ((s = fb_vec_table(&f, &subgraphs, 0, &sg, "subgraphs", &c))) return s;
    fb_ctx sc = { "SubGraph", 0, err, -1 };
    fb_vec tensors, ops;
    if ((s = fb_vector(&f, &sg, SUBGRAPH_TENSORS, 4, &tensors, 0, "tensors", &sc)) ||
        (s = fb_vector(&f, &sg, SUBGRAPH_OPERATORS, 4, &ops, 0, "operators", &sc)))
        return s;
    if (tensors.count > LARK_ML_MAX_TENSORS)
        return ml_fail(err, LARK_ML_E_LIMIT, -1, "SubGraph field tensors: %u tensors (limit %d)",
                       tensors.count, LARK_ML_MAX_TENSORS);
    if (ops.count == 0 || ops.count > LARK_ML_MAX_OPS)
        return ml_fail(err, ops.count ? LARK_ML_E_LIMIT : LARK_ML_E_MODEL, -1,
                       "SubGraph field operators: %u operators (1..%d supported)", ops.count,
                       LARK_ML_MAX_OPS);
    m->tensors_vec = tensors.pos;
    m->n_tensors = tensors.count;
    m->ops_vec = ops.pos;
    m->n_ops = ops.count;
    if ((s = read_io(m, &f, &sg, SUBGRAPH_INPUTS, "inputs", &m->n_inputs, m->inputs, err)) ||
        (s = read_io(m, &f, &sg, SUBGRAPH_OUTPUTS, "outputs", &m->n_outputs, m->outputs, err)))
        return s;

    /* order[] doubles as "value available" flags until the planner needs it. */
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        m->first[i] = m->last[i] = -1;
        m->order[i] = 0;
        m->tensor_size[i] = 0;
    }
    ml_tensor t;
    for (uint32_t i = 0; i < m->n_inputs; i++) {
        int32_t ti = m->inputs[i];
        if ((s = ml_tensor_read(m, ti, &t, -1, err))) return s;
        if (t.data)
            return ml_fail(err, LARK_ML_E_MODEL, -1, "SubGraph field inputs[%u]: tensor %d is constant", i, ti);
        if (m->order[ti])
            return ml_fail(err, LARK_ML_E_MODEL, -1, "SubGraph field inputs[%u]: tensor %d listed twice", i, ti);
        m->order[ti] = 1;
        m->first[ti] = m->last[ti] = 0;
        m->tensor_size[ti] = ALIGN16(t.bytes);
    }
    uint32_t persist = 0, scratch = 0;
    for (uint32_t op = 0; op < m->n_ops; op++) {
        ml_opinfo info;
        ml_setup st = { 0 };
        const kernel_entry *k;
        if ((s = load_op(m, (int)op, &info, &st, &k, err))) return s;
        for (int i = 0; i < st.n_in; i++) {
            if (!st.has_in[i] || st.in[i].data) continue;
            int32_t ti = st.in[i].index;
            if (!m->order[ti])
                return ml_fail(err, LARK_ML_E_MODEL, (int)op,
                               "Operator %u (%s): input %d reads tensor %d before it is produced", op,
                               ml_opcode_name(info.code), i, ti);
            m->last[ti] = (int16_t)op;
        }
        int32_t to = st.out.index;
        if (st.out.data)
            return ml_fail(err, LARK_ML_E_MODEL, (int)op, "Operator %u (%s): output tensor %d is constant",
                           op, ml_opcode_name(info.code), to);
        if (m->order[to])
            return ml_fail(err, LARK_ML_E_MODEL, (int)op,
                           "Operator %u (%s): output tensor %d is already written by an input or earlier operator",
                           op, ml_opcode_name(info.code), to);
        m->order[to] = 1;
        m->first[to] = m->last[to] = (int16_t)op;
        m->tensor_size[to] = ALIGN16(st.out.bytes);
        st.persist_used = persist;
        if ((s = k->setup(&st))) return s;
        persist = st.persist_used;
        if (st.scratch > scratch) scratch = st.scratch;
        m->macs += st.macs;
    }
    for (uint32_t i = 0; i < m->n_outputs; i++) {
        int32_t ti = m->outputs[i];
        if (!m->order[ti])
            return ml_fail(err, LARK_ML_E_MODEL, -1, "SubGraph field outputs[%u]: tensor %d is never produced", i, ti);
        m->last[ti] = (int16_t)(m->n_ops - 1);
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < m->n_tensors; i++) total += m->tensor_size[i];
    if (total > 0x7fffffff) return ml_fail(err, LARK_ML_E_LIMIT, -1, "activations exceed 2 GiB");
    m->plan_bytes = ALIGN16(ml_plan(m->n_tensors, m->tensor_size, m->first, m->last, m->order, m->tensor_off));
    for (uint32_t i = 0; i < m->n_tensors; i++)
        if (!m->tensor_size[i]) m->tensor_off[i] = NOT_IN_ARENA;
    m->persist_bytes = ALIGN16(m->n_ops * (uint32_t)sizeof(ml_op)) + ALIGN16(persist);
    m->scratch_bytes = ALIGN16(scratch);
    uint64_t arena = (uint64_t)m->plan_bytes + m->persist_bytes + m->scratch_bytes;
    if (arena > 0x7fffffff) return ml_fail(err, LARK_ML_E_LIMIT, -1, "arena exceeds 2 GiB");
    m->arena_bytes = (uint32_t)arena;
    m->opened = 1;
    return LARK_ML_OK;
}

size_t lark_ml_arena_bytes(const lark_ml_model *m) { return m && m->opened ? m->arena_bytes : 0; }
uint32_t lark_ml_plan_bytes(const lark_ml_model *m) { return m && m->opened ? m->plan_bytes : 0; }
uint64_t lark_ml_macs(const lark_ml_model *m) { return m && m->opened ? m->macs : 0; }
int lark_ml_op_count(const lark_ml_model *m) { return m && m->opened ? (int)m->n_ops : 0; }
int lark_ml_input_count(const lark_ml_model *m) { return m && m->opened ? (int)m->n_inputs : 0; }
int lark_ml_output_count(const lark_ml_model *m) { return m && m->opened ? (int)m->n_outputs : 0; }

const char *lark_ml_op_name(const lark_ml_model *m, int op)
{
    ml_opinfo info;
    if (!m || !m->opened || op < 0 || (uint32_t)op >= m->n_ops || ml_op_read(m, op, &info, 0))
        return "?";
    return ml_opcode_name(info.code);
}

lark_ml_status lark_ml_prepare(lark_ml_model *m, void *arena, size_t arena_len, lark_ml_error *err)
{
    if (err) { err->code = LARK_ML_OK; err->op_index = -1; err->msg[0] = 0; }
    if (!m || !m->opened || !arena) return ml_fail(err, LARK_ML_E_ARG, -1, "model not opened or NULL arena");
    if ((uintptr_t)arena % LARK_ML_ARENA_ALIGN)
        return ml_fail(err, LARK_ML_E_ARENA, -1, "arena not %d-byte aligned", LARK_ML_ARENA_ALIGN);
    if (arena_len < m->arena_bytes)
        return ml_fail(err, LARK_ML_E_ARENA, -1, "arena of %lu bytes is too small: model needs %u",
                       (uint64_t)arena_len, m->arena_bytes);
    m->prepared = 0;
    m->arena = arena;
    ml_op *ops = (ml_op *)(m->arena + m->plan_bytes);
    uint8_t *persist = (uint8_t *)ops + ALIGN16(m->n_ops * (uint32_t)sizeof(ml_op));
    m->ops = ops;
    m->scratch = m->arena + m->plan_bytes + m->persist_bytes;
    uint32_t used = 0;
    for (uint32_t op = 0; op < m->n_ops; op++) {
        ml_opinfo info;
        ml_setup st = { 0 };
        const kernel_entry *k;
        lark_ml_status s = load_op(m, (int)op, &info, &st, &k, err);
        if (s) return s;
        __builtin_memset(&ops[op], 0, sizeof ops[op]);
        ops[op].kind = (uint8_t)info.code;
        st.rec = &ops[op];
        st.persist = persist;
        st.persist_used = used;
        if ((s = k->setup(&st))) return s;
        used = st.persist_used;
    }
    __builtin_memset(m->input_fresh, 0, sizeof m->input_fresh);
    m->prepared = 1;
    return LARK_ML_OK;
}

static lark_ml_status io_info(const lark_ml_model *m, int32_t ti, lark_ml_tensor_info *info)
{
    ml_tensor t;
    if (ml_tensor_read(m, ti, &t, -1, 0)) return LARK_ML_E_MODEL;
    info->index = ti;
    info->type = t.type;
    info->rank = t.rank;
    for (int i = 0; i < LARK_ML_MAX_RANK; i++) info->dims[i] = i < t.rank ? t.dims[i] : 0;
    info->bytes = t.bytes;
    info->scale = t.scale;
    info->zero_point = t.zp;
    info->name = t.name;
    info->name_len = t.name_len;
    return LARK_ML_OK;
}

lark_ml_status lark_ml_input_info(const lark_ml_model *m, int i, lark_ml_tensor_info *info)
{
    if (!m || !m->opened || !info || i < 0 || (uint32_t)i >= m->n_inputs) return LARK_ML_E_ARG;
    return io_info(m, m->inputs[i], info);
}

lark_ml_status lark_ml_output_info(const lark_ml_model *m, int i, lark_ml_tensor_info *info)
{
    if (!m || !m->opened || !info || i < 0 || (uint32_t)i >= m->n_outputs) return LARK_ML_E_ARG;
    return io_info(m, m->outputs[i], info);
}

lark_ml_status lark_ml_set_input(lark_ml_model *m, int i, const void *src, size_t n, lark_ml_error *err)
{
    if (!m || !m->prepared) return ml_fail(err, LARK_ML_E_STATE, -1, "model not prepared");
    if (i < 0 || (uint32_t)i >= m->n_inputs || !src)
        return ml_fail(err, LARK_ML_E_ARG, -1, "input %d does not exist or NULL data", i);
    ml_tensor t;
    lark_ml_status s = ml_tensor_read(m, m->inputs[i], &t, -1, err);
    if (s) return s;
    if (n != t.bytes)
        return ml_fail(err, LARK_ML_E_ARG, -1, "input %d needs exactly %u bytes, got %lu", i, t.bytes,
                       (uint64_t)n);
    __builtin_memcpy(m->arena + m->tensor_off[t.index], src, n);
    m->input_fresh[i] = 1;
    return LARK_ML_OK;
}

lark_ml_status lark_ml_invoke(lark_ml_model *m, lark_ml_error *err)
{
    if (!m || !m->prepared) return ml_fail(err, LARK_ML_E_STATE, -1, "model not prepared");
    for (uint32_t i = 0; i < m->n_inputs; i++)
        if (!m->input_fresh[i])
            return ml_fail(err, LARK_ML_E_STATE, -1,
                           "input %u not written since the last invoke (the arena reuses its bytes)", i);
    const ml_op *ops = m->ops;
    for (uint32_t op = 0; op < m->n_ops; op++) {
        const kernel_entry *k = find_kernel(ops[op].kind);
        k->eval(&ops[op], m->scratch);
    }
    __builtin_memset(m->input_fresh, 0, sizeof m->input_fresh);
    return LARK_ML_OK;
}

const void *lark_ml_output(const lark_ml_model *m, int i, size_t *n)
{
    if (!m || !m->prepared || i < 0 || (uint32_t)i >= m->n_outputs) return 0;
    ml_tensor t;
    if (ml_tensor_read(m, m->outputs[i], &t, -1, 0)) return 0;
    if (n) *n = t.bytes;
    return m->arena + m->tensor_off[t.index];
}
