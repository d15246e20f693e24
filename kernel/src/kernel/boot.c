/* Boot: from kernel_main to the first return to the root task. */
#include <lark/boot.h>
#include <lark/boot_payload.h>
#include <lark/console.h>
#include <lark/arch/sbi.h>

/* Filled by tools/mkimage; in .data so the packer finds it in the file. */
struct lark_boot_payload lark_boot_payload __attribute__((section(".data"))) = {0, 0, 0, 0};

word_t boot_kernel_reserved_bytes;
word_t boot_free_ram_bytes;

void kernel_main(word_t hart_id, paddr_t fdt_paddr)
{
    kprintf("LarkOS kernel: hart %lu, FDT at %lx\n", hart_id, fdt_paddr);
    if (lark_boot_payload.magic != LARK_PAYLOAD_MAGIC) {
        kprintf("boot: no root task in the image (payload magic %lx)\n",
                lark_boot_payload.magic);
        sbi_shutdown(true);
    }
    kprintf("boot: root task ELF at %lx, %lu bytes\n", lark_boot_payload.paddr,
            lark_boot_payload.size);
    sbi_shutdown(false);
}
