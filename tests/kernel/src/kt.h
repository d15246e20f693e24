/* The kernel test framework: registration, assertions that print expected vs actual, and the
 * environment every test gets (BootInfo, a slot cursor, an untyped pool reset between tests,
 * helper threads). One image runs the tests of one test_*.c file. */
#pragma once

#include <sel4/sel4.h>
#include <lark/lark_sel4.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- registration */
typedef struct kt_test {
    const char *name;
    void (*fn)(void);
} kt_test_t;

#define KTEST(name)                                                                             \
    static void kt_fn_##name(void);                                                             \
    static const kt_test_t kt_desc_##name                                                       \
        __attribute__((used, section("kt_tests"), aligned(8))) = {#name, kt_fn_##name};        \
    static void kt_fn_##name(void)

/* ---- printing (seL4_DebugPutChar) */
void kt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- failure recording: the first failure of a test is reported, the test returns */
void kt_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool kt_failed(void);
const char *kt_err_name(seL4_Word err);

#define KT_FAIL(...)                                                                            \
    do {                                                                                        \
        kt_fail(__FILE__, __LINE__, __VA_ARGS__);                                               \
        return;                                                                                 \
    } while (0)

#define KT_EQ(actual, expected)                                                                 \
    do {                                                                                        \
        seL4_Word kt_a_ = (seL4_Word)(actual), kt_e_ = (seL4_Word)(expected);                   \
        if (kt_a_ != kt_e_)                                                                     \
            KT_FAIL("%s = 0x%lx, expected 0x%lx", #actual, kt_a_, kt_e_);                       \
    } while (0)

#define KT_NE(actual, notexpected)                                                              \
    do {                                                                                        \
        seL4_Word kt_a_ = (seL4_Word)(actual), kt_e_ = (seL4_Word)(notexpected);                \
        if (kt_a_ == kt_e_)                                                                     \
            KT_FAIL("%s = 0x%lx, expected anything else", #actual, kt_a_);                     \
    } while (0)

#define KT_TRUE(cond)                                                                           \
    do {                                                                                        \
        if (!(cond))                                                                            \
            KT_FAIL("expected %s", #cond);                                                      \
    } while (0)

#define KT_LE(actual, bound)                                                                    \
    do {                                                                                        \
        seL4_Word kt_a_ = (seL4_Word)(actual), kt_b_ = (seL4_Word)(bound);                      \
        if (kt_a_ > kt_b_)                                                                      \
            KT_FAIL("%s = %lu, expected <= %lu", #actual, kt_a_, kt_b_);                        \
    } while (0)

#define KT_GE(actual, bound)                                                                    \
    do {                                                                                        \
        seL4_Word kt_a_ = (seL4_Word)(actual), kt_b_ = (seL4_Word)(bound);                      \
        if (kt_a_ < kt_b_)                                                                      \
            KT_FAIL("%s = %lu, expected >= %lu", #actual, kt_a_, kt_b_);                        \
    } while (0)

/* An seL4_Error result compared by name. */
#define KT_ERR(call, expected)                                                                  \
    do {                                                                                        \
        seL4_Word kt_a_ = (seL4_Word)(call), kt_e_ = (seL4_Word)(expected);                     \
        if (kt_a_ != kt_e_)                                                                     \
            KT_FAIL("%s returned %s, expected %s", #call, kt_err_name(kt_a_),                   \
                    kt_err_name(kt_e_));                                                        \
    } while (0)
#define KT_OK(call) KT_ERR(call, seL4_NoError)

/* Message register i of the last reply (the error's MRs after a failed invocation). */
#define KT_MR(i, expected) KT_EQ(seL4_GetMR(i), expected)

/* A helper returning a cptr (0 = it failed and recorded why). */
#define KT_CAP(var, call)                                                                       \
    seL4_CPtr var = (call);                                                                     \
    do {                                                                                        \
        if (var == 0) {                                                                         \
            if (!kt_failed())                                                                   \
                kt_fail(__FILE__, __LINE__, "%s failed", #call);                                \
            return;                                                                             \
        }                                                                                       \
    } while (0)

/* A helper returning 0 on success (having recorded any failure itself). */
#define KT_DO(call)                                                                             \
    do {                                                                                        \
        if ((call) != 0) {                                                                      \
            if (!kt_failed())                                                                   \
                kt_fail(__FILE__, __LINE__, "%s failed", #call);                                \
            return;                                                                             \
        }                                                                                       \
    } while (0)

/* ---- environment */
#define KT_ROOT seL4_CapInitThreadCNode
#define KT_DEPTH 64

/* seL4's cap tags (what DebugCapIdentify returns for MCS riscv64). */
enum {
    KT_CAP_NULL = 0, KT_CAP_UNTYPED = 2, KT_CAP_ENDPOINT = 4, KT_CAP_NOTIFICATION = 6,
    KT_CAP_REPLY = 8, KT_CAP_CNODE = 10, KT_CAP_THREAD = 12, KT_CAP_IRQ_CONTROL = 14,
    KT_CAP_IRQ_HANDLER = 16, KT_CAP_DOMAIN = 20, KT_CAP_SCHED_CONTEXT = 22,
    KT_CAP_SCHED_CONTROL = 24, KT_CAP_FRAME = 1, KT_CAP_PAGE_TABLE = 3,
    KT_CAP_ASID_CONTROL = 11, KT_CAP_ASID_POOL = 13,
};

extern const seL4_BootInfo *kt_bi;
extern seL4_CPtr kt_pool;          /* the untyped every test allocates from (revoked after) */
extern seL4_Word kt_pool_bits;
extern seL4_Word kt_pool_paddr;

seL4_CPtr kt_slot(void);                               /* a free root CNode slot */
seL4_CPtr kt_alloc(seL4_Word type, seL4_Word size_bits); /* one object from the pool, 0 on failure */
seL4_CPtr kt_alloc_untyped(seL4_Word size_bits);
seL4_CPtr kt_sched_control(void);
seL4_Word kt_vaddr_pages(seL4_Word npages);            /* fresh virtual range in the root VSpace */
void *kt_page(void);                                   /* a new zeroed frame mapped read-write */
void *kt_page_cap(seL4_CPtr *cap);                     /* same, also giving its cap */
int kt_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
           seL4_Word attr);                            /* maps, creating page tables as needed */
seL4_CPtr kt_copy(seL4_CPtr src, seL4_CapRights_t rights);
seL4_CPtr kt_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
bool kt_slot_empty(seL4_CPtr slot);
seL4_Word kt_read_gp(void);
void kt_memset(void *p, int c, size_t n);
void kt_memcpy(void *d, const void *s, size_t n);
int kt_strcmp(const char *a, const char *b);

/* ---- helper threads in the root CSpace and VSpace (or another VSpace) */
#define KT_MAX_THREADS 8
typedef struct kt_thread kt_thread_t;
struct kt_thread {
    seL4_CPtr tcb, sc, ipc_frame;
    seL4_CPtr self;            /* its own TCB as the thread names it */
    seL4_Word ipc_vaddr;       /* the IPC buffer as the thread sees it */
    void (*fn)(kt_thread_t *);
    volatile seL4_Word arg[6];
    volatile seL4_Word result[6];
    volatile seL4_Word counter;
    volatile int started, done;
    int index;
    seL4_UserContext regs;     /* the registers the thread starts with (set by kt_thread_start) */
};

/* A TCB with an SC (budget = period = 10 ms unless changed), IPC buffer mapped in the root
 * VSpace, CSpace = root CNode, no fault handler, priority prio. Not yet running. */
int kt_thread_new(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio);
/* Same but no SC: the thread cannot run until one is bound. */
int kt_thread_new_passive(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio);
int kt_thread_start(kt_thread_t *t);
int kt_thread_set_fault_ep(kt_thread_t *t, seL4_CPtr ep, seL4_Word prio);
/* The root task runs at KT_PRIO; helpers at KT_PRIO share the CPU through Yield. Waits until
 * t->done or `rounds` yields have passed. */
#define KT_PRIO 100
bool kt_wait_done(kt_thread_t *t, int rounds);
extern kt_thread_t kt_threads[KT_MAX_THREADS];

/* ---- a second address space: a new VSpace with the image frames mapped again (shared code
 * and data), its own CNode (radix 4, guard making depth 64) and IPC buffer. */
typedef struct kt_space {
    seL4_CPtr vspace, cnode;
    seL4_Word cnode_bits;
} kt_space_t;
int kt_space_new(kt_space_t *s);
/* A thread in that space: its IPC buffer mapped there at the same vaddr as in the root. */
int kt_space_thread_new(kt_space_t *s, kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_Word prio);
/* Copy a cap of the root CNode into slot `index` of the space's CNode. */
#define KT_SPACE_SELF 1 /* a space thread's own TCB sits in slot 1 of its CNode */
int kt_space_give(kt_space_t *s, seL4_Word index, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);

/* ---- device tree (kt_fdt.c): properties of the first node whose name starts with `node` */
uint32_t kt_be32(const void *p);
int kt_fdt_prop(const void *fdt, size_t size, const char *node, const char *prop, const void **value);
int kt_fdt_reg(const void *fdt, size_t size, const char *node, seL4_Word *addr, seL4_Word *len);
int kt_fdt_irq(const void *fdt, size_t size, const char *node, seL4_Word *irq);
