/* Capability transfer through endpoint IPC (seL4 transferCaps): extra caps go to the
 * receiver's receive slot (IPC buffer receiveCNode/Index/Depth) only with the Grant right;
 * a cap to the very endpoint the message travels through arrives as its badge (capsUnwrapped);
 * one receive slot takes at most one cap; failed lookups of extra caps; replies with caps.
 * Senders are helpers at KT_PRIO + 1 that block on the endpoint before the root task receives. */
#include "kt.h"

#define HI (KT_PRIO + 1)

static seL4_CPtr new_ep(void) { return kt_alloc(seL4_EndpointObject, 0); }
static seL4_CPtr new_ntfn(void) { return kt_alloc(seL4_NotificationObject, 0); }
static seL4_CPtr new_reply(void) { return kt_alloc(seL4_ReplyObject, 0); }

static seL4_Word extra_of(seL4_MessageInfo_t i) { return seL4_MessageInfo_get_extraCaps(i); }
static seL4_Word unwrapped_of(seL4_MessageInfo_t i) { return seL4_MessageInfo_get_capsUnwrapped(i); }

/* arg0 = endpoint, arg1..arg3 = caps, arg4 = how many, arg5 = label: one Send with MR0 = 0x5e. */
static void cap_sender(kt_thread_t *t)
{
    for (seL4_Word i = 0; i < t->arg[4]; i++) {
        seL4_SetCap((int)i, t->arg[1 + i]);
    }
    seL4_SetMR(0, 0x5e);
    seL4_Send(t->arg[0], seL4_MessageInfo_new(t->arg[5], 0, t->arg[4], 1));
}

static int start_sender(kt_thread_t *t, seL4_CPtr ep, seL4_Word n, seL4_CPtr c0, seL4_CPtr c1,
                        seL4_CPtr c2)
{
    if (kt_thread_new(t, cap_sender, HI) != 0) {
        return -1;
    }
    t->arg[0] = ep;
    t->arg[1] = c0;
    t->arg[2] = c1;
    t->arg[3] = c2;
    t->arg[4] = n;
    t->arg[5] = 0x77;
    return kt_thread_start(t);
}

/* The root task receives with its receive slot at `slot` (depth 64 in its own CNode). */
static seL4_MessageInfo_t recv_into(seL4_CPtr ep, seL4_CPtr slot, seL4_Word *badge)
{
    seL4_SetCapReceivePath(KT_ROOT, slot, KT_DEPTH);
    seL4_CPtr reply = new_reply();
    return seL4_Recv(ep, badge, reply);
}

KTEST(ipc_caps_grant_transfers_one_cap)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_DO(start_sender(&kt_threads[0], ep, 1, n, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x77);
    KT_EQ(extra_of(info), 1);
    KT_EQ(unwrapped_of(info), 0);
    KT_EQ(seL4_GetMR(0), 0x5e);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_NOTIFICATION);
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION); /* the sender keeps its cap */
}

KTEST(ipc_caps_transferred_cap_keeps_badge_and_works)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x21));
    KT_DO(start_sender(&kt_threads[0], ep, 1, badged, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 1);
    seL4_Signal(slot);
    seL4_Word got = 0;
    seL4_Poll(n, &got);
    KT_EQ(got, 0x21);
}

KTEST(ipc_caps_without_grant_are_not_transferred)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_CAP(no_grant, kt_mint(ep, seL4_CapRights_new(1, 0, 1, 1), 0x3));
    KT_DO(start_sender(&kt_threads[0], no_grant, 1, n, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(badge, 3);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x77); /* the message itself arrives */
    KT_EQ(seL4_GetMR(0), 0x5e);
    KT_EQ(extra_of(info), 0);
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(ipc_caps_occupied_receive_slot_gets_nothing)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_CAP(occupant, new_ep());
    KT_DO(start_sender(&kt_threads[0], ep, 1, n, 0, 0));
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, occupant, &badge);
    KT_EQ(extra_of(info), 0);
    KT_EQ(seL4_DebugCapIdentify(occupant), KT_CAP_ENDPOINT);
}

