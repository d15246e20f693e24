/* lark-ml: host front end of the ML runtime.
 *   lark-ml info MODEL          inputs, outputs, operators, arena bytes
 *   lark-ml run MODEL INPUT|-   one inference; prints "output: v0 v1 ..."
 *   lark-ml bench MODEL [N]     microseconds per inference (best of 3 rounds of N) */
#include "lark_ml.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FILE (256u << 20)

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "lark-ml: cannot open %s\n", path); return NULL; }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        if (cap >= MAX_FILE) { fprintf(stderr, "lark-ml: %s larger than 256 MiB\n", path); free(buf); buf = NULL; break; }
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    if (buf && ferror(f)) { fprintf(stderr, "lark-ml: read error on %s\n", path); free(buf); buf = NULL; }
    fclose(f);
    *len = n;
    return buf;
}

static const char *type_name(int t)
{
    switch (t) {
    case LARK_ML_FLOAT32: return "float32";
    case LARK_ML_INT32: return "int32";
    case LARK_ML_UINT8: return "uint8";
    case LARK_ML_INT64: return "int64";
    case LARK_ML_INT16: return "int16";
    case LARK_ML_INT8: return "int8";
    default: return "?";
    }
}

static void print_tensor(const char *role, int i, const lark_ml_tensor_info *t)
{
    printf("%s %d: tensor %d %s [", role, i, t->index, type_name(t->type));
    for (int d = 0; d < t->rank; d++) printf("%s%d", d ? "," : "", (int)t->dims[d]);
    printf("] scale=%g zero_point=%d bytes=%zu\n", (double)t->scale, (int)t->zero_point, t->bytes);
}

static int open_model(const char *path, lark_ml_model *m, unsigned char **data, void **arena)
{
    size_t len;
    lark_ml_error err;
    *data = read_file(path, &len);
    if (!*data) return 0;
    if (lark_ml_open(m, *data, len, &err)) {
        fprintf(stderr, "lark-ml: %s: %s\n", path, err.msg);
        return 0;
    }
    size_t need = lark_ml_arena_bytes(m);
    *arena = aligned_alloc(LARK_ML_ARENA_ALIGN, (need + 15) & ~(size_t)15);
    if (!*arena) { fprintf(stderr, "lark-ml: out of memory\n"); return 0; }
    if (lark_ml_prepare(m, *arena, need, &err)) {
        fprintf(stderr, "lark-ml: %s: %s\n", path, err.msg);
        return 0;
    }
    return 1;
}

static int cmd_info(lark_ml_model *m)
{
    lark_ml_tensor_info t;
    for (int i = 0; i < lark_ml_input_count(m); i++)
        if (!lark_ml_input_info(m, i, &t)) print_tensor("input", i, &t);
    for (int i = 0; i < lark_ml_output_count(m); i++)
        if (!lark_ml_output_info(m, i, &t)) print_tensor("output", i, &t);
    printf("operators: %d\n", lark_ml_op_count(m));
    for (int i = 0; i < lark_ml_op_count(m); i++) printf("  op %d %s\n", i, lark_ml_op_name(m, i));
    printf("macs: %llu\n", (unsigned long long)lark_ml_macs(m));
    printf("arena: %zu bytes (activations %u)\n", lark_ml_arena_bytes(m), lark_ml_plan_bytes(m));
    return 0;
}

static int cmd_run(lark_ml_model *m, const char *input)
{
    lark_ml_tensor_info t;
    lark_ml_error err;
    if (lark_ml_input_count(m) != 1 || lark_ml_input_info(m, 0, &t)) {
        fprintf(stderr, "lark-ml: run supports models with exactly one input\n");
        return 1;
    }
    unsigned char *in;
    size_t n;
    if (!strcmp(input, "-")) {
        n = t.bytes;
        in = calloc(1, n ? n : 1);
        if (!in) return 1;
    } else {
        in = read_file(input, &n);
        if (!in) return 1;
    }
    int rc = 1;
    if (lark_ml_set_input(m, 0, in, n, &err) || lark_ml_invoke(m, &err)) {
        fprintf(stderr, "lark-ml: %s\n", err.msg);
    } else {
        size_t on;
        const void *out = lark_ml_output(m, 0, &on);
        lark_ml_output_info(m, 0, &t);
        printf("output:");
        for (size_t i = 0; out && i < on; i++) {
            if (t.type == LARK_ML_INT8) printf(" %d", ((const signed char *)out)[i]);
            else if (t.type == LARK_ML_FLOAT32 && i % 4 == 0) { float v; memcpy(&v, (const char *)out + i, 4); printf(" %g", (double)v); }
            else if (t.type != LARK_ML_FLOAT32) printf(" %u", ((const unsigned char *)out)[i]);
        }
        printf("\n");
        rc = 0;
    }
    free(in);
    return rc;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmd_bench(lark_ml_model *m, const char *path, int n)
{
    lark_ml_tensor_info t;
    lark_ml_error err;
    if (lark_ml_input_info(m, 0, &t)) return 1;
    unsigned char *in = calloc(1, t.bytes ? t.bytes : 1);
    if (!in) return 1;
    for (size_t k = 0; k < t.bytes; k++) in[k] = (unsigned char)((k * 37 + 11) & 0xff);
    double best = 1e30;
    for (int round = 0; round < 3; round++) {
        double t0 = now_us();
        for (int i = 0; i < n; i++)
            if (lark_ml_set_input(m, 0, in, t.bytes, &err) || lark_ml_invoke(m, &err)) {
                fprintf(stderr, "lark-ml: %s\n", err.msg);
                free(in);
                return 1;
            }
        double us = (now_us() - t0) / n;
        if (us < best) best = us;
    }
    free(in);
    const char *base = strrchr(path, '/');
    printf("%s: %.1f us/inference (best of 3 x %d), %.2f ns/MAC\n", base ? base + 1 : path, best, n,
           lark_ml_macs(m) ? best * 1000.0 / (double)lark_ml_macs(m) : 0.0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "info") && strcmp(argv[1], "run") && strcmp(argv[1], "bench")) ||
        (!strcmp(argv[1], "run") && argc != 4) || argc > 4) {
        fprintf(stderr, "usage: lark-ml info MODEL | run MODEL INPUT|- | bench MODEL [N]\n");
        return 2;
    }
    static lark_ml_model m;
    unsigned char *data = NULL;
    void *arena = NULL;
    int rc = 1;
    if (open_model(argv[2], &m, &data, &arena)) {
        if (!strcmp(argv[1], "info")) rc = cmd_info(&m);
        else if (!strcmp(argv[1], "run")) rc = cmd_run(&m, argv[3]);
        else {
            int n = argc == 4 ? atoi(argv[3]) : 10;
            if (n < 1 || n > 1000000) { fprintf(stderr, "lark-ml: N must be 1..1000000\n"); rc = 2; }
            else rc = cmd_bench(&m, argv[2], n);
        }
    }
    free(arena);
    free(data);
    return rc;
}
