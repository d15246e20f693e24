/* lark_rvv_chan_pixel: one output pixel of a depthwise convolution with multiplier 1,
 * vector over channels (see lark_rvv_chan in rvv_kernels.h). Inner step: 9 instructions
 * for up to 32 MACs. */
#include "rvv_common.inc"

    .text
    .globl  lark_rvv_chan_pixel
    .type   lark_rvv_chan_pixel, @function
lark_rvv_chan_pixel:
    PIXEL_ENTER
    ld      s0, 96(a0)          /* n_cols */
    ld      s4, 104(a0)         /* n_rows */
    ld      s2, 112(a0)         /* x_cstride */
    ld      s3, 120(a0)         /* w_cstride */
    ld      s5, 128(a0)         /* x_rstride */
    ld      s6, 136(a0)         /* w_rstride */
    mul     s1, s0, s2          /* bytes of x one row of taps spans */
    beqz    a2, 9f
1:  vsetvli t0, a2, e32, m8, ta, ma
    BIAS_START
    beqz    s0, 5f
    beqz    s4, 5f
    mv      t4, s11
    mv      t5, a3
    mv      t3, s4
2:  mv      t6, t4
    mv      a7, t5
    add     ra, t4, s1
3:  vle8.v  v4, (t6)
    vle8.v  v6, (a7)
    vsext.vf2 v16, v4
    vsext.vf2 v20, v6
    vsub.vx v16, v16, s7
    vwmacc.vv v8, v16, v20
    add     t6, t6, s2
    add     a7, a7, s3
    bne     t6, ra, 3b
    add     t4, t4, s5
    add     t5, t5, s6
    addi    t3, t3, -1
    bnez    t3, 2b
5:  REQUANT_STORE
    add     s11, s11, t0        /* next strip: the next vl channels of x and w */
    add     a3, a3, t0
    bnez    a2, 1b
9:  PIXEL_LEAVE
    .size   lark_rvv_chan_pixel, . - lark_rvv_chan_pixel
