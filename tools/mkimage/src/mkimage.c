/* mkimage KERNEL_ELF ROOTTASK_ELF OUT: one ELF that `qemu -kernel` boots (docs/boot-image.md).
 * The kernel file is copied unchanged except for its ELF header (new program header table at
 * the end) and the patched lark_boot_payload; the root task's file bytes follow as one extra
 * PT_LOAD at paddr = align_up(end of the kernel's physical image, 2 MiB). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_file.h"

#define PAYLOAD_SYMBOL "lark_boot_payload"
#define PAYLOAD_MAGIC 0x4c5941504b52414cULL
#define PAYLOAD_BYTES 32
#define PAYLOAD_ALIGN (2ull << 20)
#define FILE_ALIGN 4096ull
#define USER_TOP 0x3ffffff000ull  /* seL4_UserTop: root task segments must lie below it */

struct boot_payload {
    uint64_t magic, paddr, size, reserved;
};

static int die(const char *path, const char *msg)
{
    fprintf(stderr, "mkimage: %s: %s\n", path, msg);
    return 1;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static int ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen != 0 && blen != 0 && a < b + blen && b < a + alen;
}

/* Two PT_LOADs of one file overlapping in the given address space (physical or virtual). */
static int find_overlap(const struct elf_file *elf, int physical, char *err, size_t errlen)
{
    for (size_t i = 0; i < elf->phnum; i++) {
        const Elf64_Phdr *a = &elf->phdrs[i];
        for (size_t j = i + 1; a->p_type == PT_LOAD && j < elf->phnum; j++) {
            const Elf64_Phdr *b = &elf->phdrs[j];
            uint64_t aa = physical ? a->p_paddr : a->p_vaddr, ba = physical ? b->p_paddr : b->p_vaddr;
            if (b->p_type == PT_LOAD && ranges_overlap(aa, a->p_memsz, ba, b->p_memsz)) {
                snprintf(err, errlen, "segments %zu and %zu overlap (%s 0x%llx and 0x%llx)", i, j,
                         physical ? "paddr" : "vaddr", (unsigned long long)aa, (unsigned long long)ba);
                return -1;
            }
        }
    }
    return 0;
}

static int check_root_task(const struct elf_file *rt, char *err, size_t errlen)
{
    if (find_overlap(rt, 0, err, errlen) != 0) {
        return -1;
    }
    int entry_ok = 0;
    for (size_t i = 0; i < rt->phnum; i++) {
        const Elf64_Phdr *p = &rt->phdrs[i];
        if (p->p_type != PT_LOAD) {
            continue;
        }
        if (p->p_vaddr + p->p_memsz > USER_TOP) {
            snprintf(err, errlen, "segment %zu (vaddr 0x%llx) reaches above seL4_UserTop", i,
                     (unsigned long long)p->p_vaddr);
            return -1;
        }
        if ((p->p_flags & PF_X) && rt->ehdr.e_entry >= p->p_vaddr && rt->ehdr.e_entry < p->p_vaddr + p->p_memsz) {
            entry_ok = 1;
        }
    }
    if (!entry_ok) {
        snprintf(err, errlen, "entry point 0x%llx is not in an executable segment",
                 (unsigned long long)rt->ehdr.e_entry);
        return -1;
    }
    return 0;
}

