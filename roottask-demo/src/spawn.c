/* Building the child: VSpace (new root page table + ASID), its image loaded from the
 * embedded ELF, an IPC buffer frame, a 16-slot CNode holding a badged endpoint, a TCB with its
 * own scheduling context, and its registers. */
#include "demo.h"
#include "protocol.h"

#include <lark/elf_load.h>
#include <lark/print.h>
#include <lark/runtime.h>

extern const char demo_child_image[], demo_child_image_end[];

/* A free page of the root task's VSpace for filling frames (far above its image). */
#define SCRATCH_VADDR 0x20000000ul
#define CHILD_PRIORITY 200
#define CHILD_BUDGET_US 10000

static int check(seL4_Error err, const char *what)
{
    if (err != seL4_NoError) {
        lark_printf("demo: %s failed: error %d\n", what, (int)err);
        return -1;
    }
    return 0;
}

int demo_spawn_child(lark_alloc_t *a, const seL4_BootInfo *bi, seL4_CPtr ep)
{
    seL4_CPtr vspace, ipc_frame, cnode, tcb, sc, fault_ep;
    if (check(lark_alloc_object(a, seL4_RISCV_PageTableObject, 0, &vspace), "retype VSpace") ||
        check(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace), "ASIDPool_Assign")) {
        return -1;
    }
    seL4_Word size = (seL4_Word)(demo_child_image_end - demo_child_image);
    lark_elf_result_t loaded;
    lark_elf_status_t st = lark_elf_load(a, vspace, demo_child_image, size, SCRATCH_VADDR, &loaded);
    if (st != LARK_ELF_OK) {
        lark_printf("demo: loading the child failed: %s (kernel error %d)\n", lark_elf_status_name(st),
                    (int)loaded.kernel_error);
        return -1;
    }
    lark_printf("demo: child image %lu bytes loaded into a new VSpace: %lu pages, entry %#lx\n", size,
                loaded.pages, loaded.entry);

    if (check(lark_alloc_object(a, seL4_RISCV_4K_Page, 0, &ipc_frame), "retype IPC buffer frame") ||
        check(lark_map_frame(a, vspace, ipc_frame, DEMO_CHILD_IPC_BUFFER, seL4_ReadWrite, seL4_RISCV_ExecuteNever),
              "map IPC buffer") ||
        check(lark_alloc_object(a, seL4_CapTableObject, DEMO_CHILD_CNODE_BITS, &cnode), "retype CNode") ||
        check(seL4_CNode_Mint(cnode, DEMO_CHILD_EP_SLOT, DEMO_CHILD_CNODE_BITS, seL4_CapInitThreadCNode, ep,
                              seL4_WordBits, seL4_AllRights, DEMO_CHILD_BADGE),
              "mint the child's endpoint")) {
        return -1;
    }
    fault_ep = lark_alloc_slot(a);
    if (fault_ep == seL4_CapNull ||
        check(seL4_CNode_Mint(seL4_CapInitThreadCNode, fault_ep, seL4_WordBits, seL4_CapInitThreadCNode, ep,
                              seL4_WordBits, seL4_AllRights, DEMO_FAULT_BADGE),
              "mint the fault endpoint")) {
        return -1;
    }

    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - DEMO_CHILD_CNODE_BITS).words[0];
    if (check(lark_alloc_object(a, seL4_TCBObject, 0, &tcb), "retype TCB") ||
        check(seL4_TCB_Configure(tcb, cnode, guard, vspace, 0, DEMO_CHILD_IPC_BUFFER, ipc_frame), "TCB_Configure") ||
        check(lark_alloc_object(a, seL4_SchedContextObject, seL4_MinSchedContextBits, &sc), "retype SchedContext") ||
        check(seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, sc, CHILD_BUDGET_US, CHILD_BUDGET_US, 0, 0,
                                               seL4_SchedContext_NoFlag),
              "SchedControl_ConfigureFlags") ||
        check(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, CHILD_PRIORITY, CHILD_PRIORITY, sc, fault_ep),
              "TCB_SetSchedParams")) {
        return -1;
    }
    seL4_DebugNameThread(tcb, "demo-child");

    /* lib/ crt0 protocol for a non-root program: a0 = 0, a1 = IPC buffer. */
    seL4_UserContext regs = {0};
    regs.pc = loaded.entry;
    regs.a0 = 0;
    regs.a1 = DEMO_CHILD_IPC_BUFFER;
    if (check(seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof regs / sizeof(seL4_Word), &regs), "TCB_WriteRegisters")) {
        return -1;
    }
    lark_printf("demo: child thread started (priority %d, budget %d us, CNode of %d slots)\n", CHILD_PRIORITY,
                CHILD_BUDGET_US, 1 << DEMO_CHILD_CNODE_BITS);
    return 0;
}
