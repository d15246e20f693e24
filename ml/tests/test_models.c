/* Every core model on every input of EXPECTED_OUTPUTS.txt (TFLM reference bytes), through the
 * library and through the lark-ml CLI; arena smaller than TFLM's; input-state rules. */
#include "check.h"
#include "lark_ml.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *model;
    size_t len;
    lark_ml_model m;
    void *arena;
} loaded;

static int load(loaded *l, const char *dir, const char *name)
{
    char path[1024];
    lark_ml_error err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    l->arena = NULL;
    l->model = load_file(path, &l->len);
    if (!l->model) { CHECK(0, "cannot read %s", path); return 0; }
    if (lark_ml_open(&l->m, l->model, l->len, &err)) { CHECK(0, "%s: open: %s", name, err.msg); return 0; }
    size_t need = lark_ml_arena_bytes(&l->m);
    l->arena = aligned_alloc(16, (need + 15) & ~(size_t)15);
    if (lark_ml_prepare(&l->m, l->arena, need, &err)) { CHECK(0, "%s: prepare: %s", name, err.msg); return 0; }
    return 1;
}

static void unload(loaded *l)
{
    free(l->arena);
    free(l->model);
}

static unsigned char *make_input(const char *dir, const char *spec, size_t n)
{
    unsigned char *in = calloc(1, n);
    if (!strcmp(spec, "pattern")) {
        for (size_t k = 0; k < n; k++) in[k] = (unsigned char)((k * 37 + 11) & 0xff);
    } else if (strcmp(spec, "-")) {
        char path[1024];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, spec);
        unsigned char *f = load_file(path, &len);
        CHECK(f && len == n, "input %s has %zu bytes, want %zu", spec, f ? len : 0, n);
        if (f && len == n) memcpy(in, f, n);
        free(f);
    }
    return in;
}

static char *trim(char *s)
{
    while (*s == ' ') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\n')) *--e = 0;
    return s;
}

/* Runs the CLI and compares its single output line. */
static void check_cli(const char *cli, const char *dir, const char *model, const char *input_path,
                      const char *want)
{
    char cmd[2048], line[8192] = "";
    snprintf(cmd, sizeof cmd, "%s run %s/%s %s 2>&1", cli, dir, model, input_path);
    FILE *p = popen(cmd, "r");
    if (!p) { CHECK(0, "popen"); return; }
    int lines = 0;
    char buf[8192];
    while (fgets(buf, sizeof buf, p)) { lines++; if (lines == 1) strcpy(line, buf); }
    int rc = pclose(p);
    char expect[8192];
    snprintf(expect, sizeof expect, "output: %s\n", want);
    CHECK(rc == 0 && lines == 1 && !strcmp(line, expect), "CLI %s %s: rc %d, %d lines, got '%.80s'",
          model, input_path, rc, lines, line);
}

static void run_expected(const char *dir, const char *cli)
{
    char path[1024], line[16384];
    snprintf(path, sizeof path, "%s/EXPECTED_OUTPUTS.txt", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f) return;
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *model = trim(strtok(line, "|")), *input = trim(strtok(NULL, "|"));
        long tflm_arena = strtol(trim(strtok(NULL, "|")), NULL, 10);
        char *want = trim(strtok(NULL, "|"));
        g_test = model;
        loaded l;
        if (!load(&l, dir, model)) { unload(&l); continue; }
        cases++;
        lark_ml_tensor_info in;
        lark_ml_error err;
        lark_ml_input_info(&l.m, 0, &in);
        unsigned char *data = make_input(dir, input, in.bytes);
        CHECK(lark_ml_set_input(&l.m, 0, data, in.bytes, &err) == LARK_ML_OK, "set_input: %s", err.msg);
        CHECK(lark_ml_invoke(&l.m, &err) == LARK_ML_OK, "invoke: %s", err.msg);
        size_t n;
        const signed char *out = lark_ml_output(&l.m, 0, &n);
        char got[16384] = "";
        size_t at = 0;
        for (size_t i = 0; out && i < n && at < sizeof got - 8; i++)
            at += (size_t)snprintf(got + at, sizeof got - at, "%s%d", i ? " " : "", out[i]);
        CHECK(!strcmp(got, want), "%s on %s: got [%.200s] want [%.200s]", model, input, got, want);
        CHECK((long)lark_ml_arena_bytes(&l.m) < tflm_arena, "%s arena %zu not below TFLM's %ld", model,
              lark_ml_arena_bytes(&l.m), tflm_arena);
        /* The input is not preserved: a second invoke without set_input must be refused ... */
        CHECK(lark_ml_invoke(&l.m, &err) == LARK_ML_E_STATE, "invoke without fresh input accepted");
        /* ... and with the input rewritten the result repeats exactly. */
        lark_ml_set_input(&l.m, 0, data, in.bytes, &err);
        lark_ml_invoke(&l.m, &err);
        out = lark_ml_output(&l.m, 0, &n);
        at = 0;
        char again[16384] = "";
        for (size_t i = 0; out && i < n && at < sizeof again - 8; i++)
            at += (size_t)snprintf(again + at, sizeof again - at, "%s%d", i ? " " : "", out[i]);
        CHECK(!strcmp(again, want), "%s on %s: second invoke differs", model, input);
        /* Same bytes through the CLI. */
        char in_path[1100];
        if (!strcmp(input, "pattern")) {
            snprintf(in_path, sizeof in_path, "/tmp/lark-ml-pattern-%d.bin", (int)in.bytes);
            FILE *o = fopen(in_path, "wb");
            if (o) { fwrite(data, 1, in.bytes, o); fclose(o); }
        } else if (!strcmp(input, "-")) {
            snprintf(in_path, sizeof in_path, "-");
        } else {
            snprintf(in_path, sizeof in_path, "%s/%s", dir, input);
        }
        check_cli(cli, dir, model, in_path, want);
        free(data);
        unload(&l);
    }
    fclose(f);
    g_test = "EXPECTED_OUTPUTS";
    CHECK(cases == 19, "expected 19 model/input cases, ran %d", cases);
}