KTEST(ipc_caps_receive_cnode_not_a_cnode_gets_nothing)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_DO(start_sender(&kt_threads[0], ep, 1, n, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_SetCapReceivePath(n, slot, KT_DEPTH); /* a notification, not a CNode */
    seL4_Word badge;
    KT_CAP(reply, new_reply());
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(extra_of(info), 0);
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(ipc_caps_receive_depth_zero_gets_nothing)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_DO(start_sender(&kt_threads[0], ep, 1, n, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_SetCapReceivePath(KT_ROOT, slot, 0);
    seL4_Word badge;
    KT_CAP(reply, new_reply());
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(extra_of(info), 0);
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(ipc_caps_badged_cap_to_same_endpoint_is_unwrapped)
{
    KT_CAP(ep, new_ep());
    KT_CAP(self, kt_mint(ep, seL4_AllRights, 0x4242));
    KT_DO(start_sender(&kt_threads[0], ep, 1, self, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 1);
    KT_EQ(unwrapped_of(info), 1);
    KT_EQ(seL4_GetBadge(0), 0x4242);
    KT_TRUE(kt_slot_empty(slot)); /* only the badge travelled */
}

KTEST(ipc_caps_unwrap_needs_no_receive_slot)
{
    KT_CAP(ep, new_ep());
    KT_CAP(self, kt_mint(ep, seL4_AllRights, 0x51));
    KT_CAP(occupant, new_ntfn());
    KT_DO(start_sender(&kt_threads[0], ep, 1, self, 0, 0));
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, occupant, &badge);
    KT_EQ(extra_of(info), 1);
    KT_EQ(unwrapped_of(info), 1);
    KT_EQ(seL4_GetBadge(0), 0x51);
}

KTEST(ipc_caps_unwrapped_then_transferred)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_CAP(self, kt_mint(ep, seL4_AllRights, 0x61));
    KT_DO(start_sender(&kt_threads[0], ep, 2, self, n, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 2);
    KT_EQ(unwrapped_of(info), 1);
    KT_EQ(seL4_GetBadge(0), 0x61);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_NOTIFICATION);
}

KTEST(ipc_caps_transferred_then_unwrapped)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    KT_CAP(self, kt_mint(ep, seL4_AllRights, 0x62));
    KT_DO(start_sender(&kt_threads[0], ep, 2, n, self, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 2);
    KT_EQ(unwrapped_of(info), 2);
    KT_EQ(seL4_GetBadge(1), 0x62);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_NOTIFICATION);
}

KTEST(ipc_caps_three_unwrapped_badges)
{
    KT_CAP(ep, new_ep());
    KT_CAP(b1, kt_mint(ep, seL4_AllRights, 1));
    KT_CAP(b2, kt_mint(ep, seL4_AllRights, 2));
    KT_CAP(b3, kt_mint(ep, seL4_AllRights, 3));
    KT_DO(start_sender(&kt_threads[0], ep, 3, b1, b2, b3));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 3);
    KT_EQ(unwrapped_of(info), 7);
    KT_EQ(seL4_GetBadge(0), 1);
    KT_EQ(seL4_GetBadge(1), 2);
    KT_EQ(seL4_GetBadge(2), 3);
    KT_TRUE(kt_slot_empty(slot));
}

KTEST(ipc_caps_one_receive_slot_takes_one_cap)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n1, new_ntfn());
    KT_CAP(n2, new_ntfn());
    KT_CAP(n3, new_ntfn());
    KT_DO(start_sender(&kt_threads[0], ep, 3, n1, n2, n3));
    seL4_CPtr slot = kt_slot();
    seL4_CPtr next = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 1); /* the second cap finds no slot: transfer stops there */
    KT_EQ(unwrapped_of(info), 0);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_NOTIFICATION);
    KT_TRUE(kt_slot_empty(next));
}

