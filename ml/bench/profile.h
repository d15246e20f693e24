/* Per-kernel instruction counts of the bench programs: the link wraps the runtime's
 * ml_eval_conv / ml_eval_dwconv / ml_eval_fc (ld --wrap), so every call through the
 * runtime's operator table is counted without touching the runtime. */
#ifndef BENCH_PROFILE_H
#define BENCH_PROFILE_H

#include <stdint.h>

enum { PROF_CONV_1X1, PROF_CONV_KXK, PROF_DWCONV, PROF_FC, PROF_KINDS };

typedef struct {
    uint64_t instr[PROF_KINDS];
    uint64_t macs[PROF_KINDS];
} bench_profile;

extern bench_profile bench_prof;

/* Prints "LABEL profile: CONV_2D 1x1 N (X/MAC), ..., other N" for one inference, given the
 * totals over `runs` inferences. */
void profile_print(const char *label, uint64_t total_instr, int runs);

#endif
