/* Component ELFs through libelf: PT_LOAD segments, entry point, thread entry symbols. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfs.h"
#include "lark_spec.h"

static bool find_symbol(Elf *elf, const char *name, uint64_t *addr)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data)
            continue;
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
                continue;
            const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (s && strcmp(s, name) == 0) {
                *addr = sym.st_value;
                return true;
            }
        }
    }
    return false;
}

static bool inside_exec_segment(const struct elf_info *info, uint64_t addr)
{
    for (int i = 0; i < info->nsegs; i++)
        if (info->segs[i].exec && addr >= info->segs[i].vaddr && addr < info->segs[i].vaddr + info->segs[i].memsz)
            return true;
    return false;
}

static bool read_segments(struct system *sys, const struct component *comp, Elf *elf, struct elf_info *info)
{
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0) {
        diag(sys, comp->line, "component '%s': %s: no program headers", comp->name, info->path);
        return false;
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            diag(sys, comp->line, "component '%s': %s: bad program header %zu", comp->name, info->path, i);
            return false;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (info->nsegs == ELF_MAX_SEGMENTS) {
            diag(sys, comp->line, "component '%s': %s has more than %d loadable segments", comp->name, info->path,
                 ELF_MAX_SEGMENTS);
            return false;
        }
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > info->file_size ||
            ph.p_filesz > info->file_size - ph.p_offset) {
            diag(sys, comp->line, "component '%s': %s: segment %zu lies outside the file", comp->name, info->path, i);
            return false;
        }
        if (ph.p_vaddr < 4096 || ph.p_vaddr >= LARK_SPEC_USER_TOP || ph.p_memsz > LARK_SPEC_USER_TOP - ph.p_vaddr) {
            diag(sys, comp->line, "component '%s': %s: segment at 0x%llx is outside user space", comp->name,
                 info->path, (unsigned long long)ph.p_vaddr);
            return false;
        }
        struct elf_segment *s = &info->segs[info->nsegs++];
        s->vaddr = ph.p_vaddr;
        s->memsz = ph.p_memsz;
        s->filesz = ph.p_filesz;
        s->offset = ph.p_offset;
        s->read = ph.p_flags & PF_R;
        s->write = ph.p_flags & PF_W;
        s->exec = ph.p_flags & PF_X;
    }
    if (info->nsegs == 0) {
        diag(sys, comp->line, "component '%s': %s has no loadable segment", comp->name, info->path);
        return false;
    }
    return true;
}

static uint64_t page_down(uint64_t a) { return a & ~4095ull; }
static uint64_t page_up(uint64_t a) { return (a + 4095) & ~4095ull; }

/* Segments must not share a page with a region the composer places (stack, IPC buffer,
 * shared memory, MMIO). */
static void check_segment_overlaps(struct system *sys, int c, const struct elf_info *info)
{
    const struct component *comp = &sys->components[c];
    for (int i = 0; i < info->nsegs; i++) {
        uint64_t a = page_down(info->segs[i].vaddr), b = page_up(info->segs[i].vaddr + info->segs[i].memsz);
        for (int t = 0; t < comp->nthreads; t++) {
            const struct thread_desc *th = &comp->threads[t];
            if (a < th->stack_top && th->ipc_buffer < b)
                diag(sys, comp->line, "overlapping regions in '%s': ELF segment [0x%llx, 0x%llx) and thread '%s' area",
                     comp->name, (unsigned long long)a, (unsigned long long)b, th->name);
        }
        for (int s = 0; s < sys->nshared; s++)
            for (int k = 0; k < sys->shared[s].nsides; k++) {
                const struct region_side *d = &sys->shared[s].sides[k];
                if (d->component == c && a < d->vaddr + sys->shared[s].size && d->vaddr < b)
                    diag(sys, d->line, "overlapping regions in '%s': ELF segment [0x%llx, 0x%llx) and shared region '%s'",
                         comp->name, (unsigned long long)a, (unsigned long long)b, sys->shared[s].name);
            }
        for (int m = 0; m < sys->nmmio; m++) {
            const struct mmio *d = &sys->mmios[m];
            if (d->component == c && d->device >= 0 && a < d->vaddr + sys->devices[d->device].size && d->vaddr < b)
                diag(sys, d->line, "overlapping regions in '%s': ELF segment [0x%llx, 0x%llx) and device '%s'",
                     comp->name, (unsigned long long)a, (unsigned long long)b, sys->devices[d->device].name);
        }
        for (int j = 0; j < i; j++) {
            uint64_t c2 = info->segs[j].vaddr, d2 = info->segs[j].vaddr + info->segs[j].memsz;
            if (info->segs[i].vaddr < d2 && c2 < info->segs[i].vaddr + info->segs[i].memsz)
                diag(sys, comp->line, "component '%s': %s: loadable segments overlap", comp->name, info->path);
        }
    }
}

static bool load_one(struct system *sys, int c, const char *elf_dir, struct elf_info *info)
{
    struct component *comp = &sys->components[c];
    memset(info, 0, sizeof *info);
    if (comp->program[0] == '/')
        snprintf(info->path, sizeof info->path, "%s", comp->program);
    else
        snprintf(info->path, sizeof info->path, "%s/%s", elf_dir, comp->program);
    int fd = open(info->path, O_RDONLY);
    if (fd < 0) {
        diag(sys, comp->line, "component '%s': cannot open program %s: %s", comp->name, info->path, strerror(errno));
        return false;
    }
    struct stat st;
    bool ok = false;
    Elf *elf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag(sys, comp->line, "component '%s': program %s is not a regular file", comp->name, info->path);
        goto out;
    }
    info->file_size = (uint64_t)st.st_size;
    elf = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        diag(sys, comp->line, "component '%s': %s is not an ELF file", comp->name, info->path);
        goto out;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_RISCV ||
        eh.e_type != ET_EXEC) {
        diag(sys, comp->line, "component '%s': %s is not a static riscv64 little-endian executable", comp->name,
             info->path);
        goto out;
    }
    if (!read_segments(sys, comp, elf, info))
        goto out;
    info->entry = eh.e_entry;
    if (!inside_exec_segment(info, info->entry)) {
        diag(sys, comp->line, "component '%s': %s: entry point 0x%llx is not in an executable segment", comp->name,
             info->path, (unsigned long long)info->entry);
        goto out;
    }
    comp->threads[0].entry_addr = info->entry;
    ok = true;
    for (int t = 1; t < comp->nthreads; t++) {
        struct thread_desc *th = &comp->threads[t];
        if (!find_symbol(elf, th->entry, &th->entry_addr)) {
            diag(sys, th->line, "component '%s': thread '%s': entry function '%s' not found in %s", comp->name,
                 th->name, th->entry, info->path);
            ok = false;
        } else if (!inside_exec_segment(info, th->entry_addr)) {
            diag(sys, th->line, "component '%s': thread '%s': entry '%s' is not in an executable segment", comp->name,
                 th->name, th->entry);
            ok = false;
        }
    }
    check_segment_overlaps(sys, c, info);
out:
    if (elf)
        elf_end(elf);
    close(fd);
    return ok;
}

bool load_elfs(struct system *sys, const char *elf_dir, struct elf_info *out)
{
    int before = diag_count();
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fprintf(stderr, "lark-compose: libelf is too old\n");
        return false;
    }
    for (int c = 0; c < sys->ncomponents; c++)
        load_one(sys, c, elf_dir, &out[c]);
    return diag_count() == before;
}
