/* The device tree reader on the blob QEMU virt really generates, and on damaged copies of
 * it (src/kernel/fdt.c). */
#include "unit_support.h"
#include <stdio.h>
#include <lark/fdt.h>

static uint8_t *blob;
static size_t blob_size;

static int load(void **state)
{
    (void)state;
    FILE *f = fopen(UNIT_OUT "/qemu-virt.dtb", "rb");
    assert_non_null(f);
    blob = malloc(1 << 20);
    blob_size = fread(blob, 1, 1 << 20, f);
    fclose(f);
    return blob_size < 40;
}
static int unload(void **state)
{
    (void)state;
    free(blob);
    return 0;
}

static bool has_device(const struct fdt_info *fi, paddr_t base, word_t size)
{
    for (unsigned i = 0; i < fi->n_devices; i++)
        if (fi->devices[i].base == base && fi->devices[i].end == base + size)
            return true;
    return false;
}

static void qemu_virt_facts(void **state)
{
    (void)state;
    struct fdt_info fi;
    assert_null(fdt_parse(blob, blob_size, &fi));
    assert_int_equal(fi.n_ram, 1);
    assert_int_equal(fi.ram[0].base, 0x80000000ULL);
    assert_int_equal(fi.ram[0].end, 0x88000000ULL);
    assert_int_equal(fi.timebase_hz, 10000000);
    assert_int_equal(fi.plic_base, 0x0c000000ULL);
    assert_int_equal(fi.plic_size, 0x600000);
    assert_true(fi.plic_ndev >= 11);
    assert_true(has_device(&fi, 0x10000000ULL, 0x100));   /* UART0 */
    assert_true(has_device(&fi, 0x101000ULL, 0x1000));    /* goldfish RTC */
    for (paddr_t v = 0x10001000ULL; v <= 0x10008000ULL; v += 0x1000)
        assert_true(has_device(&fi, v, 0x1000));           /* virtio-mmio 1..8 */
    /* kernel-owned controllers are not device regions */
    assert_false(has_device(&fi, 0x0c000000ULL, 0x600000));
    assert_false(has_device(&fi, 0x02000000ULL, 0x10000)); /* CLINT */
    for (unsigned i = 0; i < fi.n_devices; i++)
        assert_true(fi.devices[i].end <= 0x80000000ULL || fi.devices[i].base >= 0x88000000ULL);
}

static void truncated_or_corrupt_blobs_are_refused(void **state)
{
    (void)state;
    struct fdt_info fi;
    uint8_t *copy = malloc(blob_size);
    memcpy(copy, blob, blob_size);
    assert_non_null(fdt_parse(copy, 20, &fi));           /* smaller than a header */
    copy[0] ^= 0xff;
    assert_non_null(fdt_parse(copy, blob_size, &fi));    /* bad magic */
    memcpy(copy, blob, blob_size);
    uint32_t total = ((uint32_t)copy[4] << 24) | (copy[5] << 16) | (copy[6] << 8) | copy[7];
    assert_non_null(fdt_parse(copy, total - 1, &fi));    /* totalsize beyond what we may read */
    /* every single-byte corruption of the header and structure block must give an error or
     * a result, never a read outside the blob (ASan checks) */
    uint32_t off_struct = ((uint32_t)copy[8] << 24) | (copy[9] << 16) | (copy[10] << 8) | copy[11];
    for (uint32_t i = 0; i < off_struct + 512 && i < total; i++) {
        for (int v = 0; v < 256; v += 51) {
            uint8_t *c = malloc(total);
            memcpy(c, blob, total);
            c[i] = (uint8_t)v;
            (void)fdt_parse(c, total, &fi);
            free(c);
        }
    }
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qemu_virt_facts),
        cmocka_unit_test(truncated_or_corrupt_blobs_are_refused),
    };
    return cmocka_run_group_tests_name("fdt", tests, load, unload);
}
