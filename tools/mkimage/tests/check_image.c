/* check-image OUT KERNEL ROOTTASK: checks a packed image against its two inputs, each fact
 * independently of the packer's code. Prints "ok <fact>" or "FAIL <fact>: ..." per fact and
 * exits nonzero if any failed. The inputs are trusted (the tests built them). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void report(int ok, const char *fact, const char *detail)
{
    if (ok) {
        printf("ok %s\n", fact);
    } else {
        printf("FAIL %s: %s\n", fact, detail);
        failures++;
    }
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len + 1);
    if (b == NULL || fread(b, 1, *len, f) != *len) {
        perror(path);
        exit(2);
    }
    fclose(f);
    return b;
}

static const Elf64_Phdr *phdr(const unsigned char *f, size_t i)
{
    const Elf64_Ehdr *h = (const Elf64_Ehdr *)f;
    return (const Elf64_Phdr *)(f + h->e_phoff) + i;
}

/* The symbol's file offset, through its section (section headers are kept by the packer). */
static long payload_offset(const unsigned char *f)
{
    const Elf64_Ehdr *h = (const Elf64_Ehdr *)f;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + h->e_shoff);
    for (size_t i = 0; i < h->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB) {
            continue;
        }
        const Elf64_Sym *syms = (const Elf64_Sym *)(f + sh[i].sh_offset);
        const char *strs = (const char *)f + sh[sh[i].sh_link].sh_offset;
        for (size_t k = 0; k < sh[i].sh_size / sizeof(Elf64_Sym); k++) {
            if (strcmp(strs + syms[k].st_name, "lark_boot_payload") == 0) {
                const Elf64_Shdr *sec = &sh[syms[k].st_shndx];
                return (long)(sec->sh_offset + (syms[k].st_value - sec->sh_addr));
            }
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: check-image OUT KERNEL ROOTTASK\n");
        return 2;
    }
    size_t olen, klen, rlen;
    unsigned char *out = slurp(argv[1], &olen), *k = slurp(argv[2], &klen), *rt = slurp(argv[3], &rlen);
    const Elf64_Ehdr *oh = (const Elf64_Ehdr *)out, *kh = (const Elf64_Ehdr *)k;
    char detail[200];

    Elf64_Ehdr want = *kh;
    want.e_phoff = oh->e_phoff;
    want.e_phnum = (Elf64_Half)(kh->e_phnum + 1);
    report(memcmp(&want, oh, sizeof want) == 0, "elf-header", "differs beyond e_phoff/e_phnum");
    report(oh->e_phoff + (uint64_t)oh->e_phnum * sizeof(Elf64_Phdr) <= olen, "phdrs-in-file", "table past EOF");
    if (failures) {
        return 1;
    }

    int same = 1;
    uint64_t kend = 0;
    for (size_t i = 0; i < kh->e_phnum; i++) {
        same &= memcmp(phdr(out, i), phdr(k, i), sizeof(Elf64_Phdr)) == 0;
        if (phdr(k, i)->p_type == PT_LOAD && phdr(k, i)->p_paddr + phdr(k, i)->p_memsz > kend) {
            kend = phdr(k, i)->p_paddr + phdr(k, i)->p_memsz;
        }
    }
    report(same, "kernel-phdrs-kept", "a kernel program header changed");

    const Elf64_Phdr *x = phdr(out, kh->e_phnum);
    uint64_t want_paddr = (kend + (2u << 20) - 1) & ~(uint64_t)((2u << 20) - 1);
    snprintf(detail, sizeof detail, "type %u flags %u", x->p_type, x->p_flags);
    report(x->p_type == PT_LOAD && x->p_flags == PF_R, "payload-segment-type", detail);
    snprintf(detail, sizeof detail, "paddr 0x%llx vaddr 0x%llx, want 0x%llx", (unsigned long long)x->p_paddr,
             (unsigned long long)x->p_vaddr, (unsigned long long)want_paddr);
    report(x->p_paddr == want_paddr && x->p_vaddr == want_paddr, "payload-paddr", detail);
    report(x->p_filesz == rlen && x->p_memsz == rlen, "payload-size", "filesz/memsz != root task size");
    report(x->p_offset % 4096 == 0 && x->p_offset + rlen <= olen &&
               memcmp(out + x->p_offset, rt, rlen) == 0,
           "payload-bytes", "root task bytes not copied unchanged");

    long poff = payload_offset(k);
    report(poff > 0 && (size_t)poff + 32 <= klen, "payload-symbol", "lark_boot_payload not found");
    if (poff > 0) {
        uint64_t p[4];
        memcpy(p, out + poff, sizeof p);
        snprintf(detail, sizeof detail, "magic 0x%llx paddr 0x%llx size %llu reserved %llu",
                 (unsigned long long)p[0], (unsigned long long)p[1], (unsigned long long)p[2],
                 (unsigned long long)p[3]);
        report(p[0] == 0x4c5941504b52414cull && p[1] == want_paddr && p[2] == rlen && p[3] == 0, "payload-patched",
               detail);
        /* Everything else of the kernel file is byte-identical. */
        int rest = memcmp(out + sizeof(Elf64_Ehdr), k + sizeof(Elf64_Ehdr), (size_t)poff - sizeof(Elf64_Ehdr)) == 0 &&
                   memcmp(out + poff + 32, k + poff + 32, klen - (size_t)poff - 32) == 0;
        report(rest, "kernel-bytes-kept", "kernel bytes changed outside the header and payload");
    }
    return failures != 0;
}
