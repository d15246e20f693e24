/* Flattened device tree reader (K1: src/kernel/fdt.c). Pure C: unit-tested on the host
 * against the device tree QEMU virt generates. */
#ifndef LARK_FDT_H
#define LARK_FDT_H
#include "types.h"

struct mem_region { paddr_t base, end; }; /* [base, end) */

#define FDT_MAX_RAM 8
#define FDT_MAX_RESERVED 16
#define FDT_MAX_DEVICES 48

struct fdt_info {
    word_t totalsize;
    struct mem_region ram[FDT_MAX_RAM];
    unsigned n_ram;
    struct mem_region reserved[FDT_MAX_RESERVED]; /* /memreserve/ and /reserved-memory */
    unsigned n_reserved;
    struct mem_region devices[FDT_MAX_DEVICES];   /* reg of device nodes, kernel-owned ones
                                                     (PLIC, CLINT) left out */
    unsigned n_devices;
    paddr_t plic_base;
    word_t plic_size, plic_ndev;
    word_t timebase_hz;
};

/* Parse the blob (at most max_size bytes readable). Returns NULL on success or a message
 * saying what is wrong. Never reads outside [blob, blob + min(totalsize, max_size)). */
const char *fdt_parse(const void *blob, word_t max_size, struct fdt_info *out);

#endif
