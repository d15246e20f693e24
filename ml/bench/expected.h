/* Looks up one line of shared/models/EXPECTED_OUTPUTS.txt:
 *   model | input | arena_used_bytes | v0 v1 ...                                           */
#ifndef BENCH_EXPECTED_H
#define BENCH_EXPECTED_H

#include <stddef.h>
#include <stdint.h>

/* Fills out[0..*n) with the expected int8 values for (model, input); returns 0 on success,
 * -1 if the line is missing, malformed or has more than cap values. */
int expected_lookup(const char *text, size_t text_len, const char *model, const char *input,
                    int8_t *out, size_t cap, size_t *n);

#endif
