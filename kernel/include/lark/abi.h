/* The user-visible ABI numbers of seL4 16.0.0 MCS riscv64 (../shared/spec/abi.md) plus the
 * LarkOS extensions (kernel/README.md lists every extension number). */
#ifndef LARK_ABI_H
#define LARK_ABI_H
#include "types.h"

/* Section 1: system calls (a7). */
enum syscall_no {
    SYS_CALL = -1, SYS_REPLY_RECV = -2, SYS_NB_SEND_RECV = -3, SYS_NB_SEND_WAIT = -4,
    SYS_SEND = -5, SYS_NB_SEND = -6, SYS_RECV = -7, SYS_NB_RECV = -8, SYS_WAIT = -9,
    SYS_NB_WAIT = -10, SYS_YIELD = -11,
    SYS_DEBUG_PUTCHAR = -12, SYS_DEBUG_DUMP_SCHEDULER = -13, SYS_DEBUG_HALT = -14,
    SYS_DEBUG_CAP_IDENTIFY = -15, SYS_DEBUG_SNAPSHOT = -16, SYS_DEBUG_NAME_THREAD = -17,
    SYS_SET_TLS_BASE = -33,
    /* LarkOS extensions */
    SYS_LARK_DEBUG_DUMP_CNODE = -64,
    SYS_LARK_CHECK_INVARIANTS = -65, /* a0 = 0 if every kernel invariant holds */
};

/* Section 2: message info. */
#define MSG_MAX_LENGTH 120
#define MSG_MAX_EXTRA_CAPS 3
static inline word_t msginfo_label(word_t mi) { return mi >> 12; }
static inline word_t msginfo_caps_unwrapped(word_t mi) { return (mi >> 9) & 7; }
static inline word_t msginfo_extra_caps(word_t mi) { return (mi >> 7) & 3; }
static inline word_t msginfo_length(word_t mi) { return mi & 0x7f; }
static inline word_t msginfo_new(word_t label, word_t unwrapped, word_t extra, word_t length)
{
    return (label << 12) | ((unwrapped & 7) << 9) | ((extra & 3) << 7) | (length & 0x7f);
}

/* Capability rights (seL4_CapRights word). */
#define RIGHT_WRITE BIT(0)
#define RIGHT_READ BIT(1)
#define RIGHT_GRANT BIT(2)
#define RIGHT_GRANT_REPLY BIT(3)
#define RIGHTS_ALL 0xfULL

/* CNode cap data (guard word) */
static inline word_t capdata_guard_size(word_t d) { return d & 0x3f; }
static inline word_t capdata_guard(word_t d) { return d >> 6; }

/* IPC buffer word offsets */
#define IPCBUF_SIZE_BITS 10
#define IPCBUF_TAG 0
#define IPCBUF_MSG 1
#define IPCBUF_USER_DATA 121
#define IPCBUF_CAPS_OR_BADGES 122
#define IPCBUF_RECEIVE_CNODE 125
#define IPCBUF_RECEIVE_INDEX 126
#define IPCBUF_RECEIVE_DEPTH 127
#define MSG_REGISTERS_IN_CPU 4 /* MR0..MR3 travel in a2..a5 */

/* Section 3: object types (seL4_ObjectType). */
enum object_type {
    OBJ_UNTYPED = 0, OBJ_TCB = 1, OBJ_ENDPOINT = 2, OBJ_NOTIFICATION = 3, OBJ_CNODE = 4,
    OBJ_SCHED_CONTEXT = 5, OBJ_REPLY = 6, OBJ_GIGA_PAGE = 7, OBJ_4K_PAGE = 8,
    OBJ_MEGA_PAGE = 9, OBJ_PAGE_TABLE = 10, OBJ_TYPE_COUNT = 11,
};
#define TCB_SIZE_BITS 11
#define ENDPOINT_SIZE_BITS 4
#define NOTIFICATION_SIZE_BITS 6
#define SLOT_SIZE_BITS 5
#define REPLY_SIZE_BITS 5
#define SCHED_CONTEXT_MIN_BITS 7
#define SCHED_CONTEXT_MAX_BITS 38 /* our choice: the untyped maximum */
#define PAGE_BITS 12
#define MEGA_PAGE_BITS 21
#define GIGA_PAGE_BITS 30
#define PAGE_TABLE_BITS 12
#define UNTYPED_MIN_BITS 4
#define UNTYPED_MAX_BITS 38
#define ASID_POOL_BITS 12
#define ASID_POOL_INDEX_BITS 9  /* 512 entries per pool */
#define ASID_HIGH_BITS 7        /* 2^7 pools */
#define ASID_BITS (ASID_POOL_INDEX_BITS + ASID_HIGH_BITS)
#define USER_TOP 0x3ffffff000ULL
#define RETYPE_FAN_OUT_LIMIT 256
#define ROOT_CNODE_SIZE_BITS 12
#define MAX_BOOTINFO_UNTYPEDS 230
#define NUM_PRIORITIES 256
#define MAX_PRIO 255
#define VM_ATTR_EXECUTE_NEVER BIT(0)

