/* The kernel configuration this libsel4 speaks (abi.md): the CONFIG_* names seL4's generated
 * autoconf.h defines, so seL4 code that tests them compiles unchanged. */
#pragma once

#define CONFIG_ARCH_RISCV 1
#define CONFIG_ARCH_RISCV64 1
#define CONFIG_SEL4_ARCH "riscv64"
#define CONFIG_WORD_SIZE 64
#define CONFIG_PT_LEVELS 3
#define CONFIG_KERNEL_MCS 1
#define CONFIG_HAVE_FPU 1
#define CONFIG_RISCV_EXT_F 1
#define CONFIG_RISCV_EXT_D 1
#define CONFIG_PRINTING 1
#define CONFIG_DEBUG_BUILD 1
#define CONFIG_FASTPATH 1
#define CONFIG_MAX_NUM_NODES 1
#define CONFIG_NUM_PRIORITIES 256
#define CONFIG_NUM_DOMAINS 1
#define CONFIG_ROOT_CNODE_SIZE_BITS 12
#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS 230
#define CONFIG_RETYPE_FAN_OUT_LIMIT 256
#define CONFIG_SET_TLS_BASE_SELF 1
#define CONFIG_MAX_NUM_TRACE_POINTS 0
