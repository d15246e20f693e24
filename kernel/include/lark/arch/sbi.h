/* SBI calls (K1: src/arch/riscv/sbi.c). */
#ifndef LARK_ARCH_SBI_H
#define LARK_ARCH_SBI_H
#include "../types.h"

void sbi_console_putchar(int c);     /* legacy extension 0x01 */
void sbi_set_timer(word_t deadline); /* TIME extension; ~0 to disarm */
NORETURN void sbi_shutdown(bool failure); /* SRST: shutdown, reason none/system failure */

#endif
