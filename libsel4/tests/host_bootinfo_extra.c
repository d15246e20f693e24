/* The extra boot info walker on hand-built chains, well-formed and malformed. */
#include <string.h>
#include <lark/bootinfo_extra.h>
#include "host_check.h"

/* A BootInfo page followed by room for extra boot info, as the kernel maps it. */
static union {
    seL4_BootInfo bi;
    unsigned char bytes[4096 + 512];
    seL4_Word align;
} page;

static unsigned char *extra(void)
{
    return page.bytes + 4096;
}

static seL4_Word put_chunk(seL4_Word off, seL4_Word id, seL4_Word len)
{
    seL4_BootInfoHeader h = {id, len};
    memcpy(extra() + off, &h, sizeof h);
    return off + len;
}

static void well_formed_chain(void)
{
    memset(&page, 0, sizeof page);
    seL4_Word off = put_chunk(0, SEL4_BOOTINFO_HEADER_PADDING, 32);
    seL4_Word fdt_off = off;
    off = put_chunk(off, SEL4_BOOTINFO_HEADER_FDT, 16 + 64);
    memset(extra() + fdt_off + 16, 0xd0, 64);
    lark_bootinfo_lark_t lark = {{LARK_BOOTINFO_HEADER_LARK, sizeof lark}, 1, 0x123000, {40, 44}};
    memcpy(extra() + off, &lark, sizeof lark);
    off += sizeof lark;
    page.bi.extraLen = off;

    seL4_Word size = 0;
    const unsigned char *fdt = lark_bootinfo_find_fdt(&page.bi, &size);
    CHECK(fdt == extra() + fdt_off + 16);
    CHECK_EQ(size, 64);
    const lark_bootinfo_lark_t *l = lark_bootinfo_find_lark(&page.bi);
    CHECK(l != NULL);
    if (l != NULL) {
        CHECK_EQ(l->kernelReservedBytes, 0x123000);
        CHECK_EQ(l->tainted.start, 40);
        CHECK_EQ(l->tainted.end, 44);
    }
    CHECK(lark_extra_find_chunk(extra(), off, 99) == NULL);

    /* extraLen cuts the LarkOS chunk: it must not be found (it would be read past the end). */
    page.bi.extraLen = off - 8;
    CHECK(lark_bootinfo_find_lark(&page.bi) == NULL);
    CHECK(lark_bootinfo_find_fdt(&page.bi, &size) != NULL);

    /* Wrong version: refused. */
    page.bi.extraLen = off;
    lark.version = 2;
    memcpy(extra() + off - sizeof lark, &lark, sizeof lark);
    CHECK(lark_bootinfo_find_lark(&page.bi) == NULL);
}

static void malformed_chains(void)
{
    memset(&page, 0, sizeof page);
    /* A zero-length chunk would loop forever if trusted. */
    put_chunk(0, SEL4_BOOTINFO_HEADER_PADDING, 0);
    put_chunk(16, SEL4_BOOTINFO_HEADER_FDT, 16);
    CHECK(lark_extra_find_chunk(extra(), 64, SEL4_BOOTINFO_HEADER_FDT) == NULL);
    /* A length running past the region. */
    put_chunk(0, SEL4_BOOTINFO_HEADER_FDT, 1000);
    CHECK(lark_extra_find_chunk(extra(), 64, SEL4_BOOTINFO_HEADER_FDT) == NULL);
    /* A huge length must not wrap the offset around. */
    put_chunk(0, SEL4_BOOTINFO_HEADER_PADDING, ~(seL4_Word)0 - 7);
    CHECK(lark_extra_find_chunk(extra(), 64, SEL4_BOOTINFO_HEADER_FDT) == NULL);
    /* Region too small for a header, and no region at all. */
    put_chunk(0, SEL4_BOOTINFO_HEADER_FDT, 16);
    CHECK(lark_extra_find_chunk(extra(), 15, SEL4_BOOTINFO_HEADER_FDT) == NULL);
    CHECK(lark_extra_find_chunk(extra(), 16, SEL4_BOOTINFO_HEADER_FDT) == (const void *)extra());
    CHECK(lark_extra_find_chunk(NULL, 16, SEL4_BOOTINFO_HEADER_FDT) == NULL);
    page.bi.extraLen = 0;
    CHECK(lark_bootinfo_find_lark(&page.bi) == NULL);
    /* A LarkOS chunk too short for its fields. */
    put_chunk(0, LARK_BOOTINFO_HEADER_LARK, 24);
    page.bi.extraLen = 24;
    CHECK(lark_bootinfo_find_lark(&page.bi) == NULL);
}

void test_bootinfo_extra(void)
{
    well_formed_chain();
    malformed_chains();
}
