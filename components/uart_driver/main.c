/* uart_driver: the 16550 of QEMU virt in user space (kataos.md sections 1 and 11: UARTDriver).
 * Both directions are interrupt-driven through 512-byte rings: received bytes are moved into
 * the rx ring on the RX interrupt; written bytes wait in the tx ring and go out a FIFO-full at
 * a time on the transmit-empty interrupt (enabled only while the ring holds bytes, since the
 * line is level-triggered). PLIC source 10 signals the thread's bound notification. The
 * client's bytes travel in the shared pages uart_tx (client -> driver) and uart_rx (driver ->
 * client). One thread: a READ with nothing received, a WRITE into a full ring and a FLUSH wait
 * for the interrupt before they reply, which is fine for the one client this driver has. */
#include "lark_glue.h"
#include "ns16550.h"
#include "ring.h"
#include <lark/print.h>

static struct ring rx, tx;
static uint64_t rx_dropped;
static uint8_t ier;

static volatile uint8_t *regs(void)
{
    return (volatile uint8_t *)uart_mmio();
}

static void set_tx_interrupt(int on)
{
    uint8_t want = on ? (uint8_t)(ier | NS16550_IER_TX_EMPTY) : (uint8_t)(ier & ~NS16550_IER_TX_EMPTY);
    if (want != ier) {
        ier = want;
        ns16550_write(regs(), NS16550_IER, ier);
    }
}

/* Moves every received byte into the rx ring (which clears the RX interrupt). */
static void drain_receiver(void)
{
    while (ns16550_read(regs(), NS16550_LSR) & NS16550_LSR_DATA_READY) {
        uint8_t b = ns16550_read(regs(), NS16550_RBR_THR);
        if (!ring_put(&rx, b)) {
            rx_dropped++;
        }
    }
}

/* Refills an empty transmit FIFO from the tx ring; the interrupt stays on while bytes wait. */
static void feed_transmitter(void)
{
    if (ns16550_read(regs(), NS16550_LSR) & NS16550_LSR_THR_EMPTY) {
        uint8_t b;
        for (unsigned i = 0; i < NS16550_FIFO_BYTES && ring_get(&tx, &b); i++) {
            ns16550_write(regs(), NS16550_RBR_THR, b);
        }
    }
    set_tx_interrupt(ring_used(&tx) != 0);
}

static void on_irq(seL4_Word bits)
{
    if (bits & LARK_IRQ_BIT_UART_IRQ) {
        (void)ns16550_read(regs(), NS16550_IIR_FCR); /* reading IIR clears a transmit-empty interrupt */
        drain_receiver();
        feed_transmitter();
        uart_irq_ack();
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
        while (!ring_put(&tx, src[i])) {
            feed_transmitter();
            if (ring_used(&tx) == RING_BYTES) {
                on_irq(lark_irq_wait_main());
            }
        }
    }
    feed_transmitter();
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
    while (ring_used(&tx) != 0) {
        on_irq(lark_irq_wait_main());
    }
    /* The last FIFO-full raises no interrupt once gone: wait for the shift register. */
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
    ier = NS16550_IER_RX_AVAILABLE;
    ns16550_write(regs(), NS16550_IER, ier);
    drain_receiver();
    lark_printf("uart_driver: 16550 at %lx (virtual), IRQ %u, serving\n", (unsigned long)LARK_MMIO_VADDR_UART,
                LARK_IRQ_NUMBER_UART_IRQ);
    uart_serve(&ops);
}
