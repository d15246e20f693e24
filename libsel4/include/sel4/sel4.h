/* The seL4 16.0.0 MCS riscv64 user API: include this and seL4 code compiles unchanged. */
#pragma once

#include <sel4/types.h>
#include <sel4/bootinfo.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>
#include <sel4/client.h>
