/* lark_rvv_bcast_pixel: one output pixel, vector over output channels, one scalar input
 * value per step (see lark_rvv_bcast in rvv_kernels.h). Inner step: 8 instructions for up
 * to 32 MACs (VLEN 128: e8/m2 weights, e16/m4 products, e32/m8 accumulators). */
#include "rvv_common.inc"

    .text
    .globl  lark_rvv_bcast_pixel
    .type   lark_rvv_bcast_pixel, @function
lark_rvv_bcast_pixel:
    PIXEL_ENTER
    ld      s0, 96(a0)          /* w_ostride */
    ld      s1, 104(a0)         /* run_len */
    ld      s2, 112(a0)         /* x_jstride */
    ld      s3, 120(a0)         /* w_jstride */
    ld      s4, 128(a0)         /* n_runs */
    ld      s5, 136(a0)         /* x_rstride */
    ld      s6, 144(a0)         /* w_rstride */
    mul     s1, s1, s2          /* bytes of x one run spans */
    beqz    a2, 9f
1:  vsetvli t0, a2, e32, m8, ta, ma
    BIAS_START
    beqz    s1, 5f
    beqz    s4, 5f
    mv      t4, s11             /* x of this run */
    mv      t5, a3              /* w of this run */
    mv      t3, s4
2:  mv      t6, t4
    mv      a7, t5
    add     ra, t4, s1
3:  lb      a0, 0(t6)
    vlse8.v v4, (a7), s0
    sub     a0, a0, s7
    vsext.vf2 v16, v4
    vwmacc.vx v8, a0, v16
    add     t6, t6, s2
    add     a7, a7, s3
    bne     t6, ra, 3b
    add     t4, t4, s5
    add     t5, t5, s6
    addi    t3, t3, -1
    bnez    t3, 2b
5:  REQUANT_STORE
    mul     t3, t0, s0          /* next strip: weights of the next vl output channels */
    add     a3, a3, t3
    bnez    a2, 1b
9:  PIXEL_LEAVE
    .size   lark_rvv_bcast_pixel, . - lark_rvv_bcast_pixel
