/* Remembering the BootInfo pointer the root task received in a0 (seL4's helpers). */
#pragma once

#include <sel4/bootinfo_types.h>

void seL4_InitBootInfo(seL4_BootInfo *bi);
seL4_BootInfo *seL4_GetBootInfo(void);
