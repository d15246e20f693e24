/* libFuzzer harness for the ML runtime: any byte string goes through open; whatever opens is
 * prepared in an arena of exactly the reported size and invoked on a zero input, so the
 * reader, planner and kernels all see fuzzed models. Built by `make -C ml fuzz-ml` with
 * -fsanitize=fuzzer,address,undefined. */
#include "lark_ml.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARENA (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lark_ml_model m;
    lark_ml_error err;
    if (lark_ml_open(&m, data, size, &err) != LARK_ML_OK) {
        if (!err.msg[0]) abort(); /* every refusal must explain itself */
        return 0;
    }
    size_t need = lark_ml_arena_bytes(&m);
    if (need > MAX_ARENA) return 0; /* valid but too big to run quickly */
    void *arena = aligned_alloc(LARK_ML_ARENA_ALIGN, (need + 15) & ~(size_t)15);
    if (!arena) return 0;
    if (lark_ml_prepare(&m, arena, need, &err) == LARK_ML_OK) {
        int ok = 1;
        for (int i = 0; i < lark_ml_input_count(&m); i++) {
            lark_ml_tensor_info in;
            if (lark_ml_input_info(&m, i, &in) != LARK_ML_OK) abort();
            void *zero = calloc(1, in.bytes ? in.bytes : 1);
            if (!zero || lark_ml_set_input(&m, i, zero, in.bytes, &err) != LARK_ML_OK) ok = 0;
            free(zero);
        }
        if (ok && lark_ml_macs(&m) < 50000000 && lark_ml_invoke(&m, &err) != LARK_ML_OK) abort();
        for (int i = 0; i < lark_ml_output_count(&m); i++) {
            size_t n;
            const uint8_t *o = lark_ml_output(&m, i, &n);
            volatile uint8_t sink = 0;
            for (size_t k = 0; o && k < n; k++) sink ^= o[k]; /* ASan checks the bounds */
            (void)sink;
        }
    } else if (!err.msg[0]) {
        abort();
    }
    free(arena);
    return 0;
}
