/* Output through seL4_DebugPutChar: the figures are parsed by check-figures.sh. */
#include "bench.h"

void bench_puts(const char *s)
{
    while (*s != '\0') {
        seL4_DebugPutChar(*s++);
    }
}

void bench_putu(uint64_t v)
{
    char buf[24];
    int i = 0;
    do {
        buf[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (i > 0) {
        seL4_DebugPutChar(buf[--i]);
    }
}

void bench_figure(const char *name, uint64_t value, const char *unit)
{
    bench_puts(name);
    bench_puts(": ");
    bench_putu(value);
    bench_puts(" ");
    bench_puts(unit);
    bench_puts("\n");
}

static const char *error_name(seL4_Error err)
{
    static const char *const names[] = {
        "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation", "RangeError",
        "AlignmentError", "FailedLookup", "TruncatedMessage", "DeleteFirst", "RevokeFirst",
        "NotEnoughMemory",
    };
    return (unsigned)err < sizeof(names) / sizeof(names[0]) ? names[err] : "unknown error";
}

void bench_error(const char *figure, const char *what, seL4_Error err)
{
    bench_puts("bench: ERROR ");
    bench_puts(figure);
    bench_puts(": ");
    bench_puts(what);
    if (err != seL4_NoError) {
        bench_puts(" (");
        bench_puts(error_name(err));
        bench_puts(")");
    }
    bench_puts("\n");
}

void bench_fatal(const char *what, seL4_Error err)
{
    bench_error("setup", what, err);
    bench_puts("bench: stopped\n");
    seL4_DebugHalt();
    for (;;) {
    }
}

void bench_report(const char *name, uint64_t *samples)
{
    bench_figure(name, bench_result_named(name, samples), "instructions");
}
