/* Memory-management figures, measured in the root task itself: one Untyped_Retype of 256 4K
 * frames (revoked again between samples, outside the timed part), and one Page_Map of a 4K
 * frame at an address whose page tables already exist (unmapped between samples). */
#include "bench.h"

#define RETYPE_COUNT 256
#define RETYPE_UNTYPED_BITS 20 /* 256 x 4 KiB */

static uint64_t samples[BENCH_ITERS];

static void bench_retype(void)
{
    seL4_CPtr ut = bench_alloc(seL4_UntypedObject, RETYPE_UNTYPED_BITS);
    seL4_CPtr dest = bench_slots(RETYPE_COUNT);
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        uint64_t start = bench_count();
        seL4_Error err = seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, seL4_CapInitThreadCNode, 0, 0, dest,
                                             RETYPE_COUNT);
        uint64_t end = bench_count();
        if (err != seL4_NoError) {
            bench_error("retype_4k_x256", "Untyped_Retype of 256 frames", err);
            return;
        }
        samples[i] = end - start;
        err = seL4_CNode_Revoke(seL4_CapInitThreadCNode, ut, BENCH_DEPTH);
        if (err != seL4_NoError) {
            bench_error("retype_4k_x256", "CNode_Revoke of the untyped", err);
            return;
        }
    }
    uint64_t per_call = bench_result_named("retype_4k_x256", samples);
    bench_figure("retype_4k_x256", per_call, "instructions");
    bench_figure("retype_4k_per_object", per_call / RETYPE_COUNT, "instructions");
}

static void bench_page_map(void)
{
    seL4_CPtr frame = bench_alloc(seL4_RISCV_4K_Page, 0);
    seL4_Word vaddr = bench_vaddr(1);
    /* The first map creates the page tables; the timed ones find them. */
    seL4_Error err = bench_map(frame, seL4_CapInitThreadVSpace, vaddr);
    if (err == seL4_NoError) {
        err = seL4_RISCV_Page_Unmap(frame);
    }
    if (err != seL4_NoError) {
        bench_error("page_map_4k", "preparing the page tables", err);
        return;
    }
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        uint64_t start = bench_count();
        err = seL4_RISCV_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                                  seL4_RISCV_Default_VMAttributes);
        uint64_t end = bench_count();
        if (err != seL4_NoError) {
            bench_error("page_map_4k", "RISCV_Page_Map", err);
            return;
        }
        samples[i] = end - start;
        err = seL4_RISCV_Page_Unmap(frame);
        if (err != seL4_NoError) {
            bench_error("page_map_4k", "RISCV_Page_Unmap", err);
            return;
        }
    }
    bench_report("page_map_4k", samples);
}

void bench_vm(void)
{
    bench_retype();
    bench_page_map();
}