KTEST(ipc_caps_cap_to_other_endpoint_is_transferred)
{
    KT_CAP(ep, new_ep());
    KT_CAP(other, new_ep());
    KT_CAP(other_badged, kt_mint(other, seL4_AllRights, 0x71));
    KT_DO(start_sender(&kt_threads[0], ep, 1, other_badged, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 1);
    KT_EQ(unwrapped_of(info), 0);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_ENDPOINT);
    /* it is the badged cap: a message sent through it carries 0x71 */
    KT_DO(start_sender(&kt_threads[1], slot, 0, 0, 0, 0));
    KT_CAP(reply, new_reply());
    seL4_Recv(other, &badge, reply);
    KT_EQ(badge, 0x71);
}

KTEST(ipc_caps_without_grant_nothing_is_unwrapped)
{
    KT_CAP(ep, new_ep());
    KT_CAP(self, kt_mint(ep, seL4_AllRights, 0x81));
    KT_CAP(no_grant, kt_mint(ep, seL4_CapRights_new(1, 0, 1, 1), 0));
    KT_DO(start_sender(&kt_threads[0], no_grant, 1, self, 0, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(extra_of(info), 0);
    KT_EQ(unwrapped_of(info), 0);
}

KTEST(ipc_caps_empty_extra_slot_stops_transfer)
{
    KT_CAP(ep, new_ep());
    KT_CAP(n, new_ntfn());
    seL4_CPtr empty = kt_slot();
    KT_DO(start_sender(&kt_threads[0], ep, 2, empty, n, 0));
    seL4_CPtr slot = kt_slot();
    seL4_Word badge;
    seL4_MessageInfo_t info = recv_into(ep, slot, &badge);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x77); /* no fault: the lookup found a slot */
    KT_EQ(extra_of(info), 0);
    KT_TRUE(kt_slot_empty(slot));
}

#define BAD_CPTR (1ul << 63) /* the root CNode's 52-bit zero guard cannot match */

KTEST(ipc_caps_failed_extra_cap_lookup_faults_sender)
{
    KT_CAP(ep, new_ep());
    KT_CAP(fep, new_ep());
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_thread_new(s, cap_sender, HI));
    KT_DO(kt_thread_set_fault_ep(s, fep, HI));
    s->arg[0] = ep;
    s->arg[1] = BAD_CPTR;
    s->arg[4] = 1;
    s->arg[5] = 0x77;
    KT_DO(kt_thread_start(s));
    seL4_Word badge = 0;
    KT_CAP(reply, new_reply());
    seL4_MessageInfo_t info = seL4_NBRecv(fep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_GetMR(seL4_CapFault_Addr), BAD_CPTR);
    KT_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 0);
    KT_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_GuardMismatch);
    KT_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), 64);
    /* the message was never sent */
    badge = 0x1;
    KT_CAP(reply2, new_reply());
    seL4_NBRecv(ep, &badge, reply2);
    KT_EQ(badge, 0);
}

static void recv_record(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[0] = badge;
    t->result[1] = info.words[0];
}

KTEST(ipc_caps_failed_extra_cap_lookup_on_nbsend_does_nothing)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    kt_thread_t *r = &kt_threads[0];
    KT_DO(kt_thread_new(r, recv_record, HI));
    r->arg[0] = ep;
    r->arg[1] = reply;
    KT_DO(kt_thread_start(r));
    seL4_SetCap(0, BAD_CPTR);
    seL4_NBSend(ep, seL4_MessageInfo_new(1, 0, 1, 0));
    KT_TRUE(!r->done); /* nothing delivered, and the root task did not fault */
    seL4_Send(ep, seL4_MessageInfo_new(2, 0, 0, 0));
    KT_TRUE(r->done);
    KT_EQ(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{r->result[1]}}), 2);
}

/* In its own space: slot 2 = endpoint, slot 3 = reply, slot 4 = its CNode (radix 4). Receives
 * one cap into slot 5 and signals through it. */
static void space_cap_receiver(kt_thread_t *t)
{
    seL4_SetCapReceivePath(4, 5, 4);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(2, &badge, 3);
    t->result[1] = info.words[0];
    t->result[2] = seL4_DebugCapIdentify(5);
    seL4_Signal(5);
}

