/* One bare-metal bench program per (model, build): loads the linked-in model, checks the
 * output for the pattern input against TFLM's bytes, then counts retired instructions per
 * inference. Under QEMU -icount shift=0 the count is exact and repeatable.
 * Build-time parameters: BENCH_MODEL_FILE (file name in shared/models), BENCH_LABEL,
 * BENCH_RUNS, BENCH_FLAVOUR ("scalar" or "rvv"). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "expected.h"
#include "lark_ml.h"
#include "platform.h"
#include "profile.h"

extern const uint8_t bench_model[], bench_model_end[];
extern const char bench_expected[], bench_expected_end[];

#define ARENA_BYTES (512u * 1024u)
#define MAX_IO_BYTES (32u * 1024u)

static lark_ml_model model;
static _Alignas(LARK_ML_ARENA_ALIGN) uint8_t arena[ARENA_BYTES];
static int8_t input[MAX_IO_BYTES];
static int8_t expected[MAX_IO_BYTES];

static void fail(const char *what, const char *detail)
{
    platform_puts("bench: FAIL: " BENCH_LABEL " (" BENCH_FLAVOUR "): ");
    platform_puts(what);
    if (detail) {
        platform_puts(": ");
        platform_puts(detail);
    }
    platform_puts("\n");
    platform_exit(1);
}

/* Runs one inference on the pattern input and compares the whole output; returns the
 * instructions retired by lark_ml_invoke alone. */
static uint64_t run_and_check(const char *when, size_t in_bytes, size_t expected_n)
{
    lark_ml_error err;
    if (lark_ml_set_input(&model, 0, input, in_bytes, &err) != LARK_ML_OK)
        fail("set_input", err.msg);
    uint64_t t0 = platform_instret();
    lark_ml_status st = lark_ml_invoke(&model, &err);
    uint64_t t1 = platform_instret();
    if (st != LARK_ML_OK)
        fail("invoke", err.msg);
    size_t out_n = 0;
    const int8_t *out = lark_ml_output(&model, 0, &out_n);
    if (!out || out_n != expected_n)
        fail("output size differs from EXPECTED_OUTPUTS.txt", when);
    for (size_t i = 0; i < out_n; i++) {
        if (out[i] != expected[i]) {
            platform_puts("bench: output[");
            platform_put_u64(i);
            platform_puts("] = ");
            platform_put_i64(out[i]);
            platform_puts(", TFLM reference = ");
            platform_put_i64(expected[i]);
            platform_puts("\n");
            fail("output differs from TFLM", when);
        }
    }
    return t1 - t0;
}

void bench_main(void);
void bench_main(void)
{
    lark_ml_error err;
    size_t expected_n = 0;
    if (expected_lookup(bench_expected, (size_t)(bench_expected_end - bench_expected),
                        BENCH_MODEL_FILE, "pattern", expected, sizeof expected,
                        &expected_n) != 0)
        fail("no pattern line in EXPECTED_OUTPUTS.txt", BENCH_MODEL_FILE);

    if (lark_ml_open(&model, bench_model, (size_t)(bench_model_end - bench_model), &err) !=
        LARK_ML_OK)
        fail("open", err.msg);
    if (lark_ml_arena_bytes(&model) > sizeof arena)
        fail("arena larger than the bench reserves", NULL);
    if (lark_ml_prepare(&model, arena, sizeof arena, &err) != LARK_ML_OK)
        fail("prepare", err.msg);

    lark_ml_tensor_info in;
    if (lark_ml_input_info(&model, 0, &in) != LARK_ML_OK || in.bytes > sizeof input)
        fail("input tensor", "missing or larger than the bench buffer");
    for (size_t k = 0; k < in.bytes; k++)
        input[k] = (int8_t)(uint8_t)((k * 37 + 11) & 0xff);

    /* A counter that does not move means -icount or counter access is missing: every
     * figure would be garbage, so refuse rather than print it. */
    uint64_t probe = platform_instret();
    if (platform_instret() == probe)
        fail("rdinstret does not count", NULL);

    run_and_check("warm-up", in.bytes, expected_n);
    bench_prof = (bench_profile){{0}, {0}};
    uint64_t total = 0;
    for (int r = 0; r < BENCH_RUNS; r++)
        total += run_and_check("measured run", in.bytes, expected_n);

    uint64_t per_inference = total / BENCH_RUNS;
    uint64_t macs = lark_ml_macs(&model);
    platform_puts(BENCH_LABEL ": ");
    platform_put_u64(per_inference);
    platform_puts(" instructions/inference, ");
    if (macs)
        platform_put_milli((per_inference * 1000 + macs / 2) / macs);
    else
        platform_puts("n/a");
    platform_puts(" instructions/MAC (" BENCH_FLAVOUR ", ");
    platform_put_u64(macs);
    platform_puts(" MACs, arena ");
    platform_put_u64(lark_ml_arena_bytes(&model));
    platform_puts(" B, output matches TFLM)\n");
    profile_print(BENCH_LABEL, total, BENCH_RUNS);
    platform_exit(0);
}
