#include "elf_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* True when [off, off + len) lies inside a buffer of `size` bytes, without overflow. */
static int range_in(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int read_whole_file(const char *path, struct elf_file *elf, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail(err, errlen, "cannot open: %s", strerror(errno));
    }
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        unsigned char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return fail(err, errlen, "cannot read the file");
    }
    elf->bytes = buf;
    elf->size = len;
    return 0;
}

static int check_header(struct elf_file *elf, char *err, size_t errlen)
{
    if (elf->size < sizeof(Elf64_Ehdr) || memcmp(elf->bytes, ELFMAG, SELFMAG) != 0) {
        return fail(err, errlen, "not an ELF file");
    }
    memcpy(&elf->ehdr, elf->bytes, sizeof elf->ehdr);
    const Elf64_Ehdr *h = &elf->ehdr;
    if (h->e_ident[EI_CLASS] != ELFCLASS64) {
        return fail(err, errlen, "not a 64-bit ELF (EI_CLASS %u)", h->e_ident[EI_CLASS]);
    }
    if (h->e_ident[EI_DATA] != ELFDATA2LSB) {
        return fail(err, errlen, "not a little-endian ELF");
    }
    if (h->e_machine != EM_RISCV) {
        return fail(err, errlen, "not a RISC-V ELF (e_machine %u)", h->e_machine);
    }
    if (h->e_type != ET_EXEC) {
        return fail(err, errlen, "not a statically linked executable (e_type %u)", h->e_type);
    }
    if (h->e_phentsize != sizeof(Elf64_Phdr) || h->e_phnum == 0 || h->e_phnum == PN_XNUM) {
        return fail(err, errlen, "bad program header table (entsize %u, count %u)", h->e_phentsize, h->e_phnum);
    }
    if (!range_in(h->e_phoff, (uint64_t)h->e_phnum * sizeof(Elf64_Phdr), elf->size)) {
        return fail(err, errlen, "program header table lies outside the file");
    }
    return 0;
}

static int check_segments(struct elf_file *elf, char *err, size_t errlen)
{
    elf->phnum = elf->ehdr.e_phnum;
    elf->phdrs = calloc(elf->phnum, sizeof(Elf64_Phdr));
    if (elf->phdrs == NULL) {
        return fail(err, errlen, "out of memory");
    }
    memcpy(elf->phdrs, elf->bytes + elf->ehdr.e_phoff, elf->phnum * sizeof(Elf64_Phdr));
    size_t loads = 0;
    for (size_t i = 0; i < elf->phnum; i++) {
        const Elf64_Phdr *p = &elf->phdrs[i];
        if (p->p_type == PT_INTERP || p->p_type == PT_DYNAMIC) {
            return fail(err, errlen, "dynamically linked (segment %zu is %s)", i,
                        p->p_type == PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC");
        }
        if (p->p_type != PT_LOAD) {
            continue;
        }
        loads++;
        if (!range_in(p->p_offset, p->p_filesz, elf->size)) {
            return fail(err, errlen, "segment %zu's file bytes lie outside the file", i);
        }
        if (p->p_filesz > p->p_memsz) {
            return fail(err, errlen, "segment %zu has filesz > memsz", i);
        }
        if (p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_paddr + p->p_memsz < p->p_paddr) {
            return fail(err, errlen, "segment %zu wraps around the address space", i);
        }
    }
    if (loads == 0) {
        return fail(err, errlen, "no PT_LOAD segment");
    }
    return 0;
}

int elf_file_load(const char *path, struct elf_file *elf, char *err, size_t errlen)
{
    memset(elf, 0, sizeof *elf);
    elf->path = path;
    if (read_whole_file(path, elf, err, errlen) != 0 || check_header(elf, err, errlen) != 0 ||
        check_segments(elf, err, errlen) != 0) {
        elf_file_free(elf);
        return -1;
    }
    return 0;
}

void elf_file_free(struct elf_file *elf)
{
    free(elf->bytes);
    free(elf->phdrs);
    elf->bytes = NULL;
    elf->phdrs = NULL;
}

static int read_section(const struct elf_file *elf, size_t index, Elf64_Shdr *sh)
{
    const Elf64_Ehdr *h = &elf->ehdr;
    if (index >= h->e_shnum) {
        return -1;
    }
    memcpy(sh, elf->bytes + h->e_shoff + index * sizeof(Elf64_Shdr), sizeof *sh);
    return 0;
}

int elf_file_find_symbol(const struct elf_file *elf, const char *name, Elf64_Sym *sym, char *err, size_t errlen)
{
    const Elf64_Ehdr *h = &elf->ehdr;
    if (h->e_shnum == 0 || h->e_shentsize != sizeof(Elf64_Shdr) ||
        !range_in(h->e_shoff, (uint64_t)h->e_shnum * sizeof(Elf64_Shdr), elf->size)) {
        return fail(err, errlen, "no valid section header table (symbol %s cannot be found)", name);
    }
    size_t name_len = strlen(name);
    int have_symtab = 0;
    for (size_t i = 0; i < h->e_shnum; i++) {
        Elf64_Shdr symtab, strtab;
        read_section(elf, i, &symtab);
        if (symtab.sh_type != SHT_SYMTAB) {
            continue;
        }
        have_symtab = 1;
        if (symtab.sh_entsize != sizeof(Elf64_Sym) || !range_in(symtab.sh_offset, symtab.sh_size, elf->size) ||
            read_section(elf, symtab.sh_link, &strtab) != 0 || strtab.sh_type != SHT_STRTAB ||
            !range_in(strtab.sh_offset, strtab.sh_size, elf->size)) {
            return fail(err, errlen, "malformed symbol table (section %zu)", i);
        }
        const char *strings = (const char *)elf->bytes + strtab.sh_offset;
        for (size_t k = 0; k < symtab.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym s;
            memcpy(&s, elf->bytes + symtab.sh_offset + k * sizeof s, sizeof s);
            /* The name must end inside the string table: compare with its terminator. */
            if (s.st_name < strtab.sh_size && strtab.sh_size - s.st_name > name_len &&
                memcmp(strings + s.st_name, name, name_len + 1) == 0) {
                *sym = s;
                return 0;
            }
        }
    }
    if (!have_symtab) {
        return fail(err, errlen, "no symbol table (stripped?): cannot find %s", name);
    }
    return fail(err, errlen, "symbol %s not found", name);
}

int elf_file_vaddr_to_offset(const struct elf_file *elf, uint64_t vaddr, uint64_t len, size_t *offset)
{
    for (size_t i = 0; i < elf->phnum; i++) {
        const Elf64_Phdr *p = &elf->phdrs[i];
        if (p->p_type != PT_LOAD || vaddr < p->p_vaddr) {
            continue;
        }
        uint64_t rel = vaddr - p->p_vaddr;
        if (range_in(rel, len, p->p_filesz)) {
            *offset = (size_t)(p->p_offset + rel);
            return 0;
        }
    }
    return -1;
}
