/* Host tests of the formatter behind lark_printf/lark_snprintf. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <lark/print.h>
#include <lark/names.h>

static int passed, failed;

static void expect(const char *want, int want_len, const char *got, int got_len, int line)
{
    if (strcmp(want, got) == 0 && want_len == got_len) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: want \"%s\" (%d), got \"%s\" (%d)\n", line, want, want_len, got, got_len);
    }
}

/* No format attribute: lets the tests pass formats the compiler would (rightly) flag. */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = lark_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define RAW(want, ...)                                                 \
    do {                                                               \
        char buf_[128];                                                \
        int n_ = raw_snprintf(buf_, sizeof buf_, __VA_ARGS__);         \
        expect(want, (int)strlen(want), buf_, n_, __LINE__);           \
    } while (0)

#define F(want, ...)                                                   \
    do {                                                               \
        char buf_[128];                                                \
        int n_ = lark_snprintf(buf_, sizeof buf_, __VA_ARGS__);        \
        expect(want, (int)strlen(want), buf_, n_, __LINE__);           \
    } while (0)

int main(void)
{
    F("plain", "plain");
    F("42 -7 0", "%d %i %d", 42, -7, 0);
    F("-9223372036854775808", "%lld", (long long)INT64_MIN);
    F("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    F("ff FF 777", "%x %X %o", 255u, 255u, 0777u);
    F("0x80200000", "%p", (void *)0x80200000ul);
    F("deadbeefcafe", "%lx", 0xdeadbeefcafeul);
    F("[   12][12   ][00012]", "[%5d][%-5d][%05d]", 12, 12, 12);
    F("[-0012]", "[%05d]", -12);
    F("[  ab]", "[%*s]", 4, "ab");
    F("[ab  ]", "[%-*s]", 4, "ab");
    F("[  0x80200000][0x00001000][0][017]", "[%#12lx][%#010x][%#x][%#o]", 0x80200000ul, 0x1000u, 0u, 017u);
    F("+5 -5 ' 5'", "%+d %+d '% d'", 5, -5, 5);
    RAW("(null)", "%s", (char *)NULL);
    F("x%y", "x%%y");
    F("c=Z", "c=%c", 'Z');
    F("255 -1 65535", "%hhu %hhd %hu", 511, 255, 0x1ffff);
    F("123 456 789", "%zu %jd %td", (size_t)123, (intmax_t)456, (ptrdiff_t)789);
    RAW("%q", "%q");
    RAW("end%", "end%");

    /* Truncation: the return value is the full length, the buffer stays terminated. */
    char small[6];
    int n = lark_snprintf(small, sizeof small, "%s", "truncated");
    expect("trunc", 9, small, n, __LINE__);
    n = lark_snprintf(small, 0, "%d", 12345);
    if (n == 5) {
        passed++;
    } else {
        failed++;
        printf("FAIL size 0: %d\n", n);
    }

    /* Names of ABI numbers, and "?" for anything outside the tables. */
    F("seL4_RevokeFirst seL4_RISCV_4K_Page seL4_Fault_VMFault ? ? ?", "%s %s %s %s %s %s", lark_error_name(9),
      lark_object_name(8), lark_fault_name(6), lark_error_name(11), lark_object_name(~0ul), lark_fault_name(4));

    printf("lib-tests: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
