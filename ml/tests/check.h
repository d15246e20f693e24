/* Minimal test runner: CHECK records a failure with its location and keeps going. */
#ifndef ML_CHECK_H
#define ML_CHECK_H
#include <stdio.h>

extern int g_pass, g_fail;
extern const char *g_test;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (cond) g_pass++;                                                      \
        else {                                                                   \
            g_fail++;                                                            \
            printf("FAIL %s (%s:%d): ", g_test, __FILE__, __LINE__);             \
            printf(__VA_ARGS__);                                                 \
            printf("\n");                                                        \
        }                                                                        \
    } while (0)

void test_models(const char *models_dir, const char *cli);
void test_kernels(void);
void test_malformed(const char *models_dir);
unsigned char *load_file(const char *path, size_t *len);

#endif
