/* The median of a sample array. Pure code: also built for the host tests. */
#include "bench.h"

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
    if (n == 0) {
        return 0;
    }
    sort(samples, n);
    return samples[n / 2];
}
