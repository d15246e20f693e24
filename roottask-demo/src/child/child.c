/* The demo's child program: runs in its own address space with one capability (a badged
 * endpoint to the root task) and asks it to add numbers, once with a message that fits the
 * registers and once with one that spills into the IPC buffer. */
#include <lark/print.h>
#include <lark/runtime.h>
#include <sel4/sel4.h>

#include "../protocol.h"

static int ask_sum(seL4_Word n, seL4_Word first)
{
    seL4_Word want = 0;
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR((int)i, first + i);
        want += first + i;
    }
    seL4_MessageInfo_t info = seL4_Call(DEMO_CHILD_EP_SLOT, seL4_MessageInfo_new(DEMO_LABEL_ADD, 0, 0, n));
    seL4_Word got = seL4_GetMR(0);
    int ok = seL4_MessageInfo_get_label(info) == 0 && seL4_MessageInfo_get_length(info) == 1 && got == want;
    lark_printf("child: sum of %lu words from %lu = %lu (%s)\n", n, first, got, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}

int main(void)
{
    lark_printf("child: hello from a new address space, IPC buffer at %p\n", (void *)seL4_GetIPCBuffer());
    int bad = 0;
    bad += ask_sum(2, 20);
    bad += ask_sum(4, 100);
    bad += ask_sum(10, 1000);
    return bad;
}
