/* A small model of the seL4 kernel, enough to run the root server on the host: lark_syscall is
 * answered from tables of objects and caps, so the tests can check every object, cap, mapping
 * and thread the root server made, and where each came from. Only the invocations the root
 * server uses are modelled; anything else fails the test run. */
#pragma once

#include <sel4/sel4.h>
#include <stdint.h>

#define M_MAX_OBJS 4096
#define M_ROOT_BITS 12
#define M_WINDOW 0x3000000000ULL /* the root server's fill window (rootserver/src/vmap.c) */

/* Kernel objects that are not seL4 object types. */
enum m_kind {
    MK_IRQ_CONTROL = 100,
    MK_ASID_CONTROL,
    MK_ASID_POOL,
    MK_DOMAIN,
    MK_SCHED_CONTROL,
    MK_IRQ_HANDLER,
};

struct m_cap {
    int obj;          /* -1 = empty slot */
    uint32_t rights;  /* seL4_CapRights bits */
    uint64_t badge;   /* endpoints/notifications: badge; CNodes: guard data */
    int mapped;       /* frames/page tables: mapped through this cap */
    uint64_t map_vaddr;
    int map_vspace;
};

struct m_mapping {
    int vspace, frame;
    uint64_t vaddr;
    uint32_t rights, attrs;
};

struct m_obj {
    int type;           /* seL4 type id or enum m_kind */
    unsigned size_bits; /* untyped/CNode/SC size argument */
    uint64_t paddr, bytes;
    int device, parent; /* parent untyped object, or -1 for boot untypeds */
    int tainted;        /* a boot untyped the kernel marked tainted */
    uint64_t watermark; /* untypeds */
    struct m_cap *slots;/* CNodes */
    uint8_t *data;      /* 4 KiB frames */
    int asid;           /* VSpaces: assigned to a pool */
    int pt_level;       /* page tables: 1 or 2 once mapped, or 0 */
    int irq, irq_trigger, irq_ntfn, irq_acks; uint64_t irq_badge; /* IRQ handlers */
    /* TCBs */
    int cspace, vspace, ipc_frame, sc, bound_ntfn, resumed, configured;
    uint64_t cspace_data, ipc_buffer, mcp, prio;
    seL4_UserContext regs;
    char name[64];
    /* SchedContexts */
    uint64_t budget, period;
    int sc_configured;
};

struct model {
    struct m_obj objs[M_MAX_OBJS];
    int n_objs;
    struct m_mapping maps[M_MAX_OBJS];
    int n_maps;
    int root_cnode, root_vspace;
    int suspended;       /* the root server suspended itself */
    int retypes;         /* successful Retype calls */
    int resumes;
    char out[1 << 16];   /* everything printed through DebugPutChar */
    unsigned out_len;
    const char *unmodelled; /* first invocation the model does not know, if any */
};

extern struct model M;

/* Boot state: a root CNode with the kernel caps, untypeds as listed, a BootInfo page and the
 * LarkOS chunk. Returns the BootInfo the root server reads. */
struct m_untyped { uint64_t paddr; unsigned bits; int device, tainted; uint64_t used; };
seL4_BootInfo *model_boot(const struct m_untyped *uts, int n);

/* Called when the root server suspends itself (the test's; it does not return). */
void model_root_suspended(void);

/* The cap in a CNode object's slot, or NULL. */
struct m_cap *model_slot(int cnode, uint64_t slot);
/* The boot untyped an object was ultimately retyped from. */
int model_root_untyped(int obj);
