/* Thread-local storage blocks. RISC-V uses TLS variant I with no gap: tp points at the start
 * of the block, which holds the .tdata image followed by zeroed .tbss; the linker's offsets
 * are relative to that start. lib/user.ld defines the symbols below. */
#include <lark/runtime.h>
#include <stdint.h>
#include <lark/string.h>

extern char __tls_start[];       /* the .tdata image in the program */
extern char __tdata_end[];
extern char __tls_block_size[];  /* absolute symbols: values, not addresses */
extern char __tls_align[];

static uintptr_t current_tp(void)
{
    uintptr_t tp;
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    return tp;
}

seL4_Word lark_tls_region_bytes(void)
{
    return (seL4_Word)(uintptr_t)__tls_block_size + (seL4_Word)(uintptr_t)__tls_align;
}

/* Builds a block; returns its base. Used for the main thread before tp is valid. */
seL4_Word lark_tls_build(void *region, seL4_Word bytes)
{
    uintptr_t align = (uintptr_t)__tls_align;
    uintptr_t size = (uintptr_t)__tls_block_size;
    uintptr_t tdata = (uintptr_t)(__tdata_end - __tls_start);
    uintptr_t start = (uintptr_t)region;
    uintptr_t base = (start + align - 1) & ~(align - 1);
    if (base < start || base - start > bytes || bytes - (base - start) < size) {
        return 0;
    }
    memcpy((void *)base, __tls_start, tdata);
    memset((void *)(base + tdata), 0, size - tdata);
    return base;
}

seL4_Word lark_thread_tls_init(void *region, seL4_Word bytes, seL4_IPCBuffer *ipc_buffer)
{
    seL4_Word base = lark_tls_build(region, bytes);
    if (base == 0) {
        return 0;
    }
    /* The variable sits at the same offset from tp in every block. */
    uintptr_t offset = (uintptr_t)&__sel4_ipc_buffer - current_tp();
    memcpy((void *)(base + offset), &ipc_buffer, sizeof ipc_buffer);
    return base;
}
