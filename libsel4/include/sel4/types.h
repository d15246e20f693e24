/* Every type and constant of the ABI, without the system calls (usable on the host too). */
#pragma once

#include <sel4/config.h>
#include <sel4/macros.h>
#include <sel4/simple_types.h>
#include <sel4/constants.h>
#include <sel4/errors.h>
#include <sel4/objecttype.h>
#include <sel4/shared_types.h>
#include <sel4/bootinfo_types.h>
#include <sel4/faults.h>
#include <sel4/invocation.h>
#include <sel4/syscall_numbers.h>
#include <sel4/layout_checks.h>
