# Shared settings for code that runs on the riscv64 target (QEMU virt).
# Included by the folder Makefiles; TOP must be set to the repository root before including.
CROSS      ?= riscv64-unknown-elf-
TCC        := $(CROSS)gcc
TAR        := $(CROSS)ar
TOBJCOPY   := $(CROSS)objcopy
TSIZE      := $(CROSS)size
BUILD      ?= $(TOP)/build

# User programs: rv64gc with the hard-float ABI (the default multilib of Debian's toolchain,
# which picolibc is built for). The kernel overrides ARCH_FLAGS with its own (no FPU in C).
TARGET_ARCH_FLAGS ?= -march=rv64imafdc_zicsr_zifencei -mabi=lp64d -mcmodel=medany
TARGET_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-common \
                 -fno-stack-protector -fno-pic -fno-pie $(TARGET_ARCH_FLAGS)
TARGET_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none
PICOLIBC_SPECS := --specs=picolibc.specs
