/* Formatted output for LarkOS user programs. lark_printf writes through seL4_DebugPutChar (the
 * kernel console); lark_snprintf formats into memory and is pure (tested on the host).
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '#' '+' ' ', a field width (or '*'),
 * length modifiers hh h l ll z j t. Anything else is printed literally, never read past. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*lark_putc_fn)(char c, void *ctx);

/* Formats fmt to put(); returns the number of characters produced. */
int lark_format(lark_putc_fn put, void *ctx, const char *fmt, va_list ap);

int lark_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lark_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int lark_vprintf(const char *fmt, va_list ap);
int lark_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lark_puts(const char *s);  /* no newline added */
