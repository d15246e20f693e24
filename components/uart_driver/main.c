/* uart_driver: the 16550 of QEMU virt in user space (kataos.md sections 1 and 11: UARTDriver).
 * Received bytes arrive by interrupt (PLIC source 10, a bound notification) into the rx ring;
 * writes go through the tx ring to the transmitter. The client's bytes travel in the shared
 * pages uart_tx (client -> driver) and uart_rx (driver -> client). One thread: a READ with
 * nothing received waits on the IRQ notification before it replies, which is fine for the one
 * client the description gives this driver. */
#include "lark_glue.h"
#include "ns16550.h"
#include "ring.h"
#include <lark/print.h>

static struct ring rx, tx;
static uint64_t rx_dropped, irqs;

static volatile uint8_t *regs(void)
{
    return (volatile uint8_t *)uart_mmio();
}

/* Moves every byte the UART holds into the rx ring (clearing its level interrupt) and acks. */
static void drain_receiver(void)
{
    while (ns16550_read(regs(), NS16550_LSR) & NS16550_LSR_DATA_READY) {
        uint8_t b = ns16550_read(regs(), NS16550_RBR_THR);
        if (!ring_put(&rx, b)) {
            rx_dropped++;
        }
    }
}

static void on_irq(seL4_Word bits)
{
    if (bits & LARK_IRQ_BIT_UART_IRQ) {
        irqs++;
        drain_receiver();
        uart_irq_ack();
    }
}

/* QEMU's transmitter empties at once; real hardware would have the driver wait for THRE. */
static void drain_transmitter(void)
{
    uint8_t b;
    while (ring_used(&tx) != 0) {
        while (!(ns16550_read(regs(), NS16550_LSR) & NS16550_LSR_THR_EMPTY)) {
        }
        ring_get(&tx, &b);
        ns16550_write(regs(), NS16550_RBR_THR, b);
    }
}

static seL4_Word uart_write_op(seL4_Word badge, const struct uart_io_write_request *req,
                               struct uart_io_write_reply *rep)
{
    (void)badge;
    if (req->length > LARK_SIZE_UART_TX) {
        return UART_IO_BAD_LENGTH;
    }
    const volatile uint8_t *src = uart_tx_region();
    for (uint64_t i = 0; i < req->length; i++) {
        if (!ring_put(&tx, src[i])) {
            drain_transmitter();
            ring_put(&tx, src[i]);
        }
    }
    drain_transmitter();
    rep->written = req->length;
    return UART_IO_OK;
}

static seL4_Word uart_read_op(seL4_Word badge, const struct uart_io_read_request *req,
                              struct uart_io_read_reply *rep)
{
    (void)badge;
    if (req->limit > LARK_SIZE_UART_RX || req->limit == 0) {
        return UART_IO_BAD_LENGTH;
    }
    drain_receiver();
    while (ring_used(&rx) == 0) {
        on_irq(lark_irq_wait_main());
    }
    volatile uint8_t *dst = uart_rx_region();
    uint64_t n = 0;
    uint8_t b;
    while (n < req->limit && ring_get(&rx, &b)) {
        dst[n++] = b;
    }
    rep->count = n;
    return UART_IO_OK;
}

static seL4_Word uart_flush_op(seL4_Word badge)
{
    (void)badge;
    drain_transmitter();
    while (!(ns16550_read(regs(), NS16550_LSR) & NS16550_LSR_TX_IDLE)) {
    }
    return UART_IO_OK;
}

static const struct uart_ops ops = {
    .write = uart_write_op,
    .read = uart_read_op,
    .flush = uart_flush_op,
    .notified = on_irq,
};

int main(void)
{
    ns16550_write(regs(), NS16550_LCR, NS16550_LCR_8N1);
    ns16550_write(regs(), NS16550_IIR_FCR, NS16550_FCR_ENABLE_AND_CLEAR);
    ns16550_write(regs(), NS16550_MCR, NS16550_MCR_DTR_RTS_OUT2);
    ns16550_write(regs(), NS16550_IER, NS16550_IER_RX_AVAILABLE);
    drain_receiver();
    lark_printf("uart_driver: 16550 at %lx (virtual), IRQ %u, serving\n", (unsigned long)LARK_MMIO_VADDR_UART,
                LARK_IRQ_NUMBER_UART_IRQ);
    uart_serve(&ops);
}
