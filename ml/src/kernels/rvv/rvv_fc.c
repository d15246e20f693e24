/* FULLY_CONNECTED on the RVV kernel: each batch row is one "pixel" whose single run is the
 * whole input row, vector over the output units (weights [units, depth], strided loads). */
#include <stddef.h>

#include "../kernels.h"
#include "rvv_kernels.h"

void ml_eval_fc_scalar(const ml_op *op, uint8_t *scratch);

void ml_eval_fc(const ml_op *op, uint8_t *scratch)
{
    if (!lark_rvv_shifts_ok(op->shift, op->n_mult)) {
        ml_eval_fc_scalar(op, scratch);
        return;
    }
    const int64_t D = op->u.fc.depth, O = op->u.fc.units;
    lark_rvv_bcast p = {
        .w = op->w, .bias = op->bias, .mult = op->mult, .shift = op->shift,
        .q_stride = op->n_mult > 1, .n_out = O, .zp_in = op->in_zp, .zp_out = op->out_zp,
        .act_min = op->act_min, .act_max = op->act_max,
        .w_ostride = D, .run_len = D, .x_jstride = 1, .w_jstride = 1, .n_runs = 1,
    };
    for (int32_t b = 0; b < op->u.fc.batches; b++) {
        p.out = op->out + (size_t)b * O;
        p.x = op->in + (size_t)b * D;
        lark_rvv_bcast_pixel(&p);
    }
}
