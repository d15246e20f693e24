/* The LarkOS capDL-style system spec: the binary that lark-compose writes and the root server
 * instantiates. Little-endian, every table 8-byte aligned, all offsets from the start of the
 * spec. Version 1. See docs/composition.md for how a root server is meant to use it.
 *
 * This header is shared by the host composer and the freestanding root server: it uses only
 * <stdint.h>, <stddef.h> and <stdbool.h>. */
#ifndef LARK_SPEC_H
#define LARK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LARK_SPEC_MAGIC         0x434550534b52414cULL /* the bytes "LARKSPEC" */
#define LARK_SPEC_VERSION_MAJOR 1u                     /* readers refuse another major */
#define LARK_SPEC_VERSION_MINOR 0u
#define LARK_SPEC_NONE          0xffffffffu            /* "no object / no entry" index */

/* Object types are seL4's riscv64 Sv39 type ids (abi.md section 3), so the root server can pass
 * them to seL4_Untyped_Retype unchanged. */
enum lark_spec_obj_type {
    LARK_OBJ_UNTYPED = 0,
    LARK_OBJ_TCB = 1,
    LARK_OBJ_ENDPOINT = 2,
    LARK_OBJ_NOTIFICATION = 3,
    LARK_OBJ_CNODE = 4,
    LARK_OBJ_SCHED_CONTEXT = 5,
    LARK_OBJ_REPLY = 6,
    LARK_OBJ_GIGA_PAGE = 7,
    LARK_OBJ_FRAME = 8, /* 4 KiB page */
    LARK_OBJ_MEGA_PAGE = 9,
    LARK_OBJ_PAGE_TABLE = 10,
    LARK_OBJ_TYPE_COUNT = 11
};

enum lark_spec_obj_flags {
    LARK_OBJF_DEVICE = 1u << 0, /* a device frame at paddr: from a device untyped, never zeroed */
};

struct lark_spec_object {
    uint32_t type;      /* enum lark_spec_obj_type */
    uint32_t size_bits; /* CNode: log2 slots; SchedContext: log2 bytes; else the type's fixed size */
    uint32_t flags;     /* enum lark_spec_obj_flags */
    uint32_t name;      /* offset in the string table */
    uint64_t paddr;     /* device frames only, else 0 */
    uint32_t component; /* owning component index, or LARK_SPEC_NONE for shared objects */
    uint32_t reserved;  /* 0 */
};

/* What a cap points at. OBJECT caps name an object index; the others are kernel authority the
 * root server holds from boot (abi.md section 7) and copies. */
enum lark_spec_cap_kind {
    LARK_CAP_OBJECT = 0,
    LARK_CAP_IRQ_HANDLER = 1,   /* target = irq table index */
    LARK_CAP_ASID_POOL = 2,     /* seL4_CapInitThreadASIDPool */
    LARK_CAP_SCHED_CONTROL = 3, /* BootInfo schedcontrol */
    LARK_CAP_DOMAIN = 4,        /* seL4_CapDomain */
    LARK_CAP_KIND_COUNT = 5
};

/* Rights use seL4_CapRights bit positions (abi.md section 2). */
enum lark_spec_rights {
    LARK_RIGHT_WRITE = 1u << 0,
    LARK_RIGHT_READ = 1u << 1,
    LARK_RIGHT_GRANT = 1u << 2,
    LARK_RIGHT_GRANT_REPLY = 1u << 3,
    LARK_RIGHTS_ALL = 0xfu
};

struct lark_spec_cap {
    uint32_t cnode;  /* object index of the CNode the cap goes in */
    uint32_t slot;   /* slot in that CNode (depth = the CNode's size_bits) */
    uint32_t kind;   /* enum lark_spec_cap_kind */
    uint32_t target; /* object index (OBJECT) or irq index (IRQ_HANDLER); else LARK_SPEC_NONE */
    uint32_t rights; /* enum lark_spec_rights */
    uint32_t reserved;
    uint64_t badge;  /* 0 = unbadged */
};

enum lark_spec_map_kind {
    LARK_MAP_FRAME = 0,      /* map a 4 KiB frame at vaddr */
    LARK_MAP_PAGE_TABLE = 1, /* map a page table covering vaddr at `level` */
};

enum lark_spec_map_attrs {
    LARK_MAPA_EXECUTE_NEVER = 1u << 0, /* seL4 RISC-V VM attribute bit0 */
};

struct lark_spec_mapping {
    uint32_t kind;   /* enum lark_spec_map_kind */
    uint32_t vspace; /* object index of the root page table */
    uint32_t object; /* frame or page table object index */
    uint32_t rights; /* frames: READ/WRITE bits */
    uint32_t attrs;  /* enum lark_spec_map_attrs */
    uint32_t level;  /* page tables: 1 = covers 1 GiB (hangs off the root), 2 = covers 2 MiB */
    uint64_t vaddr;
};

/* Bytes to copy into a frame before it is mapped: a range of a component's ELF file. Frames
 * with no fill are zero (fresh from Retype). */
