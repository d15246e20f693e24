/* Kernel console output through SBI console_putchar (the UART stays free for user space). */
#ifndef LARK_CONSOLE_H
#define LARK_CONSOLE_H
#include <stdarg.h>
#include "types.h"

void kputc(char c);
void kputs(const char *s);
/* printf subset: %s %c %d %u %x %lx %lu %ld %p %%, with optional width/zero padding and l/ll. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
NORETURN void kpanic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
