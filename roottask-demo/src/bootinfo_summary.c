/* Prints what the kernel handed the root task: untyped regions, free slots, device regions,
 * and the LarkOS extra boot info (tainted untypeds, kernel reserved bytes). */
#include "demo.h"

#include <lark/lark_sel4.h>
#include <lark/print.h>

static void print_size(seL4_Word bytes)
{
    if (bytes >= (1ul << 30) && bytes % (1ul << 30) == 0) {
        lark_printf("%lu GiB", bytes >> 30);
    } else if (bytes >= (1ul << 20) && bytes % (1ul << 20) == 0) {
        lark_printf("%lu MiB", bytes >> 20);
    } else if (bytes >= 1024 && bytes % 1024 == 0) {
        lark_printf("%lu KiB", bytes >> 10);
    } else {
        lark_printf("%lu B", bytes);
    }
}

void demo_print_bootinfo(const seL4_BootInfo *bi)
{
    const lark_bootinfo_lark_t *lark = lark_bootinfo_find_lark(bi);
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    lark_printf("demo: BootInfo at %p, IPC buffer %p, node %lu of %lu, CNode 2^%lu slots, domain %lu\n",
                (const void *)bi, (void *)bi->ipcBuffer, bi->nodeID, bi->numNodes, bi->initThreadCNodeSizeBits,
                bi->initThreadDomain);
    lark_printf("demo: free slots [%lu, %lu) = %lu, image frames [%lu, %lu), image paging [%lu, %lu), "
                "schedcontrol [%lu, %lu)\n",
                bi->empty.start, bi->empty.end, bi->empty.end - bi->empty.start, bi->userImageFrames.start,
                bi->userImageFrames.end, bi->userImagePaging.start, bi->userImagePaging.end,
                bi->schedcontrol.start, bi->schedcontrol.end);
    lark_printf("demo: %lu untyped caps in slots [%lu, %lu):\n", n, bi->untyped.start, bi->untyped.end);
    seL4_Word ram = 0, device = 0, devices = 0;
    for (seL4_Word i = 0; i < n && i < seL4_MaxNumBootinfoUntypedCaps; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr cap = bi->untyped.start + i;
        int tainted = lark != NULL && cap >= lark->tainted.start && cap < lark->tainted.end;
        seL4_Word bytes = d->sizeBits < 64 ? 1ul << d->sizeBits : 0;
        lark_printf("demo:   slot %4lu  paddr %#12lx  2^%-2u = ", cap, d->paddr, d->sizeBits);
        print_size(bytes);
        lark_printf("%s%s\n", d->isDevice ? "  device" : "", tainted ? "  tainted" : "");
        if (d->isDevice) {
            device += bytes;
            devices++;
        } else {
            ram += bytes;
        }
    }
    lark_printf("demo: RAM untyped ");
    print_size(ram);
    lark_printf(" (%lu bytes), %lu device regions (", ram, devices);
    print_size(device);
    lark_printf(")\n");
    if (lark != NULL) {
        lark_printf("demo: LarkOS chunk v%lu: kernel reserved %lu bytes, tainted untypeds [%lu, %lu)\n",
                    lark->version, lark->kernelReservedBytes, lark->tainted.start, lark->tainted.end);
    } else {
        lark_printf("demo: no LarkOS extra boot info chunk (0x4c4b)\n");
    }
    seL4_Word fdt_size = 0;
    if (lark_bootinfo_find_fdt(bi, &fdt_size) != NULL) {
        lark_printf("demo: device tree in extra boot info, %lu bytes\n", fdt_size);
    } else {
        lark_printf("demo: no device tree chunk in extra boot info (extraLen %lu)\n", bi->extraLen);
    }
}
