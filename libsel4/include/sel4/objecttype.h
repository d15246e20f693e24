/* Object type ids for seL4_Untyped_Retype (abi.md 3). Sv39: no Tera page, so no id shift. */
#pragma once

typedef enum api_object {
    seL4_UntypedObject = 0,
    seL4_TCBObject = 1,
    seL4_EndpointObject = 2,
    seL4_NotificationObject = 3,
    seL4_CapTableObject = 4,
    seL4_SchedContextObject = 5,
    seL4_ReplyObject = 6,
    seL4_NonArchObjectTypeCount = 7,
} seL4_ObjectType;

typedef enum _mode_object {
    seL4_RISCV_Giga_Page = seL4_NonArchObjectTypeCount,
    seL4_ModeObjectTypeCount,
} seL4_ModeObjectType;

typedef enum _object {
    seL4_RISCV_4K_Page = seL4_ModeObjectTypeCount,
    seL4_RISCV_Mega_Page,
    seL4_RISCV_PageTableObject,
    seL4_ObjectTypeCount,
} seL4_ArchObjectType;

/* seL4 marks the absent Sv48 type with an impossible id. */
#define seL4_RISCV_Tera_Page 0xffffffff

typedef seL4_Word object_t;
