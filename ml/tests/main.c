#include "check.h"
#include <stdlib.h>

int g_pass, g_fail;
const char *g_test = "";

unsigned char *load_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    if (b) b[n > 0 ? n : 0] = 0; /* text files can be searched as strings */
    fclose(f);
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ml-tests MODELS_DIR LARK_ML_CLI\n");
        return 2;
    }
    test_kernels();
    test_models(argv[1], argv[2]);
    test_malformed(argv[1]);
    printf("ml-tests: %d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
