#include <lark/names.h>

#define NAME_OF(table, i) ((i) < sizeof(table) / sizeof(table[0]) && (table)[i] != NULL ? (table)[i] : "?")

const char *lark_error_name(seL4_Word error)
{
    static const char *const names[] = {
        [seL4_NoError] = "seL4_NoError",
        [seL4_InvalidArgument] = "seL4_InvalidArgument",
        [seL4_InvalidCapability] = "seL4_InvalidCapability",
        [seL4_IllegalOperation] = "seL4_IllegalOperation",
        [seL4_RangeError] = "seL4_RangeError",
        [seL4_AlignmentError] = "seL4_AlignmentError",
        [seL4_FailedLookup] = "seL4_FailedLookup",
        [seL4_TruncatedMessage] = "seL4_TruncatedMessage",
        [seL4_DeleteFirst] = "seL4_DeleteFirst",
        [seL4_RevokeFirst] = "seL4_RevokeFirst",
        [seL4_NotEnoughMemory] = "seL4_NotEnoughMemory",
    };
    return NAME_OF(names, error);
}

const char *lark_object_name(seL4_Word type)
{
    static const char *const names[] = {
        [seL4_UntypedObject] = "seL4_UntypedObject",
        [seL4_TCBObject] = "seL4_TCBObject",
        [seL4_EndpointObject] = "seL4_EndpointObject",
        [seL4_NotificationObject] = "seL4_NotificationObject",
        [seL4_CapTableObject] = "seL4_CapTableObject",
        [seL4_SchedContextObject] = "seL4_SchedContextObject",
        [seL4_ReplyObject] = "seL4_ReplyObject",
        [seL4_RISCV_Giga_Page] = "seL4_RISCV_Giga_Page",
        [seL4_RISCV_4K_Page] = "seL4_RISCV_4K_Page",
        [seL4_RISCV_Mega_Page] = "seL4_RISCV_Mega_Page",
        [seL4_RISCV_PageTableObject] = "seL4_RISCV_PageTableObject",
    };
    return NAME_OF(names, type);
}

const char *lark_fault_name(seL4_Word fault_label)
{
    static const char *const names[] = {
        [seL4_Fault_NullFault] = "seL4_Fault_NullFault",
        [seL4_Fault_CapFault] = "seL4_Fault_CapFault",
        [seL4_Fault_UnknownSyscall] = "seL4_Fault_UnknownSyscall",
        [seL4_Fault_UserException] = "seL4_Fault_UserException",
        [seL4_Fault_Timeout] = "seL4_Fault_Timeout",
        [seL4_Fault_VMFault] = "seL4_Fault_VMFault",
    };
    return NAME_OF(names, fault_label);
}
