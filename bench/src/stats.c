/* The counter overhead and the reported result of a sample array. */
#include "bench.h"

uint64_t bench_overhead;

void bench_measure_overhead(void)
{
    static uint64_t samples[BENCH_ITERS];
    for (int i = 0; i < BENCH_ITERS; i++) {
        uint64_t start = bench_count();
        uint64_t end = bench_count();
        samples[i] = end - start;
    }
    bench_overhead = bench_median(samples + BENCH_WARMUP, BENCH_RUNS);
}

static uint64_t net(uint64_t v)
{
    return v > bench_overhead ? v - bench_overhead : 0;
}

/* Also prints the spread, so a bimodal figure (some samples taking a longer kernel path) is
 * visible next to its median. */
uint64_t bench_result_named(const char *name, uint64_t *samples)
{
    uint64_t *s = samples + BENCH_WARMUP;
    uint64_t m = bench_median(s, BENCH_RUNS);
    bench_puts("bench: spread ");
    bench_puts(name);
    bench_puts(": min ");
    bench_putu(net(s[0]));
    bench_puts(" p10 ");
    bench_putu(net(s[BENCH_RUNS / 10]));
    bench_puts(" p90 ");
    bench_putu(net(s[BENCH_RUNS - 1 - BENCH_RUNS / 10]));
    bench_puts(" max ");
    bench_putu(net(s[BENCH_RUNS - 1]));
    bench_puts("\n");
    return net(m);
}