static int write_file(const char *path, const unsigned char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    size_t n = fwrite(bytes, 1, len, f);
    int bad = n != len;
    bad |= fclose(f) != 0;
    if (bad) {
        remove(path);
    }
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkimage KERNEL_ELF ROOTTASK_ELF OUT\n");
        return 2;
    }
    char err[256];
    struct elf_file kernel, rt;
    if (elf_file_load(argv[1], &kernel, err, sizeof err) != 0) {
        return die(argv[1], err);
    }
    if (elf_file_load(argv[2], &rt, err, sizeof err) != 0) {
        return die(argv[2], err);
    }
    if (check_root_task(&rt, err, sizeof err) != 0) {
        return die(argv[2], err);
    }
    if (find_overlap(&kernel, 1, err, sizeof err) != 0) {
        return die(argv[1], err);
    }

    Elf64_Sym sym;
    if (elf_file_find_symbol(&kernel, PAYLOAD_SYMBOL, &sym, err, sizeof err) != 0) {
        return die(argv[1], err);
    }
    if (sym.st_size != 0 && sym.st_size < PAYLOAD_BYTES) {
        return die(argv[1], PAYLOAD_SYMBOL " is smaller than struct lark_boot_payload (32 bytes)");
    }
    size_t payload_off;
    if (elf_file_vaddr_to_offset(&kernel, sym.st_value, PAYLOAD_BYTES, &payload_off) != 0) {
        return die(argv[1], PAYLOAD_SYMBOL " is not in initialised data of a PT_LOAD (is it in .bss?)");
    }

    uint64_t kernel_end = 0;
    for (size_t i = 0; i < kernel.phnum; i++) {
        const Elf64_Phdr *p = &kernel.phdrs[i];
        if (p->p_type == PT_LOAD && p->p_paddr + p->p_memsz > kernel_end) {
            kernel_end = p->p_paddr + p->p_memsz;
        }
    }
    uint64_t paddr = align_up(kernel_end, PAYLOAD_ALIGN);
    if (paddr < kernel_end || paddr + rt.size < paddr) {
        return die(argv[1], "kernel image ends too high to place the root task after it");
    }

    /* Output: kernel bytes | pad | root task bytes | pad | program header table (+1 entry). */
    uint64_t rt_off = align_up(kernel.size, FILE_ALIGN);
    uint64_t ph_off = align_up(rt_off + rt.size, 8);
    size_t out_len = (size_t)(ph_off + (kernel.phnum + 1) * sizeof(Elf64_Phdr));
    unsigned char *out = calloc(1, out_len);
    if (out == NULL) {
        return die(argv[3], "out of memory");
    }
    memcpy(out, kernel.bytes, kernel.size);
    memcpy(out + rt_off, rt.bytes, rt.size);

    Elf64_Phdr extra = {
        .p_type = PT_LOAD,
        .p_flags = PF_R,
        .p_offset = rt_off,
        .p_vaddr = paddr,
        .p_paddr = paddr,
        .p_filesz = rt.size,
        .p_memsz = rt.size,
        .p_align = FILE_ALIGN,
    };
    for (size_t i = 0; i < kernel.phnum; i++) {
        const Elf64_Phdr *p = &kernel.phdrs[i];
        if (p->p_type == PT_LOAD && ranges_overlap(p->p_paddr, p->p_memsz, paddr, rt.size)) {
            free(out);
            return die(argv[1], "root task placement overlaps a kernel segment");
        }
    }
    memcpy(out + ph_off, kernel.phdrs, kernel.phnum * sizeof(Elf64_Phdr));
    memcpy(out + ph_off + kernel.phnum * sizeof(Elf64_Phdr), &extra, sizeof extra);

    Elf64_Ehdr eh = kernel.ehdr;
    eh.e_phoff = ph_off;
    eh.e_phnum = (Elf64_Half)(kernel.phnum + 1);
    memcpy(out, &eh, sizeof eh);

    struct boot_payload payload = {PAYLOAD_MAGIC, paddr, rt.size, 0};
    memcpy(out + payload_off, &payload, sizeof payload);

    if (write_file(argv[3], out, out_len) != 0) {
        fprintf(stderr, "mkimage: %s: cannot write: %s\n", argv[3], strerror(errno));
        free(out);
        return 1;
    }
    printf("mkimage: %s: kernel %zu bytes + root task %zu bytes at paddr 0x%llx\n", argv[3], kernel.size,
           rt.size, (unsigned long long)paddr);
    free(out);
    elf_file_free(&kernel);
    elf_file_free(&rt);
    return 0;
}
