/* console: a line-oriented shell on the UART driver (a small DebugConsole, kataos.md section 3):
 * every typed character is echoed back; Enter runs the line. Commands: `mstats` (asks the
 * memory manager, printed as KataOS prints it), `memtest` (a batch allocated and freed through
 * the memory manager, KataOS's test_obj_alloc), `mdebug` / `capscan` (the memory manager prints
 * its slabs / its CNode on the debug console), `echo <text>`, `help`. */
#include "lark_component.h"
#include "lark_glue.h"
#include <lark/print.h>
#include <lark/string.h>
#include <stdarg.h>

#define LINE_MAX 128
#define PROMPT "LARK> "

static void con_write(const char *s, uint64_t n)
{
    uint8_t *tx = uart_tx_region();
    while (n > 0) {
        uint64_t chunk = n < LARK_SIZE_UART_TX ? n : LARK_SIZE_UART_TX;
        memcpy(tx, s, chunk);
        struct uart_io_write_request req = {.length = chunk};
        struct uart_io_write_reply rep;
        if (uart_write(&req, &rep) != UART_IO_OK) {
            return;
        }
        s += chunk;
        n -= chunk;
    }
}

static void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void con_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = lark_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1) {
        n = sizeof(buf) - 1;
    }
    con_write(buf, (uint64_t)n);
}

static void cmd_mstats(void)
{
    struct memory_stats_reply s;
    seL4_Word err = memory_stats(&s);
    if (err != MEMORY_OK) {
        con_printf("mstats: memory manager error %lu\r\n", (unsigned long)err);
        return;
    }
    con_printf("%lu bytes in-use, %lu bytes free, %lu bytes requested, %lu overhead\r\n",
               (unsigned long)s.allocated_bytes, (unsigned long)s.free_bytes, (unsigned long)s.total_requested_bytes,
               (unsigned long)s.overhead_bytes);
    con_printf("%lu objs in-use, %lu objs requested\r\n", (unsigned long)s.allocated_objs,
               (unsigned long)s.total_requested_objs);
    con_printf("%lu bytes reclaimed from the root server\r\n", (unsigned long)s.reclaimed_bytes);
}

/* KataOS's test_obj_alloc: a batch into the console's own CNode, then freed; the memory
 * manager's in-use figure must come back to where it was. */
static void cmd_memtest(void)
{
    struct memory_stats_reply before = {0}, during = {0}, after = {0};
    struct memory_alloc_request req = {0};
    req.container = LARK_SLOT_CNODE;
    req.depth = LARK_CSPACE_DEPTH;
    req.lifetime = MEMORY_LIFETIME_SHORT;
    req.count = 4;
    const uint64_t types[4] = {seL4_RISCV_4K_Page, seL4_NotificationObject, seL4_EndpointObject, seL4_TCBObject};
    const uint64_t sizes[4] = {64, 16, 8, 2};
    uint64_t slot = LARK_SLOT_FIRST_FREE;
    for (unsigned i = 0; i < 4; i++) {
        req.types[i] = types[i];
        req.sizes[i] = sizes[i];
        req.slots[i] = slot;
        slot += sizes[i];
    }
    struct memory_alloc_reply rep = {0};
    seL4_Word err = memory_stats(&before);
    if (err == MEMORY_OK) {
        err = memory_alloc(&req, &rep);
    }
    if (err != MEMORY_OK) {
        con_printf("memtest: alloc failed, error %lu\r\n", (unsigned long)err);
        return;
    }
    err = memory_stats(&during);
    struct memory_free_request fr = {0};
    fr.container = req.container;
    fr.depth = req.depth;
    fr.count = req.count;
    for (unsigned i = 0; i < 4; i++) {
        fr.types[i] = req.types[i];
        fr.sizes[i] = req.sizes[i];
        fr.slots[i] = req.slots[i];
    }
    err |= memory_free(&fr);
    err |= memory_stats(&after);
    con_printf("memtest: %lu objects, %lu bytes; in use %lu -> %lu -> %lu bytes: %s\r\n", (unsigned long)rep.objects,
               (unsigned long)rep.bytes, (unsigned long)before.allocated_bytes, (unsigned long)during.allocated_bytes,
               (unsigned long)after.allocated_bytes,
               err == MEMORY_OK && after.allocated_bytes == before.allocated_bytes &&
                       during.allocated_bytes == before.allocated_bytes + rep.bytes
                   ? "ok"
                   : "MISMATCH");
}

static int starts_with(const char *s, const char *word)
{
    size_t n = strlen(word);
    return memcmp(s, word, n) == 0 && (s[n] == '\0' || s[n] == ' ');
}

static void run(const char *line)
{
    while (*line == ' ') {
        line++;
    }
    if (*line == '\0') {
        return;
    }
    if (starts_with(line, "mstats")) {
        cmd_mstats();
    } else if (starts_with(line, "mdebug")) {
        con_printf("mdebug: %s\r\n", memory_debug() == MEMORY_OK ? "printed by the memory manager" : "failed");
    } else if (starts_with(line, "capscan")) {
        con_printf("capscan: %s\r\n", memory_capscan() == MEMORY_OK ? "printed by the memory manager" : "failed");
    } else if (starts_with(line, "memtest")) {
        cmd_memtest();
    } else if (starts_with(line, "echo")) {
        const char *text = line + 4;
        con_printf("%s\r\n", *text == ' ' ? text + 1 : text);
    } else if (starts_with(line, "help")) {
        con_printf("commands: mstats, mdebug, capscan, memtest, echo <text>, help\r\n");
    } else {
        con_printf("%s: unknown command\r\n", line);
    }
}

int main(void)
{
    char line[LINE_MAX + 1];
    unsigned len = 0;
    con_printf("\r\nLarkOS console (type help)\r\n");
    /* The banner goes out through the driver, this line through the kernel: flush first, so
     * they reach the serial line in this order. */
    uart_flush();
    lark_printf("console: ready at instret %lu\n", (unsigned long)lark_instret());
    con_printf(PROMPT);
    for (;;) {
        struct uart_io_read_request req = {.limit = 64};
        struct uart_io_read_reply rep = {0};
        if (uart_read(&req, &rep) != UART_IO_OK) {
            continue;
        }
        const uint8_t *rx = uart_rx_region();
        for (uint64_t i = 0; i < rep.count; i++) {
            char c = (char)rx[i];
            if (c == '\r' || c == '\n') {
                con_write("\r\n", 2);
                line[len] = '\0';
                run(line);
                len = 0;
                con_printf(PROMPT);
            } else if (c == 0x7f || c == '\b') {
                if (len > 0) {
                    len--;
                    con_write("\b \b", 3);
                }
            } else if (c >= ' ' && len < LINE_MAX) {
                line[len++] = c;
                con_write(&c, 1);
            }
        }
    }
}
