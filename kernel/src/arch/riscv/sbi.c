/* SBI calls: console through the legacy extension, timer through TIME, shutdown through
 * SRST (SBI spec v1.0). */
#include <lark/arch/sbi.h>

struct sbiret { long error, value; };

static struct sbiret sbi_call(long ext, long fid, word_t a0, word_t a1, word_t a2)
{
    register word_t r0 __asm__("a0") = a0;
    register word_t r1 __asm__("a1") = a1;
    register word_t r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){(long)r0, (long)r1};
}

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_SRST 0x53525354

void sbi_console_putchar(int c) { sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (word_t)c, 0, 0); }

void sbi_set_timer(word_t deadline) { sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0); }

void sbi_shutdown(bool failure)
{
    /* reset type 0 = shutdown; reason 0 = none, 1 = system failure */
    sbi_call(SBI_EXT_SRST, 0, 0, failure ? 1 : 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}
