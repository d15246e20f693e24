/* Runs every registered test of this image in order: one line per test (PASS / FAIL / SKIP),
 * the summary line, then seL4_DebugHalt. Between tests the environment is reset (kt_env.c). */
#include "kt.h"
#include <stdarg.h>

void kt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void kt_env_init(const seL4_BootInfo *bi);
int kt_env_reset(char *why, size_t size);

extern const kt_test_t __kt_tests_start[], __kt_tests_end[];
extern const char *const kt_known_failing[];
extern char __tdata_start[], __tdata_end[], __tbss_start[];
extern char __tbss_size[];

/* crt0 points sp at the end of this. */
char kt_root_stack[65536] __attribute__((aligned(16)));

static char fail_msg[256];
static bool fail_flag;

void kt_fail(const char *file, int line, const char *fmt, ...)
{
    if (fail_flag) {
        return;
    }
    fail_flag = true;
    const char *base = file;
    for (const char *p = file; *p != '\0'; p++) {
        if (*p == '/') {
            base = p + 1;
        }
    }
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    kt_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kt_snprintf(fail_msg, sizeof(fail_msg), "%s:%d: %s", base, line, msg);
}

bool kt_failed(void)
{
    return fail_flag;
}

const char *kt_err_name(seL4_Word err)
{
    static const char *const names[] = {
        "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation", "RangeError",
        "AlignmentError", "FailedLookup", "TruncatedMessage", "DeleteFirst", "RevokeFirst",
        "NotEnoughMemory",
    };
    return err < sizeof(names) / sizeof(names[0]) ? names[err] : "(not an seL4_Error)";
}

/* The TLS block of the root thread; helper threads get theirs in kt_thread.c. */
static char root_tls[512] __attribute__((aligned(64)));

void kt_tls_init(char *block, size_t size);
void kt_tls_init(char *block, size_t size)
{
    size_t tdata = (size_t)(__tdata_end - __tdata_start);
    size_t tbss_off = (size_t)(__tbss_start - __tdata_start);
    size_t tbss = (size_t)__tbss_size;
    if (tbss_off + tbss > size) {
        seL4_DebugPutString("kernel-tests: TLS block too small\n");
        seL4_DebugHalt();
    }
    kt_memset(block, 0, size);
    kt_memcpy(block, __tdata_start, tdata);
}

static bool known_failing(const char *name)
{
    for (int i = 0; kt_known_failing[i] != NULL; i++) {
        if (kt_strcmp(kt_known_failing[i], name) == 0) {
            return true;
        }
    }
    return false;
}

void kt_root_main(const seL4_BootInfo *bi);
void kt_root_main(const seL4_BootInfo *bi)
{
    kt_tls_init(root_tls, sizeof(root_tls));
    __asm__ volatile("mv tp, %0" : : "r"(root_tls) : "memory");
    seL4_SetIPCBuffer(bi->ipcBuffer);
    seL4_InitBootInfo((seL4_BootInfo *)bi);
    kt_env_init(bi);

    int passed = 0, failed = 0, skipped = 0;
    for (const kt_test_t *t = __kt_tests_start; t < __kt_tests_end; t++) {
        if (known_failing(t->name)) {
            kt_printf("SKIP %s\n", t->name);
            skipped++;
            continue;
        }
        fail_flag = false;
        fail_msg[0] = '\0';
        t->fn();
        char why[160];
        if (kt_env_reset(why, sizeof(why)) != 0 && !fail_flag) {
            fail_flag = true;
            kt_snprintf(fail_msg, sizeof(fail_msg), "cleanup after the test: %s", why);
        }
        if (fail_flag) {
            kt_printf("FAIL %s: %s\n", t->name, fail_msg);
            failed++;
        } else {
            kt_printf("PASS %s\n", t->name);
            passed++;
        }
    }
    if (skipped > 0) {
        kt_printf("kernel-tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    } else {
        kt_printf("kernel-tests: %d passed, %d failed\n", passed, failed);
    }
    seL4_DebugHalt();
    for (;;) {
    }
}
