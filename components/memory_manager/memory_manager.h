/* The memory manager component: boot (boot.c) and its memory interface (service.c). */
#pragma once

/* Takes over the hand-off; 0 on success. */
int mm_boot(void);
_Noreturn void mm_serve(void);
