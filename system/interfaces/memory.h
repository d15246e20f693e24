/* lark-interface memory: statistics of the memory manager (kataos.md section 5). Allocation
 * and freeing carry a CNode capability, which this declared form cannot express yet; the
 * memory manager's own header adds them (see tools/compose/README.md, "not done"). */
#ifndef LARK_IFACE_MEMORY_H
#define LARK_IFACE_MEMORY_H
#include <stdint.h>

enum memory_label {
    MEMORY_STATS = 1,
};

enum memory_error {
    MEMORY_OK = 0,
    MEMORY_FAILED = 1,
};

struct memory_stats_reply {
    uint64_t allocated_bytes;      /* in use by objects the manager handed out */
    uint64_t free_bytes;           /* untyped memory still free */
    uint64_t total_requested_bytes;/* over the manager's lifetime */
    uint64_t overhead_bytes;       /* used outside the manager's control (root-server-built objects) */
    uint64_t allocated_objs;
    uint64_t total_requested_objs;
    uint64_t reclaimed_bytes;      /* RAM won back by revoking the tainted untypeds */
};

#endif
