/* Root task ELF validation and loading (src/kernel/elf.c). */
#include "unit_support.h"
#include <lark/abi.h>
#include <lark/elf.h>

static uint8_t img[8192];

static void put16(uint8_t *p, uint16_t v) { p[0] = v & 0xff; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, v >> 32); }

/* A static riscv64 ELF: one PT_LOAD with 16 file bytes at 0x10100, memsz 0x2000, entry
 * 0x10100; a second PT_LOAD (data) at 0x13000. */
static void build(void)
{
    memset(img, 0, sizeof(img));
    memcpy(img, "\177ELF", 4);
    img[4] = 2; img[5] = 1; img[6] = 1;
    put16(img + 16, 2);      /* ET_EXEC */
    put16(img + 18, 243);    /* EM_RISCV */
    put64(img + 24, 0x10100);
    put64(img + 32, 64);     /* phoff */
    put16(img + 54, 56);
    put16(img + 56, 2);
    uint8_t *ph = img + 64;
    put32(ph, 1);
    put64(ph + 8, 0x1000);   /* offset */
    put64(ph + 16, 0x10100); /* vaddr */
    put64(ph + 32, 16);      /* filesz */
    put64(ph + 40, 0x2000);  /* memsz */
    ph += 56;
    put32(ph, 1);
    put64(ph + 8, 0x1800);
    put64(ph + 16, 0x13000);
    put64(ph + 32, 8);
    put64(ph + 40, 8);
    for (int i = 0; i < 16; i++)
        img[0x1000 + i] = (uint8_t)(0xa0 + i);
    memcpy(img + 0x1800, "DATADATA", 8);
}

static void valid_image_spans_its_segments(void **state)
{
    (void)state;
    build();
    struct elf_image e;
    assert_null(elf_check(img, sizeof(img), &e));
    assert_int_equal(e.lo, 0x10000);
    assert_int_equal(e.hi, 0x14000);
    assert_int_equal(e.entry, 0x10100);
    uint8_t *dest = calloc(1, e.hi - e.lo);
    elf_load(img, &e, dest);
    assert_int_equal(dest[0x100], 0xa0);
    assert_int_equal(dest[0x10f], 0xaf);
    assert_int_equal(dest[0x110], 0);       /* bss stays zero */
    assert_memory_equal(dest + 0x3000, "DATADATA", 8);
    free(dest);
}

static void bad_images_say_why(void **state)
{
    (void)state;
    struct elf_image e;
    build();
    assert_non_null(elf_check(img, 40, &e));
    img[1] = 'X';
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put16(img + 18, 62); /* x86-64 */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put16(img + 16, 3); /* ET_DYN */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put64(img + 64 + 8, sizeof(img) - 8); /* segment bytes past the end of the file */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put64(img + 64 + 8, ~0ULL - 4); /* offset + filesz wraps */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put64(img + 64 + 32, 0x3000); /* filesz > memsz */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put64(img + 64 + 16, USER_TOP - 0x1000); /* runs past the user range */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put64(img + 24, 0x20000); /* entry outside */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put16(img + 56, 0); /* no program headers */
    assert_non_null(elf_check(img, sizeof(img), &e));
    build();
    put64(img + 32, sizeof(img) - 60); /* headers outside the file */
    assert_non_null(elf_check(img, sizeof(img), &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_image_spans_its_segments),
        cmocka_unit_test(bad_images_say_why),
    };
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
