/* lark-interface uart_io: byte I/O with the UART driver. Bytes travel in shared pages, not in
 * the message: the client writes into its uart_tx region and asks for them to be sent; a read
 * copies received bytes into uart_rx. */
#ifndef LARK_IFACE_UART_IO_H
#define LARK_IFACE_UART_IO_H
#include <stdint.h>

enum uart_io_label {
    UART_IO_WRITE = 1, /* send the first `length` bytes of uart_tx */
    UART_IO_READ = 2,  /* block until at least one byte arrived; copy up to `limit` into uart_rx */
    UART_IO_FLUSH = 3, /* return once every queued byte has left the transmitter */
};

enum uart_io_error {
    UART_IO_OK = 0,
    UART_IO_BAD_LENGTH = 1, /* length or limit larger than the shared region */
    UART_IO_FAILED = 2,
};

struct uart_io_write_request {
    uint64_t length;
};
struct uart_io_write_reply {
    uint64_t written;
};
struct uart_io_read_request {
    uint64_t limit;
};
struct uart_io_read_reply {
    uint64_t count;
};

#endif
