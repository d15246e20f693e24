/* Root task ELF validation and loading (K1: src/kernel/elf.c). Pure C. */
#ifndef LARK_ELF_H
#define LARK_ELF_H
#include "types.h"

struct elf_image {
    vaddr_t lo, hi;   /* page-aligned span of all PT_LOAD segments */
    vaddr_t entry;
};
/* Check that data[0..size) is a static riscv64 executable we can load below USER_TOP.
 * NULL if fine, else a message saying why not. */
const char *elf_check(const uint8_t *data, word_t size, struct elf_image *img);
/* Copy every PT_LOAD's file bytes to dest + (p_vaddr - img->lo); dest spans hi - lo bytes
 * and is already zero (the bss part stays zero). Only call after elf_check succeeded. */
void elf_load(const uint8_t *data, const struct elf_image *img, uint8_t *dest);

#endif
