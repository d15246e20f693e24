/* The system description in memory, as parsed from the XML and completed by layout. */
#ifndef COMPOSE_MODEL_H
#define COMPOSE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_NAME 64
#define MAX_PATH_LEN 512
#define MAX_COMPONENTS 64
#define MAX_THREADS 8     /* per component */
#define MAX_CLIENTS 32    /* per RPC / notification */
#define MAX_SIDES 8       /* per shared region */
#define MAX_ITEMS 128     /* per kind of connection */

enum held_cap { HOLD_UNTYPED, HOLD_ASID_POOL, HOLD_SCHED_CONTROL, HOLD_DOMAIN, HOLD_COUNT };
extern const char *const held_cap_names[HOLD_COUNT];

struct thread_desc {
    char name[MAX_NAME];
    char entry[MAX_NAME]; /* ELF symbol; empty for the main thread (ELF entry point) */
    unsigned priority;
    uint64_t budget_us, period_us;
    int line;
    /* filled by layout */
    uint64_t entry_addr, stack_top, ipc_buffer;
    bool has_irqs;
    uint32_t slot_tcb, slot_sc, slot_reply, slot_irq_ntfn;
};

struct component {
    char name[MAX_NAME];
    char program[MAX_PATH_LEN];
    unsigned priority;
    uint64_t budget_us, period_us, stack_size;
    unsigned cnode_bits;
    bool memory_manager;
    bool holds[HOLD_COUNT];
    int hold_line[HOLD_COUNT];
    int nthreads;
    struct thread_desc threads[MAX_THREADS];
    int line;
    /* filled by layout */
    uint32_t first_free_slot;
    uint32_t hold_slot[HOLD_COUNT]; /* untyped: none, the root server appends them at first_free_slot */
};

struct interface {
    char name[MAX_NAME];
    char header[MAX_PATH_LEN]; /* as written (relative to the description's folder) */
    char header_path[MAX_PATH_LEN]; /* resolved, absolute: for opening */
    char header_shown[MAX_PATH_LEN]; /* relative to where the composer runs: for messages */
    bool carries_caps; /* from the header: some request sends a capability */
    int line;
};

struct endpoint_user { /* a client of an RPC or a signaller of a notification */
    int component;
    uint64_t badge;
    int line;
    uint32_t slot; /* filled by layout */
};

struct rpc {
    char name[MAX_NAME];
    int interface;
    int server, server_thread;
    int nclients;
    struct endpoint_user clients[MAX_CLIENTS];
    int line;
    uint32_t server_slot;
    uint32_t recv_slot; /* empty slot where capabilities sent to the server arrive */
};

struct notification {
    char name[MAX_NAME];
    int waiter, waiter_thread;
    int nsignallers;
    struct endpoint_user signallers[MAX_CLIENTS];
    int line;
    uint32_t waiter_slot;
};

struct region_side {
    int component;
    unsigned rights; /* LARK_RIGHT_READ | LARK_RIGHT_WRITE */
    uint64_t vaddr;  /* 0 = let layout choose */
    int line;
};

struct shared_region {
    char name[MAX_NAME];
    uint64_t size;
    int nsides;
    struct region_side sides[MAX_SIDES];
    int line;
};

struct device {
    char name[MAX_NAME];
    uint64_t paddr, size;
    int line;
};

struct mmio {
    int device, component;
    uint64_t vaddr;
    unsigned rights;
    int line;
};

struct irq {
    char name[MAX_NAME];
    unsigned number;
    unsigned trigger; /* 0 level, 1 edge */
    int component, thread;
    int line;
    unsigned bit; /* filled by layout: badge bit in the thread's IRQ notification */
    uint32_t slot_handler;
};

enum lint_kind { LINT_ONLY_MAPS, LINT_ONLY_HOLDS, LINT_FORBID };

struct lint_rule {
    enum lint_kind kind;
    char who[MAX_NAME];   /* only: the component allowed; forbid: the caller */
    char what[MAX_NAME];  /* device name / held cap name / forbidden target component */
    int line;
};

struct system {
    char file[MAX_PATH_LEN];
    char dir[MAX_PATH_LEN];       /* the description's folder, absolute */
    char dir_shown[MAX_PATH_LEN]; /* the same as the user wrote it */
    char name[MAX_NAME];
    int ncomponents, ninterfaces, nrpcs, nnotifications, nshared, ndevices, nmmio, nirqs, nlints;
    struct component components[MAX_COMPONENTS];
    struct interface interfaces[MAX_ITEMS];
    struct rpc rpcs[MAX_ITEMS];
    struct notification notifications[MAX_ITEMS];
    struct shared_region shared[MAX_ITEMS];
    struct device devices[MAX_ITEMS];
    struct mmio mmios[MAX_ITEMS];
    struct irq irqs[MAX_ITEMS];
    struct lint_rule lints[MAX_ITEMS];
};

/* Diagnostics: every problem is printed as "file:line: message" on stderr and counted. */
void diag(const struct system *sys, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_count(void);

int find_component(const struct system *sys, const char *name);
int find_thread(const struct component *c, const char *name);
int find_interface(const struct system *sys, const char *name);
int find_device(const struct system *sys, const char *name);

/* Stages; each returns false after printing diagnostics. */
bool parse_system(struct system *sys, const char *path);
bool check_system(struct system *sys);
bool check_lints(const struct system *sys);
bool layout_system(struct system *sys);

/* Fixed virtual layout (see docs/composition.md). */
#define LAYOUT_REGION_BASE 0x40000000ULL   /* shared regions and MMIO without an explicit vaddr */
#define LAYOUT_THREAD_BASE 0x3f00000000ULL /* per thread: IPC buffer, guard page, stack */
#define LAYOUT_THREAD_STRIDE 0x2000000ULL
#define LAYOUT_STACK_OFFSET 0x2000ULL
#define LAYOUT_GUARD 0x1000ULL

/* Fixed CSpace slots of every component. */
#define SLOT_CNODE 1u
#define SLOT_VSPACE 2u
#define SLOT_THREAD_BASE 3u /* thread t: TCB 3+3t, SchedContext 4+3t, Reply 5+3t */

#endif
