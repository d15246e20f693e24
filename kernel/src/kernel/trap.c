/* C side of the trap path: classify, dispatch, schedule, return to user. */
#include <lark/console.h>
#include <lark/arch/riscv.h>

NORETURN void c_handle_trap(word_t scause, word_t stval);
void c_handle_trap(word_t scause, word_t stval)
{
    kpanic("user trap not handled yet: scause %lx stval %lx", scause, stval);
}
