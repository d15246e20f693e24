/* Words and structures shared by user and kernel (abi.md 2): message info, cap rights, the
 * CNode guard word, the IPC buffer and the register file of ReadRegisters/WriteRegisters. */
#pragma once

#include <sel4/simple_types.h>
#include <sel4/constants.h>

/* ---- seL4_MessageInfo: label [63:12], capsUnwrapped [11:9], extraCaps [8:7], length [6:0] */
typedef struct seL4_MessageInfo {
    seL4_Uint64 words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Uint64 label, seL4_Uint64 capsUnwrapped,
                                                      seL4_Uint64 extraCaps, seL4_Uint64 length)
{
    seL4_MessageInfo_t info;
    info.words[0] = ((label & 0xfffffffffffffull) << 12) | ((capsUnwrapped & 0x7ull) << 9) |
                    ((extraCaps & 0x3ull) << 7) | (length & 0x7full);
    return info;
}

#define LARK_BITFIELD_ACCESSORS(type, field, shift, mask)                                     \
    static inline seL4_Uint64 type##_get_##field(type##_t v)                                  \
    {                                                                                          \
        return (v.words[0] >> (shift)) & (mask);                                               \
    }                                                                                          \
    static inline type##_t type##_set_##field(type##_t v, seL4_Uint64 x)                      \
    {                                                                                          \
        v.words[0] = (v.words[0] & ~((seL4_Uint64)(mask) << (shift))) |                       \
                     ((x & (mask)) << (shift));                                                \
        return v;                                                                              \
    }                                                                                          \
    static inline seL4_Uint64 type##_ptr_get_##field(type##_t *p)                             \
    {                                                                                          \
        return type##_get_##field(*p);                                                         \
    }                                                                                          \
    static inline void type##_ptr_set_##field(type##_t *p, seL4_Uint64 x)                     \
    {                                                                                          \
        *p = type##_set_##field(*p, x);                                                        \
    }

LARK_BITFIELD_ACCESSORS(seL4_MessageInfo, label, 12, 0xfffffffffffffull)
LARK_BITFIELD_ACCESSORS(seL4_MessageInfo, capsUnwrapped, 9, 0x7ull)
LARK_BITFIELD_ACCESSORS(seL4_MessageInfo, extraCaps, 7, 0x3ull)
LARK_BITFIELD_ACCESSORS(seL4_MessageInfo, length, 0, 0x7full)

/* ---- seL4_CapRights: bit0 Write, bit1 Read, bit2 Grant, bit3 GrantReply */
typedef struct seL4_CapRights {
    seL4_Uint64 words[1];
} seL4_CapRights_t;

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Uint64 capAllowGrantReply, seL4_Uint64 capAllowGrant,
                                                  seL4_Uint64 capAllowRead, seL4_Uint64 capAllowWrite)
{
    seL4_CapRights_t r;
    r.words[0] = ((capAllowGrantReply & 1ull) << 3) | ((capAllowGrant & 1ull) << 2) |
                 ((capAllowRead & 1ull) << 1) | (capAllowWrite & 1ull);
    return r;
}

LARK_BITFIELD_ACCESSORS(seL4_CapRights, capAllowGrantReply, 3, 1ull)
LARK_BITFIELD_ACCESSORS(seL4_CapRights, capAllowGrant, 2, 1ull)
LARK_BITFIELD_ACCESSORS(seL4_CapRights, capAllowRead, 1, 1ull)
LARK_BITFIELD_ACCESSORS(seL4_CapRights, capAllowWrite, 0, 1ull)

#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_CanGrant seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanRead seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite seL4_CapRights_new(0, 0, 0, 1)
#define seL4_ReadWrite seL4_CapRights_new(0, 0, 1, 1)
#define seL4_AllRights seL4_CapRights_new(1, 1, 1, 1)
#define seL4_NoWrite seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead seL4_CapRights_new(1, 1, 0, 1)
#define seL4_NoRights seL4_CapRights_new(0, 0, 0, 0)

/* ---- seL4_CNode_CapData (the guard word): guardSize [5:0], guard [63:6] */
typedef struct seL4_CNode_CapData {
    seL4_Uint64 words[1];
} seL4_CNode_CapData_t;

static inline seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Uint64 guard, seL4_Uint64 guardSize)
{
    seL4_CNode_CapData_t d;
    d.words[0] = ((guard & 0x3ffffffffffffffull) << 6) | (guardSize & 0x3full);
    return d;
}

LARK_BITFIELD_ACCESSORS(seL4_CNode_CapData, guard, 6, 0x3ffffffffffffffull)
LARK_BITFIELD_ACCESSORS(seL4_CNode_CapData, guardSize, 0, 0x3full)

#undef LARK_BITFIELD_ACCESSORS

/* ---- IPC buffer: 1024 bytes, 1024-aligned (abi.md 2) */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(sizeof(struct seL4_IPCBuffer_))));

/* ---- Register file in Read/WriteRegisters order (abi.md 2) */
typedef struct seL4_UserContext_ {
    seL4_Word pc, ra, sp, gp;
    seL4_Word s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
    seL4_Word a0, a1, a2, a3, a4, a5, a6, a7;
    seL4_Word t0, t1, t2, t3, t4, t5, t6;
    seL4_Word tp;
} seL4_UserContext;

/* ---- VM attributes for Page_Map / PageTable_Map (abi.md 3) */
typedef enum {
    seL4_RISCV_ExecuteNever = 0x1,
    seL4_RISCV_Default_VMAttributes = 0,
} seL4_RISCV_VMAttributes;
