/* The spec and the component ELFs travel inside the root server's own ELF: blob.S (generated
 * by mkblob.sh) includes them as read-only data with a table of {name, start, end}. */
#include "rootserver.h"
#include <lark/string.h>

struct archive_entry {
    const char *name;
    const uint8_t *start, *end;
};

extern const struct archive_entry lark_archive[];
extern const uint64_t lark_archive_entries;
extern const uint8_t lark_spec_start[], lark_spec_end[];

const uint8_t *archive_find(const char *name, uint64_t *size)
{
    for (uint64_t i = 0; i < lark_archive_entries; i++) {
        if (strcmp(lark_archive[i].name, name) == 0) {
            *size = (uint64_t)(lark_archive[i].end - lark_archive[i].start);
            return lark_archive[i].start;
        }
    }
    return NULL;
}

uint64_t archive_total_bytes(void)
{
    uint64_t total = 0;
    for (uint64_t i = 0; i < lark_archive_entries; i++) {
        total += (uint64_t)(lark_archive[i].end - lark_archive[i].start);
    }
    return total;
}

uint32_t archive_count(void)
{
    return (uint32_t)lark_archive_entries;
}

const void *archive_spec(uint64_t *size)
{
    *size = (uint64_t)(lark_spec_end - lark_spec_start);
    return lark_spec_start;
}
