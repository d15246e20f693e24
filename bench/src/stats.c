/* Medians of instruction counts. */
#include "bench.h"

uint64_t bench_overhead;

/* Shell sort: no library, no recursion, fast enough for a few thousand samples. */
static void sort(uint64_t *a, size_t n)
{
    for (size_t gap = n / 2; gap > 0; gap /= 2) {
        for (size_t i = gap; i < n; i++) {
            uint64_t v = a[i];
            size_t j = i;
            while (j >= gap && a[j - gap] > v) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = v;
        }
    }
}

uint64_t bench_median(uint64_t *samples, size_t n)
{
    sort(samples, n);
    return samples[n / 2];
}

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

uint64_t bench_result(uint64_t *samples)
{
    uint64_t m = bench_median(samples + BENCH_WARMUP, BENCH_RUNS);
    return m > bench_overhead ? m - bench_overhead : 0;
}
