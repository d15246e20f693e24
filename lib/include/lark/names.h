/* Names of ABI numbers, for messages and test output. Unknown values give "?". */
#pragma once

#include <sel4/sel4.h>

const char *lark_error_name(seL4_Word error);         /* "seL4_NoError", ... */
const char *lark_object_name(seL4_Word type);         /* "seL4_TCBObject", ... */
const char *lark_fault_name(seL4_Word fault_label);   /* "seL4_Fault_CapFault", ... */