static void cli_errors(const char *dir, const char *cli)
{
    g_test = "cli-errors";
    char cmd[2048];
    /* wrong input size, missing file, unsupported model: nonzero exit with a message */
    const char *cases[][2] = {
        { "tflm_hello_world_int8.tflite", "%s/tflm_person_input_int8.bin" },
        { "tflm_hello_world_int8.tflite", "/nonexistent/input.bin" },
        { "tflm_trained_lstm_int8.tflite", "-" },
        { "tflm_audio_preprocessor_int8.tflite", "-" },
        { "tflm_keyword_scrambled_8bit.tflite", "-" },
        { "EXPECTED_OUTPUTS.txt", "-" },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char input[1100];
        snprintf(input, sizeof input, cases[i][1], dir);
        snprintf(cmd, sizeof cmd, "%s run %s/%s %s >/tmp/lark-ml-cli.out 2>&1", cli, dir, cases[i][0], input);
        int rc = system(cmd);
        size_t n = 0;
        unsigned char *o = load_file("/tmp/lark-ml-cli.out", &n);
        CHECK(rc != 0 && n > 10 && o && !strstr((char *)o, "output:"), "case %u (%s) rc %d", i, cases[i][0], rc);
        free(o);
    }
}

static void api_rules(const char *dir)
{
    g_test = "api-rules";
    loaded l;
    lark_ml_error err;
    if (!load(&l, dir, "tflm_person_detect.tflite")) { unload(&l); return; }
    size_t need = lark_ml_arena_bytes(&l.m);
    CHECK(lark_ml_prepare(&l.m, l.arena, need - 1, &err) == LARK_ML_E_ARENA && strstr(err.msg, "too small"),
          "short arena accepted: %s", err.msg);
    CHECK(lark_ml_prepare(&l.m, (char *)l.arena + 8, need, &err) == LARK_ML_E_ARENA, "misaligned arena accepted");
    CHECK(lark_ml_invoke(&l.m, &err) == LARK_ML_E_STATE, "invoke after failed prepare accepted");
    CHECK(lark_ml_prepare(&l.m, l.arena, need, &err) == LARK_ML_OK, "prepare: %s", err.msg);
    unsigned char buf[9216] = { 0 };
    CHECK(lark_ml_set_input(&l.m, 0, buf, 9215, &err) == LARK_ML_E_ARG, "short input accepted");
    CHECK(lark_ml_set_input(&l.m, 1, buf, 9216, &err) == LARK_ML_E_ARG, "input index 1 accepted");
    CHECK(lark_ml_output(&l.m, 1, NULL) == NULL, "output index 1 returned data");
    CHECK(lark_ml_macs(&l.m) == 7157888, "person_detect MACs %llu", (unsigned long long)lark_ml_macs(&l.m));
    unload(&l);
}

void test_models(const char *dir, const char *cli)
{
    run_expected(dir, cli);
    cli_errors(dir, cli);
    api_rules(dir);
}
