#include "profile.h"

#include "kernels/kernels.h"
#include "platform.h"

bench_profile bench_prof;

/* -DBENCH_LAYERS prints one line per conv/dwconv eval (shape and instructions) to find
 * where a kernel's instructions go; off by default so the bench output stays the same. */
#ifdef BENCH_LAYERS
static void layer_line(const char *what, const ml_geom *g, uint64_t instr)
{
    platform_puts("layer ");
    platform_puts(what);
    const int32_t v[] = { g->in_h, g->in_w, g->in_c, g->out_h, g->out_w, g->out_c, g->k_h, g->k_w, g->stride_w };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        platform_puts(" ");
        platform_put_i64(v[i]);
    }
    platform_puts(" instr ");
    platform_put_u64(instr);
    platform_puts("\n");
}
#else
#define layer_line(what, g, instr) ((void)0)
#endif

void __real_ml_eval_conv(const ml_op *op, uint8_t *scratch);
void __real_ml_eval_dwconv(const ml_op *op, uint8_t *scratch);
void __real_ml_eval_fc(const ml_op *op, uint8_t *scratch);
void __wrap_ml_eval_conv(const ml_op *op, uint8_t *scratch);
void __wrap_ml_eval_dwconv(const ml_op *op, uint8_t *scratch);
void __wrap_ml_eval_fc(const ml_op *op, uint8_t *scratch);

static uint64_t geom_outputs(const ml_geom *g)
{
    return (uint64_t)g->batches * (uint64_t)g->out_h * (uint64_t)g->out_w * (uint64_t)g->out_c;
}

void __wrap_ml_eval_conv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    int kind = g->k_h == 1 && g->k_w == 1 ? PROF_CONV_1X1 : PROF_CONV_KXK;
    uint64_t t0 = platform_instret();
    __real_ml_eval_conv(op, scratch);
    layer_line("conv", g, platform_instret() - t0);
    bench_prof.instr[kind] += platform_instret() - t0;
    bench_prof.macs[kind] += geom_outputs(g) * (uint64_t)(g->k_h * g->k_w * g->in_c);
}

void __wrap_ml_eval_dwconv(const ml_op *op, uint8_t *scratch)
{
    const ml_geom *g = &op->u.g;
    uint64_t t0 = platform_instret();
    __real_ml_eval_dwconv(op, scratch);
    layer_line("dwconv", g, platform_instret() - t0);
    bench_prof.instr[PROF_DWCONV] += platform_instret() - t0;
    bench_prof.macs[PROF_DWCONV] += geom_outputs(g) * (uint64_t)(g->k_h * g->k_w);
}

void __wrap_ml_eval_fc(const ml_op *op, uint8_t *scratch)
{
    uint64_t t0 = platform_instret();
    __real_ml_eval_fc(op, scratch);
    bench_prof.instr[PROF_FC] += platform_instret() - t0;
    bench_prof.macs[PROF_FC] += (uint64_t)op->u.fc.batches * (uint64_t)op->u.fc.units *
                                (uint64_t)op->u.fc.depth;
}

void profile_print(const char *label, uint64_t total_instr, int runs)
{
    static const char *const names[PROF_KINDS] = {"CONV_2D 1x1", "CONV_2D kxk",
                                                  "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"};
    uint64_t rest = total_instr;
    platform_puts(label);
    platform_puts(" profile:");
    for (int k = 0; k < PROF_KINDS; k++) {
        if (!bench_prof.macs[k])
            continue;
        rest -= bench_prof.instr[k];
        uint64_t instr = bench_prof.instr[k] / (uint64_t)runs;
        uint64_t macs = bench_prof.macs[k] / (uint64_t)runs;
        platform_puts(" ");
        platform_puts(names[k]);
        platform_puts(" ");
        platform_put_u64(instr);
        platform_puts(" (");
        platform_put_milli((instr * 1000 + macs / 2) / macs);
        platform_puts("/MAC);");
    }
    platform_puts(" other ops ");
    platform_put_u64(rest / (uint64_t)runs);
    platform_puts("\n");
}
