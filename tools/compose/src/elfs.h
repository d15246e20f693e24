#ifndef COMPOSE_ELFS_H
#define COMPOSE_ELFS_H

#include "model.h"

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
    uint64_t vaddr, memsz, filesz, offset;
    bool read, write, exec;
};

struct elf_info {
    char path[MAX_PATH_LEN * 2];
    uint64_t entry, file_size;
    int nsegs;
    struct elf_segment segs[ELF_MAX_SEGMENTS];
};

/* Reads every component's program (paths relative to elf_dir), resolves thread entry symbols
 * into sys, and checks segments against the component's other regions. */
bool load_elfs(struct system *sys, const char *elf_dir, struct elf_info *out);

#endif
