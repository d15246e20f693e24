/* The PLIC on QEMU virt: context 1 is hart 0 in S-mode. */
#include <lark/arch/machine.h>
#include <lark/irq.h>

#define PLIC_CTX 1
#define PRIORITY(irq) (0x0000 + 4 * (irq))
#define ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (0x200004 + 0x1000 * (ctx))

static volatile uint32_t *plic;
static word_t plic_ndev;

static volatile uint32_t *reg32(word_t off) { return (volatile uint32_t *)((char *)plic + off); }

void plic_init(paddr_t base, word_t ndev)
{
    plic = paddr_to_kptr(base);
    plic_ndev = ndev < MAX_IRQ ? ndev : MAX_IRQ;
    for (word_t irq = 1; irq <= plic_ndev; irq++) {
        *reg32(PRIORITY(irq)) = 1;
        plic_enable(irq, false);
    }
    *reg32(THRESHOLD(PLIC_CTX)) = 0;
}

void plic_enable(word_t irq, bool on)
{
    if (irq == 0 || irq > plic_ndev)
        return;
    volatile uint32_t *w = reg32(ENABLE(PLIC_CTX) + 4 * (irq / 32));
    if (on) {
        *w |= 1U << (irq % 32);
        /* A source that became pending while masked must reach the hart now. QEMU's PLIC
         * model re-evaluates its output only on claim/complete/threshold writes, not on
         * enable writes: rewrite the (unchanged) threshold. Harmless on real hardware. */
        *reg32(THRESHOLD(PLIC_CTX)) = 0;
    } else {
        *w &= ~(1U << (irq % 32));
    }
}

word_t plic_claim(void) { return *reg32(CLAIM(PLIC_CTX)); }

void plic_complete(word_t irq) { *reg32(CLAIM(PLIC_CTX)) = (uint32_t)irq; }

word_t plic_max_irq(void) { return plic_ndev; }
