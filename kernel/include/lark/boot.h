/* Boot (K1: src/kernel/boot*.c). */
#ifndef LARK_BOOT_H
#define LARK_BOOT_H
#include "abi.h"

/* Called by the entry asm with the MMU on and the kernel window mapped. */
NORETURN void kernel_main(word_t hart_id, paddr_t fdt_paddr);

/* Figures kept for DebugDump and README measurements. */
extern word_t boot_kernel_reserved_bytes;
extern word_t boot_free_ram_bytes;

#endif
