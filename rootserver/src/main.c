/* The LarkOS root server: instantiates the composed system from the spec linked into its own
 * image, hands all memory and authority to the memory manager, starts the components and
 * suspends itself (rootserver/README.md). */
#include "rootserver.h"
#include <lark/lark_sel4.h>
#include <lark/names.h>
#include <lark/print.h>
#include <lark/runtime.h>

/* Guest instructions so far (the host model in tests/system has no such counter). */
static inline uint64_t instret(void)
{
    uint64_t v = 0;
#if defined(__riscv)
    __asm__ volatile("rdinstret %0" : "=r"(v));
#endif
    return v;
}

struct rs rs;

/* The machine halts: a half-built system must not run. */
static _Noreturn void stop(void)
{
    lark_printf(rs.threads_started ? "rootserver: stopped, threads were resumed already\n"
                                   : "rootserver: stopped, nothing started\n");
    lark_exit(1);
}

_Noreturn void rs_fail(const char *what, const char *why)
{
    lark_printf("rootserver: error: %s: %s\n", what, why);
    stop();
}

void rs_check(seL4_Error err, const char *what, const char *name)
{
    if (err != seL4_NoError) {
        lark_printf("rootserver: error: %s %s: %s (MR0 %lx)\n", what, name, lark_error_name(err),
                    (unsigned long)seL4_GetMR(0));
        stop();
    }
}

static void read_boot_facts(void)
{
    const lark_bootinfo_lark_t *lark = lark_bootinfo_find_lark(rs.bi);
    if (lark == NULL) {
        rs_fail("boot info", "no LarkOS chunk (0x4C4B): cannot tell the tainted untypeds");
    }
    rs.tainted_start = lark->tainted.start;
    rs.tainted_end = lark->tainted.end;
    rs.kernel_reserved_bytes = lark->kernelReservedBytes;
    for (seL4_CPtr s = rs.tainted_start; s < rs.tainted_end; s++) {
        if (s < rs.bi->untyped.start || s >= rs.bi->untyped.end) {
            rs_fail("boot info", "tainted slot outside the untyped range");
        }
        rs.tainted_bytes += 1ULL << rs.bi->untypedList[s - rs.bi->untyped.start].sizeBits;
    }
    lark_printf("rootserver: boot info: %lu untypeds, %lu tainted (%lu bytes), %lu free slots, "
                "kernel reserves %lu bytes\n",
                (unsigned long)(rs.bi->untyped.end - rs.bi->untyped.start),
                (unsigned long)(rs.tainted_end - rs.tainted_start), (unsigned long)rs.tainted_bytes,
                (unsigned long)(rs.bi->empty.end - rs.bi->empty.start), (unsigned long)rs.kernel_reserved_bytes);
}

static void open_spec(void)
{
    uint64_t size;
    const void *bytes = archive_spec(&size);
    const char *error = "?";
    if (!lark_spec_open(&rs.spec, bytes, size, &error)) {
        lark_printf("rootserver: bad spec (%lu bytes): %s\n", (unsigned long)size, error);
        rs_fail("spec", "refused, nothing created");
    }
    const struct lark_spec_header *h = rs.spec.header;
    lark_printf("rootserver: spec %lu bytes: %u components, %u objects, %u caps, %u mappings, %u fills, "
                "%u threads, %u irqs\n",
                (unsigned long)size, h->components.count, h->objects.count, h->caps.count, h->mappings.count,
                h->fills.count, h->threads.count, h->irqs.count);
    for (uint32_t c = 0; c < h->components.count; c++) {
        const struct lark_spec_component *comp = &rs.spec.components[c];
        uint64_t elf_size = 0;
        const char *elf = lark_spec_string(&rs.spec, comp->elf);
        if (archive_find(elf, &elf_size) == NULL || elf_size != comp->elf_size) {
            lark_printf("rootserver: component %s: ELF %s missing or not %lu bytes\n",
                        lark_spec_string(&rs.spec, comp->name), elf, (unsigned long)comp->elf_size);
            rs_fail("spec", "the archive does not match it, nothing created");
        }
        lark_printf("rootserver: component %s: %s %lu bytes, %u thread(s)%s\n",
                    lark_spec_string(&rs.spec, comp->name), elf, (unsigned long)elf_size, comp->thread_count,
                    (comp->flags & LARK_COMPF_MEMORY_MANAGER) ? ", memory manager" : "");
    }
}

int main(void)
{
    uint64_t start = instret();
    rs.bi = seL4_GetBootInfo();
    lark_printf("rootserver: LarkOS root server (instret %lu)\n", (unsigned long)start);
    read_boot_facts();
    open_spec();
    pool_init();
    build_objects();
    lark_printf("rootserver: created %u objects (%lu bytes of RAM) in %u untypeds\n",
                rs.spec.header->objects.count, (unsigned long)rs.component_bytes, pool_untypeds_used());
    build_irqs();
    build_vspaces();
    build_caps();
    build_threads();
    lark_printf("rootserver: %u IRQs bound, %u mappings, %u caps placed, %u threads configured, "
                "%lu root slots used\n",
                rs.spec.header->irqs.count, rs.spec.header->mappings.count, rs.spec.header->caps.count,
                rs.spec.header->threads.count, (unsigned long)slots_used());
    handoff_and_start();
    lark_printf("rootserver: components started after %lu instructions, suspending\n",
                (unsigned long)(instret() - start));
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    rs_fail("suspend", "the root server still runs after suspending itself");
}