KTEST(ipc_caps_transfer_into_other_cspace)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(n, new_ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x99));
    kt_space_t sp;
    KT_DO(kt_space_new(&sp));
    KT_DO(kt_space_give(&sp, 2, ep, seL4_AllRights, 0));
    KT_DO(kt_space_give(&sp, 3, reply, seL4_AllRights, 0));
    KT_DO(kt_space_give(&sp, 4, sp.cnode, seL4_AllRights, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_space_thread_new(&sp, t, space_cap_receiver, HI));
    KT_DO(kt_thread_start(t));
    seL4_SetCap(0, badged);
    seL4_Send(ep, seL4_MessageInfo_new(5, 0, 1, 0));
    KT_TRUE(t->done);
    KT_EQ(seL4_MessageInfo_get_extraCaps((seL4_MessageInfo_t){{t->result[1]}}), 1);
    KT_EQ(t->result[2], KT_CAP_NOTIFICATION);
    seL4_Word got = 0;
    seL4_Poll(n, &got);
    KT_EQ(got, 0x99);
}

/* arg0 = endpoint, arg1 = reply to receive with, arg2 = reply cap to answer through,
 * arg3 = cap to send back. */
static void granting_server(kt_thread_t *t)
{
    seL4_Word badge;
    seL4_Recv(t->arg[0], &badge, t->arg[1]);
    seL4_SetCap(0, t->arg[3]);
    seL4_Send(t->arg[2], seL4_MessageInfo_new(0x33, 0, 1, 0));
}

KTEST(ipc_caps_reply_carries_cap_to_caller)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(n, new_ntfn());
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_thread_new(s, granting_server, HI));
    s->arg[0] = ep;
    s->arg[1] = reply;
    s->arg[2] = reply;
    s->arg[3] = n;
    KT_DO(kt_thread_start(s));
    seL4_CPtr slot = kt_slot();
    seL4_SetCapReceivePath(KT_ROOT, slot, KT_DEPTH);
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(1, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(info), 0x33);
    KT_EQ(extra_of(info), 1);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_NOTIFICATION);
}

KTEST(ipc_caps_reply_cap_without_grant_carries_no_cap)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(n, new_ntfn());
    KT_CAP(no_grant, kt_copy(reply, seL4_CapRights_new(1, 0, 1, 1)));
    kt_thread_t *s = &kt_threads[0];
    KT_DO(kt_thread_new(s, granting_server, HI));
    s->arg[0] = ep;
    s->arg[1] = reply;
    s->arg[2] = no_grant;
    s->arg[3] = n;
    KT_DO(kt_thread_start(s));
    seL4_CPtr slot = kt_slot();
    seL4_SetCapReceivePath(KT_ROOT, slot, KT_DEPTH);
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(1, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(info), 0x33);
    KT_EQ(extra_of(info), 0);
    KT_TRUE(kt_slot_empty(slot));
}

/* arg0 = endpoint, arg1 = reply, arg2 = receive slot in the root CNode: receives one call
 * and answers it empty. */
static void receiving_server(kt_thread_t *t)
{
    seL4_SetCapReceivePath(KT_ROOT, t->arg[2], KT_DEPTH);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    t->result[1] = info.words[0];
    seL4_Send(t->arg[1], seL4_MessageInfo_new(0, 0, 0, 0));
}

KTEST(ipc_caps_call_transfers_cap_to_server)
{
    KT_CAP(ep, new_ep());
    KT_CAP(reply, new_reply());
    KT_CAP(n, new_ntfn());
    seL4_CPtr slot = kt_slot();
    kt_thread_t *srv = &kt_threads[0];
    KT_DO(kt_thread_new(srv, receiving_server, HI));
    srv->arg[0] = ep;
    srv->arg[1] = reply;
    srv->arg[2] = slot;
    KT_DO(kt_thread_start(srv));
    seL4_SetCap(0, n);
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(0x44, 0, 1, 0));
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
    KT_TRUE(srv->done);
    KT_EQ(seL4_MessageInfo_get_extraCaps((seL4_MessageInfo_t){{srv->result[1]}}), 1);
    KT_EQ(seL4_DebugCapIdentify(slot), KT_CAP_NOTIFICATION);
}
