/* Where the root task remembers the BootInfo page it was started with. */
#include <sel4/bootinfo.h>

static seL4_BootInfo *boot_info;

void seL4_InitBootInfo(seL4_BootInfo *bi)
{
    boot_info = bi;
}

seL4_BootInfo *seL4_GetBootInfo(void)
{
    return boot_info;
}
