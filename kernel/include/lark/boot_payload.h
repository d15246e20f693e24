/* The kernel <-> image packer contract (docs/boot-image.md). tools/mkimage patches this
 * symbol in the kernel ELF; the kernel reads it at boot to find the root task ELF. */
#ifndef LARK_BOOT_PAYLOAD_H
#define LARK_BOOT_PAYLOAD_H
#include <stdint.h>

#define LARK_PAYLOAD_MAGIC 0x4c5941504b52414cULL /* bytes "LARKPAYL" */

struct lark_boot_payload {
    uint64_t magic;    /* LARK_PAYLOAD_MAGIC once the packer filled it, else 0 */
    uint64_t paddr;    /* physical address of the root task ELF file bytes */
    uint64_t size;     /* their size in bytes */
    uint64_t reserved; /* 0 */
};

extern struct lark_boot_payload lark_boot_payload;

#endif
