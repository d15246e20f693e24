/* Minimal check harness for the libsel4 host tests: one line per failed check, a summary. */
#pragma once
#include <stdio.h>

extern int checks_passed, checks_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            checks_passed++;                                                           \
        } else {                                                                       \
            checks_failed++;                                                           \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
        }                                                                              \
    } while (0)

#define CHECK_EQ(a, b)                                                                 \
    do {                                                                               \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b); \
        if (va_ == vb_) {                                                              \
            checks_passed++;                                                           \
        } else {                                                                       \
            checks_failed++;                                                           \
            printf("FAIL %s:%d: %s == %s (0x%llx != 0x%llx)\n", __FILE__, __LINE__, #a, #b, va_, vb_); \
        }                                                                              \
    } while (0)

void test_words(void);
void test_bootinfo_extra(void);
void test_marshalling(void);
