/* IPC figures, measured as sel4bench does: the client runs in the root VSpace, the server in
 * the second address space, both at priority 254 unless said otherwise. For the 0-length
 * Call and ReplyRecv (the fastpath cases) the server is passive, as in sel4bench under MCS;
 * for the 10-word Call and the Send it keeps its own SC. The side that starts
 * the clock stores the counter in a shared variable (the image is shared by both spaces);
 * the side that stops it subtracts. Zero-length messages use the *WithMRs forms, which keep
 * the message in registers, as sel4bench's register-only wrappers do. */
#include "bench.h"
#include "run.h"

#define IPC_PRIO 254
#define LOW_PRIO 253

static volatile uint64_t stamp;
static uint64_t samples_a[BENCH_ITERS], samples_b[BENCH_ITERS];
static seL4_CPtr ep, reply;

static seL4_MessageInfo_t empty_msg(void)
{
    return seL4_MessageInfo_new(0, 0, 0, 0);
}

static void fresh_objects(void)
{
    ep = bench_alloc(seL4_EndpointObject, 0);
    reply = bench_alloc(seL4_ReplyObject, 0);
}

/* ---- ipc_call and ipc_replyrecv in one run: each direction is stamped by its sender. */
static void callrr_server(bench_thread_t *t)
{
    (void)t;
    seL4_Word badge;
    bench_ready_then_recv(ep, &badge, reply);
    for (int i = 0;; i++) {
        uint64_t end = bench_count();
        if (i < BENCH_ITERS) {
            samples_a[i] = end - stamp;
        }
        stamp = bench_count();
        seL4_ReplyRecvWithMRs(ep, empty_msg(), &badge, NULL, NULL, NULL, NULL, reply);
    }
}

static void callrr_client(bench_thread_t *t)
{
    (void)t;
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        stamp = bench_count();
        seL4_CallWithMRs(ep, empty_msg(), NULL, NULL, NULL, NULL);
        uint64_t end = bench_count();
        samples_b[i] = end - stamp;
    }
}

/* ---- ipc_roundtrip: the server only answers, the client times Call to return. */
static void echo_server(bench_thread_t *t)
{
    (void)t;
    seL4_Word badge;
    bench_ready_then_recv(ep, &badge, reply);
    for (;;) {
        seL4_ReplyRecvWithMRs(ep, empty_msg(), &badge, NULL, NULL, NULL, NULL, reply);
    }
}

static void roundtrip_client(bench_thread_t *t)
{
    (void)t;
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        uint64_t start = bench_count();
        seL4_CallWithMRs(ep, empty_msg(), NULL, NULL, NULL, NULL);
        uint64_t end = bench_count();
        samples_a[i] = end - start;
    }
}

/* ---- ipc_call_len10: a 10-word Call (past the 4 message registers: the slow path), timed
 * until the server returns from its receive; the reply is empty. */
static void len10_server(bench_thread_t *t)
{
    (void)t;
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    for (int i = 0;; i++) {
        uint64_t end = bench_count();
        if (i < BENCH_ITERS) {
            samples_a[i] = end - stamp;
        }
        seL4_ReplyRecvWithMRs(ep, empty_msg(), &badge, NULL, NULL, NULL, NULL, reply);
    }
}

static void len10_client(bench_thread_t *t)
{
    (void)t;
    for (int i = 0; i < BENCH_ITERS; i++) {
        for (int mr = 0; mr < 10; mr++) {
            seL4_SetMR(mr, (seL4_Word)(i + mr));
        }
        bench_phase_shift(i);
        stamp = bench_count();
        seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 10));
    }
}

/* ---- ipc_replyrecv_len10: the server answers each empty Call with a 10-word ReplyRecv,
 * timed from the server's ReplyRecv until the client returns from Call (seL4's anchor: 2,005). */
static void reply10_server(bench_thread_t *t)
{
    (void)t;
    seL4_Word badge;
    seL4_Recv(ep, &badge, reply);
    for (int i = 0;; i++) {
        for (int mr = 0; mr < 10; mr++) {
            seL4_SetMR(mr, (seL4_Word)(i + mr));
        }
        stamp = bench_count();
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 10), &badge, reply);
    }
}

static bool reply10_wrong;

static void reply10_client(bench_thread_t *t)
{
    (void)t;
    reply10_wrong = false;
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        seL4_MessageInfo_t answer = seL4_Call(ep, empty_msg());
        uint64_t end = bench_count();
        if (seL4_MessageInfo_get_length(answer) != 10 || seL4_GetMR(9) != (seL4_Word)(i + 9)) {
            bench_error("ipc_replyrecv_len10", "the reply did not carry its 10 words", seL4_NoError);
            reply10_wrong = true;
            return;
        }
        samples_a[i] = end - stamp;
    }
}

/* ---- ipc_send_slowpath: Send from priority 253 to a receiver waiting at 254, timed until the
 * receiver returns from Recv. */
static void send_receiver(bench_thread_t *t)
{
    (void)t;
    seL4_Word badge;
    for (int i = 0;; i++) {
        seL4_RecvWithMRs(ep, &badge, NULL, NULL, NULL, NULL, reply);
        uint64_t end = bench_count();
        if (i < BENCH_ITERS) {
            samples_a[i] = end - stamp;
        }
    }
}

static void send_sender(bench_thread_t *t)
{
    (void)t;
    for (int i = 0; i < BENCH_ITERS; i++) {
        bench_phase_shift(i);
        stamp = bench_count();
        seL4_SendWithMRs(ep, empty_msg(), NULL, NULL, NULL, NULL);
    }
}

void bench_ipc(void)
{
    fresh_objects();
    if (bench_run2_passive(callrr_server, IPC_PRIO, callrr_client, IPC_PRIO)) {
        bench_report("ipc_call", samples_a);
        bench_report("ipc_replyrecv", samples_b);
    } else {
        bench_stalled("ipc_call");
        bench_stalled("ipc_replyrecv");
    }

    fresh_objects();
    if (bench_run2_passive(echo_server, IPC_PRIO, roundtrip_client, IPC_PRIO)) {
        bench_report("ipc_roundtrip", samples_a);
    } else {
        bench_stalled("ipc_roundtrip");
    }

    fresh_objects();
    if (bench_run2(len10_server, IPC_PRIO, len10_client, IPC_PRIO)) {
        bench_report("ipc_call_len10", samples_a);
    } else {
        bench_stalled("ipc_call_len10");
    }

    fresh_objects();
    if (bench_run2(reply10_server, IPC_PRIO, reply10_client, IPC_PRIO) && !reply10_wrong) {
        bench_report("ipc_replyrecv_len10", samples_a);
    } else if (!reply10_wrong) {
        bench_stalled("ipc_replyrecv_len10");
    }

    fresh_objects();
    if (bench_run2(send_receiver, IPC_PRIO, send_sender, LOW_PRIO)) {
        bench_report("ipc_send_slowpath", samples_a);
    } else {
        bench_stalled("ipc_send_slowpath");
    }
}
