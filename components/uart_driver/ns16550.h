/* The 16550 UART of QEMU virt (registers one byte apart, reg-shift 0). */
#pragma once

#include <stdint.h>

enum ns16550_reg {
    NS16550_RBR_THR = 0, /* receive buffer (read) / transmit holding (write) */
    NS16550_IER = 1,     /* interrupt enable */
    NS16550_IIR_FCR = 2, /* interrupt identification (read) / FIFO control (write) */
    NS16550_LCR = 3,
    NS16550_MCR = 4,
    NS16550_LSR = 5,
};

#define NS16550_IER_RX_AVAILABLE 0x01u
#define NS16550_IER_TX_EMPTY 0x02u     /* interrupt while the transmit FIFO is empty */
#define NS16550_FIFO_BYTES 16u
#define NS16550_FCR_ENABLE_AND_CLEAR 0x07u
#define NS16550_LCR_8N1 0x03u
#define NS16550_MCR_DTR_RTS_OUT2 0x0bu /* OUT2 gates the interrupt line on PC-style wiring */
#define NS16550_LSR_DATA_READY 0x01u
#define NS16550_LSR_THR_EMPTY 0x20u     /* with FIFOs on: the transmit FIFO is empty */
#define NS16550_LSR_TX_IDLE 0x40u     /* holding register and shift register both empty */

static inline uint8_t ns16550_read(volatile uint8_t *base, enum ns16550_reg r)
{
    return base[r];
}

static inline void ns16550_write(volatile uint8_t *base, enum ns16550_reg r, uint8_t v)
{
    base[r] = v;
}
