/* Reading and validating a riscv64 ELF file for the image packer. Every offset and size in the
 * file is checked against the file's length before it is used. */
#pragma once

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

struct elf_file {
    const char *path;
    unsigned char *bytes;
    size_t size;
    Elf64_Ehdr ehdr;
    Elf64_Phdr *phdrs;  /* copies (the file's table may be unaligned) */
    size_t phnum;
};

/* Loads and validates: ELF magic, 64-bit, little-endian, EM_RISCV, ET_EXEC, program headers
 * inside the file, every PT_LOAD's file range inside the file with filesz <= memsz and no
 * address wrap. On failure returns -1 with a message in err. */
int elf_file_load(const char *path, struct elf_file *elf, char *err, size_t errlen);
void elf_file_free(struct elf_file *elf);

/* Finds a symbol by name in the SHT_SYMTAB section. -1 with a message if the file has no
 * symbol table, the table is malformed, or the symbol is absent. */
int elf_file_find_symbol(const struct elf_file *elf, const char *name, Elf64_Sym *sym, char *err, size_t errlen);

/* The file offset holding [vaddr, vaddr + len) of a PT_LOAD's file-backed bytes; -1 if no
 * segment's file bytes cover the whole range (e.g. the range is in .bss). */
int elf_file_vaddr_to_offset(const struct elf_file *elf, uint64_t vaddr, uint64_t len, size_t *offset);
