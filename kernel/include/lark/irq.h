/* Interrupts (K1: src/object/irq.c, src/arch/riscv/plic.c). IRQ numbers are the PLIC
 * source numbers of the FDT (UART0 = 10, goldfish RTC = 11, virtio 1..8). */
#ifndef LARK_IRQ_H
#define LARK_IRQ_H
#include "cte.h"
#include "errors.h"

#define MAX_IRQ 127 /* PLIC sources 1..127 on QEMU virt (0 = no interrupt) */
enum irq_state { IRQ_INACTIVE = 0, IRQ_SIGNAL = 1, IRQ_RESERVED = 2 };
extern word_t irq_states[MAX_IRQ + 1];
/* The notification cap each IRQ signals: kept in kernel slots so the MDB sees them. */
extern struct cte irq_notification_slots[MAX_IRQ + 1];

/* A device interrupt arrived (claimed from the PLIC): signal its notification, mask it
 * until the handler Acks. */
void irq_handle(word_t irq);
void irq_handler_finalise(word_t irq);

struct invocation;
exception_t decode_irq_control_invocation(struct invocation *inv);
exception_t decode_irq_handler_invocation(struct invocation *inv);

#endif
