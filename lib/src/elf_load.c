#include <lark/elf_load.h>
#include <lark/string.h>

/* The ELF64 fields used here (no libc <elf.h> in freestanding builds). */
typedef struct {
    unsigned char ident[16];
    seL4_Uint16 type, machine;
    seL4_Uint32 version;
    seL4_Uint64 entry, phoff, shoff;
    seL4_Uint32 flags;
    seL4_Uint16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} elf64_ehdr_t;

typedef struct {
    seL4_Uint32 type, flags;
    seL4_Uint64 offset, vaddr, paddr, filesz, memsz, align;
} elf64_phdr_t;

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define EM_RISCV 243
#define ET_EXEC 2
#define PAGE 4096ul

static int in_range(seL4_Word off, seL4_Word len, seL4_Word size)
{
    return off <= size && len <= size - off;
}

static lark_elf_status_t check_header(const unsigned char *img, seL4_Word size, elf64_ehdr_t *eh)
{
    if (size < sizeof *eh) {
        return LARK_ELF_NOT_ELF;
    }
    memcpy(eh, img, sizeof *eh);
    if (memcmp(eh->ident, "\177ELF", 4) != 0 || eh->ident[4] != 2 || eh->ident[5] != 1 ||
        eh->machine != EM_RISCV || eh->type != ET_EXEC) {
        return LARK_ELF_NOT_ELF;
    }
    if (eh->phentsize != sizeof(elf64_phdr_t) || !in_range(eh->phoff, (seL4_Word)eh->phnum * sizeof(elf64_phdr_t), size)) {
        return LARK_ELF_BAD_HEADERS;
    }
    return LARK_ELF_OK;
}

/* Fills one page of the target: frame mapped at scratch, zeroed, the file bytes that fall in
 * [page, page + PAGE) copied, unmapped, then mapped at page in the target VSpace. */
static seL4_Error load_page(lark_alloc_t *a, seL4_CPtr vspace, const unsigned char *img, const elf64_phdr_t *ph,
                            seL4_Word page, seL4_Word scratch)
{
    seL4_CPtr frame;
    seL4_Error err = lark_alloc_object(a, seL4_RISCV_4K_Page, 0, &frame);
    if (err == seL4_NoError) {
        err = lark_map_frame(a, seL4_CapInitThreadVSpace, frame, scratch, seL4_ReadWrite, seL4_RISCV_ExecuteNever);
    }
    if (err != seL4_NoError) {
        return err;
    }
    unsigned char *dst = (unsigned char *)scratch;
    memset(dst, 0, PAGE);
    seL4_Word file_lo = ph->vaddr, file_hi = ph->vaddr + ph->filesz;
    seL4_Word lo = page > file_lo ? page : file_lo;
    seL4_Word hi = page + PAGE < file_hi ? page + PAGE : file_hi;
    if (lo < hi) {
        memcpy(dst + (lo - page), img + ph->offset + (lo - ph->vaddr), hi - lo);
    }
    err = seL4_RISCV_Page_Unmap(frame);
    if (err != seL4_NoError) {
        return err;
    }
    seL4_CapRights_t rights = seL4_CapRights_new(0, 0, 1, (ph->flags & PF_W) ? 1 : 0);
    seL4_RISCV_VMAttributes attr = (ph->flags & PF_X) ? seL4_RISCV_Default_VMAttributes : seL4_RISCV_ExecuteNever;
    return lark_map_frame(a, vspace, frame, page, rights, attr);
}

lark_elf_status_t lark_elf_load(lark_alloc_t *a, seL4_CPtr vspace, const void *image, seL4_Word size,
                                seL4_Word scratch_vaddr, lark_elf_result_t *result)
{
    const unsigned char *img = image;
    elf64_ehdr_t eh;
    lark_elf_status_t st = check_header(img, size, &eh);
    *result = (lark_elf_result_t){0, 0, 0, seL4_NoError};
    if (st != LARK_ELF_OK) {
        return st;
    }
    result->entry = eh.entry;
    for (seL4_Word i = 0; i < eh.phnum; i++) {
        elf64_phdr_t ph;
        memcpy(&ph, img + eh.phoff + i * sizeof ph, sizeof ph);
        if (ph.type != PT_LOAD || ph.memsz == 0) {
            continue;
        }
        if (!in_range(ph.offset, ph.filesz, size) || ph.filesz > ph.memsz || ph.vaddr + ph.memsz < ph.vaddr ||
            ph.vaddr + ph.memsz > seL4_UserTop) {
            return LARK_ELF_BAD_SEGMENT;
        }
        seL4_Word end = (ph.vaddr + ph.memsz + PAGE - 1) & ~(PAGE - 1);
        for (seL4_Word page = ph.vaddr & ~(PAGE - 1); page < end; page += PAGE) {
            seL4_Error err = load_page(a, vspace, img, &ph, page, scratch_vaddr);
            if (err != seL4_NoError) {
                result->kernel_error = err;
                return LARK_ELF_KERNEL_ERROR;
            }
            result->pages++;
        }
        if (end > result->highest_vaddr) {
            result->highest_vaddr = end;
        }
    }
    return LARK_ELF_OK;
}

const char *lark_elf_status_name(lark_elf_status_t status)
{
    switch (status) {
    case LARK_ELF_OK: return "ok";
    case LARK_ELF_NOT_ELF: return "not a static riscv64 ELF executable";
    case LARK_ELF_BAD_HEADERS: return "program headers malformed";
    case LARK_ELF_BAD_SEGMENT: return "segment malformed";
    case LARK_ELF_KERNEL_ERROR: return "kernel refused an allocation or mapping";
    }
    return "unknown";
}
