/* Root task ELF: validation and copying of the loadable segments. */
#include <lark/abi.h>
#include <lark/elf.h>

void *memcpy(void *d, const void *s, size_t n);

#define PT_LOAD 1
#define EM_RISCV 243
#define ET_EXEC 2
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define MAX_PHDRS 64

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | ((uint32_t)rd16(p + 2) << 16); }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

struct phdr { word_t type, offset, vaddr, filesz, memsz; };
static struct phdr read_phdr(const uint8_t *p)
{
    return (struct phdr){rd32(p), rd64(p + 8), rd64(p + 16), rd64(p + 32), rd64(p + 40)};
}

const char *elf_check(const uint8_t *d, word_t size, struct elf_image *img)
{
    if (size < EHDR_SIZE)
        return "file smaller than an ELF header";
    if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F')
        return "not an ELF file (bad magic)";
    if (d[4] != 2 || d[5] != 1)
        return "not a 64-bit little-endian ELF";
    if (rd16(d + 18) != EM_RISCV)
        return "not a RISC-V ELF";
    if (rd16(d + 16) != ET_EXEC)
        return "not a static executable (e_type is not EXEC)";
    word_t phoff = rd64(d + 32), phentsize = rd16(d + 54), phnum = rd16(d + 56);
    if (phentsize != PHDR_SIZE || phnum == 0 || phnum > MAX_PHDRS)
        return "bad program header table shape";
    if (phoff > size || phnum * PHDR_SIZE > size - phoff)
        return "program headers outside the file";
    vaddr_t lo = ~0ULL, hi = 0;
    for (word_t i = 0; i < phnum; i++) {
        struct phdr ph = read_phdr(d + phoff + i * PHDR_SIZE);
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz)
            return "segment file size larger than its memory size";
        if (ph.offset > size || ph.filesz > size - ph.offset)
            return "segment bytes outside the file";
        if (ph.vaddr >= USER_TOP || ph.memsz > USER_TOP - ph.vaddr)
            return "segment outside the user address range";
        if (ROUND_DOWN(ph.vaddr, PAGE_BITS) < lo)
            lo = ROUND_DOWN(ph.vaddr, PAGE_BITS);
        if (ROUND_UP(ph.vaddr + ph.memsz, PAGE_BITS) > hi)
            hi = ROUND_UP(ph.vaddr + ph.memsz, PAGE_BITS);
    }
    if (hi == 0)
        return "no loadable segment";
    word_t entry = rd64(d + 24);
    if (entry < lo || entry >= hi)
        return "entry point outside the loaded segments";
    /* the IPC buffer, BootInfo and extra pages follow the image below USER_TOP */
    if (hi > USER_TOP - BIT(24))
        return "image too close to the top of the user address range";
    *img = (struct elf_image){lo, hi, entry};
    return NULL;
}

void elf_load(const uint8_t *d, const struct elf_image *img, uint8_t *dest)
{
    word_t phoff = rd64(d + 32), phnum = rd16(d + 56);
    for (word_t i = 0; i < phnum; i++) {
        struct phdr ph = read_phdr(d + phoff + i * PHDR_SIZE);
        if (ph.type == PT_LOAD && ph.memsz != 0)
            memcpy(dest + (ph.vaddr - img->lo), d + ph.offset, ph.filesz);
    }
}
