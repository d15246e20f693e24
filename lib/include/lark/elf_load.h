/* Loading a statically linked riscv64 ELF into a new address space, for a root task that
 * starts programs. Each page of each PT_LOAD gets a fresh 4 KiB frame; the frame is mapped at
 * a scratch address in the caller's own VSpace to be filled, unmapped, then mapped in the
 * target VSpace with the segment's rights (W only if PF_W; execute-never unless PF_X). */
#pragma once

#include <lark/alloc.h>

typedef enum {
    LARK_ELF_OK = 0,
    LARK_ELF_NOT_ELF,        /* bad magic, class, byte order, machine or type */
    LARK_ELF_BAD_HEADERS,    /* program headers outside the image or of the wrong size */
    LARK_ELF_BAD_SEGMENT,    /* a segment outside the image, filesz > memsz, or above UserTop */
    LARK_ELF_KERNEL_ERROR,   /* an allocation or mapping failed: see *kernel_error */
} lark_elf_status_t;

typedef struct lark_elf_result {
    seL4_Word entry;
    seL4_Word pages;              /* frames mapped */
    seL4_Word highest_vaddr;      /* end of the highest segment, page aligned */
    seL4_Error kernel_error;
} lark_elf_result_t;

/* scratch_vaddr: a page-aligned address free in the caller's VSpace (seL4_CapInitThreadVSpace). */
lark_elf_status_t lark_elf_load(lark_alloc_t *a, seL4_CPtr vspace, const void *image, seL4_Word size,
                                seL4_Word scratch_vaddr, lark_elf_result_t *result);

const char *lark_elf_status_name(lark_elf_status_t status);
