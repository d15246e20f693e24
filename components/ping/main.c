/* ping: exercises the composed system from a client's side and prints one line per check
 * ("ping: PASS <name>" / "ping: FAIL <name>: ..."), which tests/system counts:
 * RPC with badges, shared memory and a notification with pong; batch alloc/free through the
 * memory manager into ping's own CNode; and last, a call without any cap to the UART driver,
 * which the kernel must turn into a cap fault (ping has no fault handler, so it stops there
 * while the rest of the system keeps running). */
#include "lark_component.h"
#include "lark_glue.h"
#include <uart_io.h>
#include <lark/names.h>
#include <lark/print.h>

/* ping's badge on rpc pong (system/larkos.xml); the client glue does not name it. */
#define PING_BADGE_ON_PONG 0x70u

/* An empty slot of ping's CNode, where a uart cap would be if it had one. */
#define UART_SLOT_PING_LACKS (LARK_SLOT_FIRST_FREE + 100)

static unsigned passed, failed;

static void check(int ok, const char *name, const char *fmt, uint64_t a, uint64_t b)
{
    if (ok) {
        passed++;
        lark_printf("ping: PASS %s\n", name);
    } else {
        failed++;
        lark_printf("ping: FAIL %s: ", name);
        lark_printf(fmt, (unsigned long)a, (unsigned long)b);
        lark_printf("\n");
    }
}

static void test_pong(void)
{
    struct pingpong_ping_request req = {.value = 41};
    struct pingpong_ping_reply rep = {0};
    seL4_Word err = pong_ping(&req, &rep);
    check(err == PINGPONG_OK && rep.value == 42, "pong_ping_echoes_value_plus_one", "error %lu value %lu", err, rep.value);
    check(rep.badge == PING_BADGE_ON_PONG, "pong_sees_ping_badge", "badge %lx, want %lx", rep.badge,
          PING_BADGE_ON_PONG);

    uint8_t *buf = pingpong_buf_region();
    uint64_t want = 0;
    for (unsigned i = 0; i < 1000; i++) {
        buf[i] = (uint8_t)(i * 7 + 3);
        want += buf[i];
    }
    struct pingpong_sum_request sreq = {.length = 1000};
    struct pingpong_sum_reply srep = {0};
    err = pong_sum(&sreq, &srep);
    check(err == PINGPONG_OK && srep.sum == want, "pong_sums_shared_page", "sum %lu, want %lu", srep.sum, want);
    seL4_Word badges = pong_done_wait();
    check(badges == LARK_BADGE_PONG_DONE_PONG, "pong_done_notification_badge", "badges %lx, want %lx", badges,
          LARK_BADGE_PONG_DONE_PONG);
    /* pong's second thread answers a kick on its own notification. */
    kick_signal();
    badges = pong_done_wait();
    check(badges == LARK_BADGE_PONG_DONE_PONG, "pong_helper_thread_answers_kick", "badges %lx, want %lx", badges,
          LARK_BADGE_PONG_DONE_PONG);
    sreq.length = LARK_SIZE_PINGPONG_BUF + 1;
    err = pong_sum(&sreq, &srep);
    check(err == PINGPONG_BAD_LENGTH, "pong_refuses_length_beyond_page", "error %lu, want %lu", err, PINGPONG_BAD_LENGTH);
}

static struct memory_alloc_request batch(uint64_t n)
{
    struct memory_alloc_request r = {0};
    r.container = LARK_SLOT_CNODE;
    r.depth = LARK_CSPACE_DEPTH;
    r.lifetime = MEMORY_LIFETIME_SHORT;
    r.count = n;
    return r;
}

static void set(struct memory_alloc_request *r, unsigned i, uint64_t type, uint64_t size, uint64_t slot)
{
    r->types[i] = type;
    r->sizes[i] = size;
    r->slots[i] = slot;
}