/* Section 4: invocation labels. */
enum invocation_label {
    INV_INVALID = 0,
    UNTYPED_RETYPE = 1,
    TCB_READ_REGISTERS, TCB_WRITE_REGISTERS, TCB_COPY_REGISTERS, TCB_CONFIGURE,
    TCB_SET_PRIORITY, TCB_SET_MC_PRIORITY, TCB_SET_SCHED_PARAMS, TCB_SET_TIMEOUT_ENDPOINT,
    TCB_SET_IPC_BUFFER, TCB_SET_SPACE, TCB_SUSPEND, TCB_RESUME, TCB_BIND_NOTIFICATION,
    TCB_UNBIND_NOTIFICATION, TCB_SET_TLS_BASE, TCB_SET_FLAGS,
    CNODE_REVOKE = 18, CNODE_DELETE, CNODE_CANCEL_BADGED_SENDS, CNODE_COPY, CNODE_MINT,
    CNODE_MOVE, CNODE_MUTATE, CNODE_ROTATE,
    IRQ_ISSUE_IRQ_HANDLER = 26, IRQ_ACK_IRQ, IRQ_SET_IRQ_HANDLER, IRQ_CLEAR_IRQ_HANDLER,
    DOMAIN_SET_SET = 30, DOMAIN_SCHEDULE_CONFIGURE, DOMAIN_SCHEDULE_SET_START,
    SCHED_CONTROL_CONFIGURE_FLAGS = 33, SCHED_CONTEXT_BIND, SCHED_CONTEXT_UNBIND,
    SCHED_CONTEXT_UNBIND_OBJECT, SCHED_CONTEXT_CONSUMED, SCHED_CONTEXT_YIELD_TO,
    RISCV_PAGE_TABLE_MAP = 39, RISCV_PAGE_TABLE_UNMAP, RISCV_PAGE_MAP, RISCV_PAGE_UNMAP,
    RISCV_PAGE_GET_ADDRESS, RISCV_ASID_CONTROL_MAKE_POOL, RISCV_ASID_POOL_ASSIGN,
    RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER = 46,
    /* LarkOS extensions */
    LARK_UNTYPED_DESCRIBE = 0x4C00,
};

/* Section 5: errors (reply label). */
enum syscall_error_type {
    ERR_NONE = 0, ERR_INVALID_ARGUMENT = 1, ERR_INVALID_CAPABILITY = 2,
    ERR_ILLEGAL_OPERATION = 3, ERR_RANGE = 4, ERR_ALIGNMENT = 5, ERR_FAILED_LOOKUP = 6,
    ERR_TRUNCATED_MESSAGE = 7, ERR_DELETE_FIRST = 8, ERR_REVOKE_FIRST = 9,
    ERR_NOT_ENOUGH_MEMORY = 10,
};
enum lookup_failure_type {
    LOOKUP_NONE = 0, LOOKUP_INVALID_ROOT = 1, LOOKUP_MISSING_CAPABILITY = 2,
    LOOKUP_DEPTH_MISMATCH = 3, LOOKUP_GUARD_MISMATCH = 4,
};

/* Section 6: fault labels. */
enum fault_label {
    FAULT_NULL = 0, FAULT_CAP = 1, FAULT_UNKNOWN_SYSCALL = 2, FAULT_USER_EXCEPTION = 3,
    FAULT_TIMEOUT = 5, FAULT_VM = 6,
};

/* Section 7: initial CNode slots. */
enum root_slot {
    SLOT_NULL = 0, SLOT_INIT_TCB = 1, SLOT_INIT_CNODE = 2, SLOT_INIT_VSPACE = 3,
    SLOT_IRQ_CONTROL = 4, SLOT_ASID_CONTROL = 5, SLOT_INIT_ASID_POOL = 6,
    SLOT_IO_PORT_CONTROL = 7, SLOT_IO_SPACE = 8, SLOT_BOOTINFO_FRAME = 9,
    SLOT_INIT_IPC_BUFFER = 10, SLOT_DOMAIN = 11, SLOT_SMMU_SID_CONTROL = 12,
    SLOT_SMMU_CB_CONTROL = 13, SLOT_INIT_SC = 14, SLOT_SMC = 15, SLOT_FIRST_FREE = 16,
};

struct slot_region { word_t start, end; }; /* end exclusive */
struct untyped_desc {
    word_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t padding[6];
};
struct bootinfo {
    word_t extra_len, node_id, num_nodes, num_io_pt_levels;
    word_t ipc_buffer; /* user pointer */
    struct slot_region empty, shared_frames, user_image_frames, user_image_paging,
        io_space_caps, extra_bi_pages;
    word_t init_thread_cnode_size_bits, init_thread_domain;
    struct slot_region schedcontrol, untyped;
    struct untyped_desc untyped_list[MAX_BOOTINFO_UNTYPEDS];
};
_Static_assert(sizeof(struct bootinfo) <= 4096, "BootInfo fits one page");

struct bootinfo_header { word_t id, len; }; /* len includes this header */
#define BOOTINFO_ID_PADDING 0
#define BOOTINFO_ID_FDT 6
#define BOOTINFO_ID_LARK 0x4C4B
struct bootinfo_lark {                      /* payload of chunk BOOTINFO_ID_LARK */
    word_t version;                         /* 1 */
    word_t kernel_reserved_bytes;
    struct slot_region tainted;             /* sub-range of bootinfo.untyped */
};

/* seL4_UserContext order for TCB Read/WriteRegisters */
#define USER_CONTEXT_WORDS 32

#endif
