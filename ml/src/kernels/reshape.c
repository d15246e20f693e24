/* RESHAPE: same element count and type, bytes copied (TFLM does not alias either). The new
 * shape comes from the output tensor; the optional shape input is not needed. */
#include "kernels.h"

lark_ml_status ml_setup_reshape(ml_setup *s)
{
    ml_tensor *in = &s->in[0], *out = &s->out;
    if (s->n_in < 1 || s->n_in > 2 || !s->has_in[0])
        return ml_bad(s, LARK_ML_E_MODEL, "needs data input and optional shape (%d inputs)", s->n_in, 0, 0);
    if (in->type != out->type || in->bytes != out->bytes)
        return ml_bad(s, LARK_ML_E_MODEL, "input %d bytes / type %d differ from output %d bytes",
                      (int)in->bytes, in->type, (int)out->bytes);
    if (s->rec) {
        s->rec->in = ml_act_ptr(s, in);
        s->rec->out = ml_act_ptr(s, out);
        s->rec->u.copy.bytes = in->bytes;
    }
    return LARK_ML_OK;
}

void ml_eval_reshape(const ml_op *op, uint8_t *scratch)
{
    (void)scratch;
    if (op->out != op->in) __builtin_memmove(op->out, op->in, op->u.copy.bytes);
}