static struct memory_free_request free_of(const struct memory_alloc_request *a)
{
    struct memory_free_request f = {0};
    f.container = a->container;
    f.depth = a->depth;
    f.count = a->count;
    for (unsigned i = 0; i < MEMORY_MAX_DESCS; i++) {
        f.types[i] = a->types[i];
        f.sizes[i] = a->sizes[i];
        f.slots[i] = a->slots[i];
    }
    return f;
}

static void test_memory(void)
{
    const seL4_CPtr f = LARK_SLOT_FIRST_FREE;
    struct memory_stats_reply s0 = {0}, s1 = {0}, s2 = {0};
    seL4_Word err = memory_stats(&s0);
    check(err == MEMORY_OK && s0.reclaimed_bytes != 0, "memory_stats_reports_reclaim", "error %lu reclaimed %lu", err,
          s0.reclaimed_bytes);

    struct memory_alloc_request a = batch(4);
    set(&a, 0, seL4_NotificationObject, 2, f);
    set(&a, 1, seL4_EndpointObject, 1, f + 2);
    set(&a, 2, seL4_RISCV_4K_Page, 1, f + 3);
    set(&a, 3, seL4_CapTableObject, 4, f + 4);
    struct memory_alloc_reply rep = {0};
    err = memory_alloc(&a, &rep);
    const uint64_t bytes = 2 * 64 + 16 + 4096 + (16 << 5);
    check(err == MEMORY_OK && rep.objects == 5, "memory_alloc_batch_of_five", "error %lu objects %lu", err, rep.objects);
    check(rep.bytes == bytes, "memory_alloc_reports_bytes", "bytes %lu, want %lu", rep.bytes, bytes);

    /* The notification is real: a badged copy signals it. */
    seL4_CPtr badged = f + 20;
    err = seL4_CNode_Mint(LARK_SLOT_CNODE, badged, LARK_CSPACE_DEPTH, LARK_SLOT_CNODE, f, LARK_CSPACE_DEPTH,
                          seL4_AllRights, 5);
    seL4_Signal(badged);
    seL4_Word badge = 0;
    seL4_Poll(f, &badge);
    check(err == seL4_NoError && badge == 5, "allocated_notification_works", "mint %lu badge %lu", err, badge);
    seL4_CNode_Delete(LARK_SLOT_CNODE, badged, LARK_CSPACE_DEPTH);

    err = memory_stats(&s1);
    check(err == MEMORY_OK && s1.allocated_bytes == s0.allocated_bytes + bytes && s1.allocated_objs == s0.allocated_objs + 5,
          "memory_stats_count_the_batch", "in use %lu, before %lu", s1.allocated_bytes, s0.allocated_bytes);
    check(s1.free_bytes == s0.free_bytes - bytes, "memory_free_bytes_drop_by_the_batch", "free %lu, before %lu",
          s1.free_bytes, s0.free_bytes);

    struct memory_free_request fr = free_of(&a);
    err = memory_free(&fr);
    err |= memory_stats(&s2);
    check(err == MEMORY_OK && s2.allocated_bytes == s0.allocated_bytes && s2.allocated_objs == s0.allocated_objs,
          "memory_free_returns_to_baseline", "in use %lu, baseline %lu", s2.allocated_bytes, s0.allocated_bytes);
    check(s2.total_requested_objs == s0.total_requested_objs + 5, "memory_lifetime_request_count", "requested %lu, before %lu",
          s2.total_requested_objs, s0.total_requested_objs);
    check(seL4_DebugCapIdentify(f) == 0 && seL4_DebugCapIdentify(f + 4) == 0, "memory_free_empties_the_slots",
          "slot %lu type %lu", f, seL4_DebugCapIdentify(f));

    struct memory_alloc_request bad = batch(1);
    set(&bad, 0, 99, 1, f);
    err = memory_alloc(&bad, &rep);
    check(err == MEMORY_OBJ_TYPE_INVALID, "memory_alloc_unknown_type", "error %lu, want %lu", err, MEMORY_OBJ_TYPE_INVALID);
    bad = batch(0);
    err = memory_alloc(&bad, &rep);
    check(err == MEMORY_OBJ_COUNT_INVALID, "memory_alloc_empty_batch", "error %lu, want %lu", err, MEMORY_OBJ_COUNT_INVALID);

    /* The second object goes to an occupied slot: the first one must be rolled back. */
    bad = batch(2);
    set(&bad, 0, seL4_NotificationObject, 1, f);
    set(&bad, 1, seL4_EndpointObject, 1, LARK_SLOT_CNODE);
    err = memory_alloc(&bad, &rep);
    check(err == MEMORY_OBJ_CAP_INVALID, "memory_alloc_into_occupied_slot", "error %lu, want %lu", err,
          MEMORY_OBJ_CAP_INVALID);
    check(seL4_DebugCapIdentify(f) == 0, "memory_failed_batch_rolled_back", "slot %lu holds type %lu", f,
          seL4_DebugCapIdentify(f));

    /* Static lifetime comes from the slabs that already hold the components' objects. */
    struct memory_alloc_request st = batch(1);
    st.lifetime = MEMORY_LIFETIME_STATIC;
    set(&st, 0, seL4_EndpointObject, 3, f);
    err = memory_alloc(&st, &rep);
    struct memory_free_request stf = free_of(&st);
    seL4_Word ferr = memory_free(&stf);
    check(err == MEMORY_OK && rep.objects == 3 && ferr == MEMORY_OK && seL4_DebugCapIdentify(f) == 0,
          "memory_static_lifetime_alloc_and_free", "alloc %lu free %lu", err, ferr);

    bad = batch(1);
    set(&bad, 0, seL4_NotificationObject, 1, f);
    bad.depth = 0;
    err = memory_alloc(&bad, &rep);
    check(err == MEMORY_OBJ_CAP_INVALID, "memory_alloc_bad_container_depth", "error %lu, want %lu", err,
          MEMORY_OBJ_CAP_INVALID);

    bad = batch(1);
    set(&bad, 0, seL4_UntypedObject, 37, f);
    err = memory_alloc(&bad, &rep);
    check(err == MEMORY_ALLOC_FAILED, "memory_alloc_more_than_exists", "error %lu, want %lu", err, MEMORY_ALLOC_FAILED);
    err = memory_stats(&s2);
    check(err == MEMORY_OK && s2.allocated_bytes == s0.allocated_bytes, "memory_failures_leave_no_bytes_counted",
          "in use %lu, baseline %lu", s2.allocated_bytes, s0.allocated_bytes);
}