struct lark_spec_fill {
    uint32_t frame;       /* object index */
    uint32_t component;   /* whose ELF file */
    uint32_t frame_offset;/* where in the frame the bytes start */
    uint32_t length;      /* bytes; frame_offset + length <= 4096 */
    uint64_t file_offset; /* offset in the ELF file */
};

struct lark_spec_thread {
    uint32_t component;
    uint32_t name;       /* string table offset */
    uint32_t tcb, sc, reply, ipc_buffer_frame; /* object indexes */
    uint32_t bound_notification;               /* object index or LARK_SPEC_NONE */
    uint32_t priority, mcp;
    uint32_t sc_size_bits;
    uint64_t budget_us, period_us;
    uint64_t entry, stack_top, ipc_buffer; /* virtual addresses */
    uint64_t arg0;                         /* a0 at start: the thread's index in its component */
};

/* Every IRQ badge carries this bit besides the IRQ's own bit. Client badges stay below 2^60, so
 * a thread that receives on an endpoint and has a bound IRQ notification can tell the two apart
 * by the badge alone (seL4 leaves the message info undefined on a notification delivery). */
#define LARK_SPEC_IRQ_BADGE_MARK (1ULL << 63)

struct lark_spec_irq {
    uint32_t irq;          /* PLIC source number */
    uint32_t trigger;      /* 0 level, 1 edge */
    uint32_t notification; /* object index the handler signals */
    uint32_t component;
    uint64_t badge;        /* LARK_SPEC_IRQ_BADGE_MARK | one bit per IRQ of the thread */
};

enum lark_spec_comp_flags {
    LARK_COMPF_MEMORY_MANAGER = 1u << 0, /* receives all remaining untyped + the holding CNode */
};

struct lark_spec_component {
    uint32_t name;         /* string table offset */
    uint32_t elf;          /* string table offset of the ELF's file name (basename) */
    uint32_t cnode, vspace;/* object indexes */
    uint32_t first_thread, thread_count;
    uint32_t flags;        /* enum lark_spec_comp_flags */
    uint32_t first_free_slot; /* first CNode slot the composer did not use */
    uint64_t elf_size;     /* bytes, for checking the file the root server finds */
};

struct lark_spec_table {
    uint32_t offset; /* from the start of the spec, 8-aligned; 0 when count is 0 */
    uint32_t count;
};

struct lark_spec_header {
    uint64_t magic;           /* LARK_SPEC_MAGIC */
    uint16_t version_major, version_minor;
    uint32_t total_size;      /* bytes, header included */
    uint32_t checksum;        /* CRC-32 (IEEE) of bytes [sizeof header, total_size) */
    uint32_t header_size;     /* sizeof(struct lark_spec_header) */
    struct lark_spec_table components, objects, caps, mappings, fills, threads, irqs;
    struct lark_spec_table strings; /* count = bytes; every string NUL-terminated inside */
};

_Static_assert(sizeof(struct lark_spec_object) == 32, "object layout");
_Static_assert(sizeof(struct lark_spec_cap) == 32, "cap layout");
_Static_assert(sizeof(struct lark_spec_mapping) == 32, "mapping layout");
_Static_assert(sizeof(struct lark_spec_fill) == 24, "fill layout");
_Static_assert(sizeof(struct lark_spec_thread) == 88, "thread layout");
_Static_assert(sizeof(struct lark_spec_irq) == 24, "irq layout");
_Static_assert(sizeof(struct lark_spec_component) == 40, "component layout");
_Static_assert(sizeof(struct lark_spec_header) == 88, "header layout");

/* The reader (src/spec_reader.c, freestanding). lark_spec_open checks everything a root server
 * relies on: magic, version, sizes, checksum, every table inside the buffer and aligned, every
 * index in range, types and kinds known, slots inside their CNode, no slot filled twice,
 * mappings page-aligned and below seL4_UserTop, strings terminated. On failure it returns false
 * and *error names the first problem. */
struct lark_spec {
    const struct lark_spec_header *header;
    const struct lark_spec_component *components;
    const struct lark_spec_object *objects;
    const struct lark_spec_cap *caps;
    const struct lark_spec_mapping *mappings;
    const struct lark_spec_fill *fills;
    const struct lark_spec_thread *threads;
    const struct lark_spec_irq *irqs;
    const char *strings;
    uint32_t strings_size;
};

bool lark_spec_open(struct lark_spec *spec, const void *bytes, size_t size, const char **error);
const char *lark_spec_string(const struct lark_spec *spec, uint32_t offset);
uint32_t lark_spec_crc32(const void *bytes, size_t size);
/* Bytes of RAM the object needs (for accounting and untyped sizing); 0 for device frames. */
uint64_t lark_spec_object_bytes(const struct lark_spec_object *obj);

#define LARK_SPEC_USER_TOP 0x3ffffff000ULL /* seL4_UserTop, riscv64 Sv39 */

#endif
