/* Fixed-width types of the seL4 riscv64 ABI. Freestanding: no libc header needed. */
#pragma once

typedef signed char seL4_Int8;
typedef short seL4_Int16;
typedef int seL4_Int32;
typedef long long seL4_Int64;
typedef unsigned char seL4_Uint8;
typedef unsigned short seL4_Uint16;
typedef unsigned int seL4_Uint32;
typedef unsigned long long seL4_Uint64;

typedef seL4_Int8 seL4_Bool;
typedef unsigned long seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;
typedef seL4_Word seL4_SlotPos;
typedef seL4_Uint64 seL4_Time;

#define seL4_True 1
#define seL4_False 0
#define seL4_Null ((void *)0)

/* Capability-typed aliases: seL4 code names the object a cptr designates. */
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_SchedContext;
typedef seL4_CPtr seL4_SchedControl;
typedef seL4_CPtr seL4_Endpoint;
typedef seL4_CPtr seL4_Notification;
typedef seL4_CPtr seL4_Reply;
typedef seL4_CPtr seL4_RISCV_Page;
typedef seL4_CPtr seL4_RISCV_PageTable;
typedef seL4_CPtr seL4_RISCV_ASIDControl;
typedef seL4_CPtr seL4_RISCV_ASIDPool;

_Static_assert(sizeof(seL4_Word) == 8, "riscv64 LP64: a word is 64 bits");
_Static_assert(sizeof(seL4_Uint64) == 8 && sizeof(seL4_Uint32) == 4, "fixed-width types");
