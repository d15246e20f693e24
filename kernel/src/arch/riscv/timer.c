/* The timer: rdtime for now, SBI TIME for the deadline. */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/arch/sbi.h>

void timer_set_deadline(word_t t) { sbi_set_timer(t); }
