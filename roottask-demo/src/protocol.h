/* What the demo root task and its child program agree on. */
#pragma once

#define DEMO_CHILD_EP_SLOT 1          /* the child's only cap: a badged endpoint, slot 1 */
#define DEMO_CHILD_CNODE_BITS 4       /* the child's CNode: 16 slots, guard 60 bits of 0 */
#define DEMO_CHILD_IPC_BUFFER 0x30000000ul
#define DEMO_CHILD_BADGE 0x42
#define DEMO_FAULT_BADGE 0xfa
#define DEMO_LABEL_ADD 1              /* MR0..MR(n-1) -> reply MR0 = their sum */
#define DEMO_WORKER_BADGE 0x77        /* a second thread in the root task's own VSpace */
#define DEMO_WORKER_FAULT_BADGE 0xfb