int main(void)
{
    lark_printf("ping: started at instret %lu\n", (unsigned long)lark_instret());
    test_pong();
    test_memory();
    /* ping holds no cap to the UART driver (larkos.xml forbids it). Invoking the empty slot
     * where such a cap would be is an invocation error (seL4 answers InvalidCapability). */
    seL4_SetMR(0, 1);
    seL4_MessageInfo_t info = seL4_Call(UART_SLOT_PING_LACKS, seL4_MessageInfo_new(UART_IO_WRITE, 0, 0, 1));
    check(seL4_MessageInfo_get_label(info) == seL4_InvalidCapability, "uart_driver_unreachable_from_ping",
          "label %lu, want %lu", seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    lark_printf("ping: %u passed, %u failed\n", passed, failed);
    /* A cptr that does not even resolve (its guard bits are not ping's CNode guard) is a cap
     * fault: with no fault handler the kernel reports it and suspends ping for good. */
    lark_printf("ping: calling uart_driver through a cptr that does not resolve\n");
    seL4_Call(UART_SLOT_PING_LACKS | (1ULL << 63), seL4_MessageInfo_new(UART_IO_WRITE, 0, 0, 1));
    lark_printf("ping: FAIL the call through an unresolvable cptr returned\n");
    return 1;
}
