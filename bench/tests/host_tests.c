/* Host checks of the benchmark's pure parts: the device-tree lookup (on QEMU virt's own
 * device tree, then on damaged copies: every damage must give "not found", never a bad
 * access; run under AddressSanitizer) and the median.
 *   host_tests VIRT_DTB   prints PASS/FAIL lines */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(const char *name, bool ok)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

/* A BootInfo page followed by the extra boot info: chunks as given. */
typedef struct {
    uint8_t *mem;
    seL4_BootInfo *bi;
} boot_t;

static boot_t boot_with(const void *chunks, size_t len)
{
    boot_t b;
    size_t page = (size_t)1 << seL4_BootInfoFrameBits;
    b.mem = aligned_alloc(page, page + ((len + page - 1) / page + 1) * page);
    memset(b.mem, 0, page);
    if (len > 0) {
        memcpy(b.mem + page, chunks, len);
    }
    b.bi = (seL4_BootInfo *)b.mem;
    b.bi->extraLen = len;
    return b;
}

/* One FDT chunk (id 6) holding size bytes of dtb; optional padding chunk before it. */
static boot_t boot_with_fdt(const uint8_t *dtb, size_t size, bool padding_first)
{
    size_t pad = padding_first ? 32 : 0;
    size_t len = pad + sizeof(seL4_BootInfoHeader) + size;
    uint8_t *chunks = calloc(1, len);
    if (padding_first) {
        seL4_BootInfoHeader h = {SEL4_BOOTINFO_HEADER_PADDING, pad};
        memcpy(chunks, &h, sizeof(h));
    }
    seL4_BootInfoHeader h = {SEL4_BOOTINFO_HEADER_FDT, sizeof(h) + size};
    memcpy(chunks + pad, &h, sizeof(h));
    memcpy(chunks + pad + sizeof(h), dtb, size);
    boot_t b = boot_with(chunks, len);
    free(chunks);
    return b;
}

static int find(boot_t b, const char *compatible, seL4_Word *reg, seL4_Word *irq)
{
    int rc = bench_fdt_find(b.bi, compatible, reg, irq);
    free(b.mem);
    return rc;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    static uint8_t buf[1 << 20];
    *size = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return buf;
}

static void fdt_tests(const uint8_t *dtb, size_t size)
{
    seL4_Word reg = 0, irq = 0;
    int rc = find(boot_with_fdt(dtb, size, false), "google,goldfish-rtc", &reg, &irq);
    check("fdt_finds_goldfish_rtc", rc == 0 && reg == 0x101000 && irq == 11);
    rc = find(boot_with_fdt(dtb, size, false), "ns16550a", &reg, &irq);
    check("fdt_finds_uart", rc == 0 && reg == 0x10000000 && irq == 10);
    rc = find(boot_with_fdt(dtb, size, true), "google,goldfish-rtc", &reg, &irq);
    check("fdt_skips_padding_chunk", rc == 0 && reg == 0x101000);
    check("fdt_unknown_compatible", find(boot_with_fdt(dtb, size, false), "no,such-device", &reg, &irq) != 0);
    /* A prefix of a compatible string is not a match. */
    check("fdt_prefix_is_no_match", find(boot_with_fdt(dtb, size, false), "google,goldfish", &reg, &irq) != 0);
    check("fdt_no_extra_boot_info", find(boot_with(NULL, 0), "google,goldfish-rtc", &reg, &irq) != 0);

    uint8_t *bad = malloc(size);
    memcpy(bad, dtb, size);
    bad[0] ^= 0xff;
    check("fdt_bad_magic", find(boot_with_fdt(bad, size, false), "google,goldfish-rtc", &reg, &irq) != 0);

    /* A chunk whose length runs past extraLen. */
    boot_t b = boot_with_fdt(dtb, size, false);
    ((seL4_BootInfoHeader *)(b.mem + ((size_t)1 << seL4_BootInfoFrameBits)))->len = size + 4096;
    check("fdt_chunk_past_extra_len", find(b, "google,goldfish-rtc", &reg, &irq) != 0);

    /* Every truncation: found only if the whole tree is there, never a read past the end. */
    bool ok = true;
    for (size_t cut = 0; cut < size; cut += 4) {
        if (find(boot_with_fdt(dtb, cut, false), "google,goldfish-rtc", &reg, &irq) == 0) {
            ok = false;
        }
    }
    check("fdt_every_truncation_not_found", ok);

    /* Every word of the structure block replaced by a huge value, one at a time. */
    ok = true;
    for (size_t w = 40; w + 4 <= size; w += 4) {
        memcpy(bad, dtb, size);
        memset(bad + w, 0xff, 4);
        find(boot_with_fdt(bad, size, false), "google,goldfish-rtc", &reg, &irq);
    }
    check("fdt_every_word_corrupted_survives", ok);
    free(bad);
}

static void median_tests(void)
{
    uint64_t odd[] = {5, 1, 4, 2, 3};
    check("median_odd_count", bench_median(odd, 5) == 3 && odd[0] == 1 && odd[4] == 5);
    uint64_t even[] = {10, 40, 20, 30};
    check("median_even_count_upper", bench_median(even, 4) == 30);
    uint64_t same[] = {7, 7, 7};
    check("median_all_equal", bench_median(same, 3) == 7);
    static uint64_t big[1040];
    for (int i = 0; i < 1040; i++) {
        big[i] = (uint64_t)((i * 7919) % 1040);
    }
    bool sorted = bench_median(big, 1040) == 520;
    for (int i = 1; i < 1040; i++) {
        sorted = sorted && big[i - 1] <= big[i];
    }
    check("median_sorts_1040_samples", sorted);
    check("median_of_none", bench_median(NULL, 0) == 0);
}

int main(int argc, char **argv)
{
    size_t size = 0;
    const uint8_t *dtb = argc > 1 ? read_file(argv[1], &size) : NULL;
    if (dtb != NULL && size >= 40) {
        /* QEMU dumps its whole 1 MiB buffer; the tree is totalsize bytes of it */
        size_t total = (size_t)dtb[4] << 24 | (size_t)dtb[5] << 16 | (size_t)dtb[6] << 8 | dtb[7];
        size = total < size ? total : size;
    }
    if (dtb == NULL || size < 40) {
        check("fdt_virt_dtb_readable", false);
    } else {
        fdt_tests(dtb, size);
    }
    median_tests();
    printf("host checks: %d ok, %d not ok\n", passed, failed);
    return failed != 0;
}
