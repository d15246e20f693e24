/* Finding chunks in the extra boot info that follows the BootInfo page: the device tree
 * (id 6) and the LarkOS chunk (id 0x4C4B). Pure functions: also built and tested on the host. */
#pragma once

#include <sel4/types.h>

/* Extra boot info chunk with LarkOS boot facts. */
#define LARK_BOOTINFO_HEADER_LARK 0x4C4B
#define LARK_BOOTINFO_LARK_VERSION 1

typedef struct lark_bootinfo_lark {
    seL4_BootInfoHeader header;      /* id 0x4C4B, len = sizeof(lark_bootinfo_lark_t) or more */
    seL4_Word version;               /* 1 */
    seL4_Word kernelReservedBytes;   /* RAM the kernel keeps: its image and boot structures */
    seL4_SlotRegion tainted;         /* untyped caps holding the root task's own objects */
} lark_bootinfo_lark_t;

/* The chunk with this id in the extra region [extra, extra + extra_len), or NULL when absent
 * or when the chain is malformed (a chunk shorter than its header or running past the end). */
const seL4_BootInfoHeader *lark_extra_find_chunk(const void *extra, seL4_Word extra_len, seL4_Word id);

/* The extra boot info region of a BootInfo page: it starts at the next 4 KiB page. */
const void *lark_bootinfo_extra(const seL4_BootInfo *bi);

/* The LarkOS chunk, checked for version and length; NULL if missing or invalid. */
const lark_bootinfo_lark_t *lark_bootinfo_find_lark(const seL4_BootInfo *bi);

/* The device tree blob and its size (from the chunk length); NULL if missing. */
const void *lark_bootinfo_find_fdt(const seL4_BootInfo *bi, seL4_Word *size);
