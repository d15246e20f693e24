/* The demo root task `make run` boots until the system services exist: BootInfo summary, a
 * child in a new address space and a second thread in this one, IPC with both (badged
 * Call/ReplyRecv), then the machine powers off (seL4_DebugHalt). */
#include "demo.h"

#include <lark/lark_sel4.h>
#include <lark/print.h>

static void describe(const char *when, seL4_CPtr untyped)
{
    lark_Untyped_Describe_t d = lark_Untyped_Describe(untyped);
    if (d.error == seL4_NoError) {
        lark_printf("demo: untyped slot %lu %s: 2^%lu bytes, %lu free\n", untyped, when, d.sizeBits,
                    d.remainingBytes);
    } else {
        lark_printf("demo: Untyped_Describe on slot %lu: error %d\n", untyped, d.error);
    }
}

int main(void)
{
    const seL4_BootInfo *bi = seL4_GetBootInfo();
    lark_printf("demo: LarkOS demo root task\n");
    demo_print_bootinfo(bi);

    static lark_alloc_t alloc;
    lark_alloc_init(&alloc, bi);
    if (alloc.num_untyped == 0) {
        lark_printf("demo: no RAM untyped to work with\n");
        return 1;
    }
    seL4_CPtr first_untyped = alloc.untyped[0].cap;
    describe("before", first_untyped);

    seL4_CPtr ep, reply;
    if (lark_alloc_object(&alloc, seL4_EndpointObject, 0, &ep) != seL4_NoError ||
        lark_alloc_object(&alloc, seL4_ReplyObject, 0, &reply) != seL4_NoError) {
        lark_printf("demo: cannot create the endpoint and reply objects\n");
        return 1;
    }
    if (demo_spawn_child(&alloc, bi, ep) != 0 || demo_spawn_worker(&alloc, bi, ep) != 0) {
        return 1;
    }
    int status = demo_serve(ep, reply);
    describe("after", first_untyped);
    lark_printf("demo: %lu slots used\n", alloc.next_slot - bi->empty.start);
    lark_printf("demo: done, %s\n", status == 0 ? "all checks passed" : "FAILED");
    return status == 0 ? 0 : 1;
}
