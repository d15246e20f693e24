/* Fatal kernel errors: print and power off with a failure status (QEMU exits nonzero). */
#include <lark/console.h>
#include <lark/arch/sbi.h>

void kpanic(const char *fmt, ...)
{
    va_list ap;
    kputs("\nKERNEL PANIC: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("\n");
    sbi_shutdown(true);
}

NORETURN void kernel_trap_panic(word_t scause, word_t stval, word_t sepc);
void kernel_trap_panic(word_t scause, word_t stval, word_t sepc)
{
    kpanic("trap in kernel mode: scause %lx stval %lx sepc %lx", scause, stval, sepc);
}
