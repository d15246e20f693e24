/* CNode invocations (Copy, Mint, Move, Mutate, Rotate, Delete, Revoke, CancelBadgedSends) and
 * capability lookup errors with the exact error message registers of abi.md 5. The root CNode
 * has radix 12 and a 52-bit guard of 0, so cptrs resolve with depth 64. */
#include "cspace_helpers.h"

KTEST(cnode_copy_basic)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    seL4_CPtr dst = kt_slot();
    KT_OK(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ep, KT_DEPTH, seL4_AllRights));
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_ENDPOINT);
    KT_EQ(seL4_DebugCapIdentify(ep), KT_CAP_ENDPOINT);
}

KTEST(cnode_copy_to_occupied_slot_delete_first)
{
    KT_CAP(a, ntfn());
    KT_CAP(b, ntfn());
    KT_ERR(seL4_CNode_Copy(KT_ROOT, b, KT_DEPTH, KT_ROOT, a, KT_DEPTH, seL4_AllRights), seL4_DeleteFirst);
}

KTEST(cnode_copy_from_empty_slot_failed_lookup)
{
    seL4_CPtr empty = kt_slot(), dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, empty, KT_DEPTH, seL4_AllRights), seL4_FailedLookup);
    KT_MR(0, 1); /* the source lookup failed */
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, KT_DEPTH);
}

KTEST(cnode_move)
{
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, dst, KT_DEPTH, KT_ROOT, n, KT_DEPTH));
    KT_TRUE(kt_slot_empty(n));
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_NOTIFICATION);
}

KTEST(cnode_move_to_occupied_slot_delete_first)
{
    KT_CAP(a, ntfn());
    KT_CAP(b, ntfn());
    KT_ERR(seL4_CNode_Move(KT_ROOT, b, KT_DEPTH, KT_ROOT, a, KT_DEPTH), seL4_DeleteFirst);
    KT_EQ(seL4_DebugCapIdentify(a), KT_CAP_NOTIFICATION);
}

KTEST(cnode_mint_badge_seen_by_waiter)
{
    KT_CAP(n, ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x30));
    seL4_Signal(badged);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    KT_EQ(badge, 0x30);
}

/* seL4 Mutate runs updateCapData with preserve set, which never badges: an endpoint or
 * notification cap gives the null cap, so Mutate is IllegalOperation and nothing moves
 * (seL4 RFC 0070: "the only action Mutate can take that Move cannot is setting the guard of a
 * CNode"). */
KTEST(cnode_mutate_cannot_badge)
{
    KT_CAP(n, ntfn());
    KT_CAP(copy, kt_copy(n, seL4_AllRights));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Mutate(KT_ROOT, dst, KT_DEPTH, KT_ROOT, copy, KT_DEPTH, 0x5), seL4_IllegalOperation);
    KT_EQ(seL4_DebugCapIdentify(copy), KT_CAP_NOTIFICATION);
    KT_TRUE(kt_slot_empty(dst));
}

/* Mutate of a CNode cap moves it and sets its guard from the CNode_CapData word. */
KTEST(cnode_mutate_sets_guard_and_moves)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(copy, kt_copy(t, seL4_AllRights));
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_OK(seL4_CNode_Mutate(KT_ROOT, dst, KT_DEPTH, KT_ROOT, copy, KT_DEPTH,
                            seL4_CNode_CapData_new(5, 3).words[0]));
    KT_TRUE(kt_slot_empty(copy));
    /* dst now resolves 3 guard bits (value 5) and 4 index bits */
    KT_OK(seL4_CNode_Copy(dst, (5ul << 4) | 9, 7, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_ERR(seL4_CNode_Copy(t, 9, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights), seL4_DeleteFirst);
    KT_ERR(seL4_CNode_Delete(dst, 9, 4), seL4_FailedLookup);
    KT_MR(1, seL4_GuardMismatch);
}

KTEST(cnode_mint_rebadge_is_illegal)
{
    KT_CAP(n, ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 1));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, badged, KT_DEPTH, seL4_AllRights, 2),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
}

KTEST(cnode_mutate_rebadge_is_illegal)
{
    KT_CAP(n, ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 1));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Mutate(KT_ROOT, dst, KT_DEPTH, KT_ROOT, badged, KT_DEPTH, 2), seL4_IllegalOperation);
    KT_EQ(seL4_DebugCapIdentify(badged), KT_CAP_NOTIFICATION);
}

KTEST(cnode_copy_keeps_badge)
{
    KT_CAP(n, ntfn());
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x11));
    KT_CAP(copy, kt_copy(badged, seL4_AllRights));
    seL4_Signal(copy);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x11);
}

KTEST(cnode_mint_read_only_cannot_signal)
{
    KT_CAP(n, ntfn());
    KT_CAP(ro, kt_mint(n, seL4_CanRead, 0x1));
    seL4_MessageInfo_t r = seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_InvalidCapability);
    KT_MR(0, 0);
    seL4_Word badge = 0x99;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

KTEST(cnode_copy_cannot_add_rights)
{
    KT_CAP(n, ntfn());
    KT_CAP(ro, kt_copy(n, seL4_CanRead));
    KT_CAP(again, kt_copy(ro, seL4_AllRights));
    seL4_MessageInfo_t r = seL4_Call(again, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_InvalidCapability);
}

KTEST(cnode_call_on_writable_notification_signals)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_CanWrite, 0x4));
    seL4_MessageInfo_t r = seL4_Call(b, seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_MessageInfo_get_label(r), seL4_NoError);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x4);
}

KTEST(cnode_delete_empties_slot)
{
    KT_CAP(n, ntfn());
    KT_OK(seL4_CNode_Delete(KT_ROOT, n, KT_DEPTH));
    KT_TRUE(kt_slot_empty(n));
}

KTEST(cnode_delete_of_empty_slot_is_ok)
{
    seL4_CPtr s = kt_slot();
    KT_OK(seL4_CNode_Delete(KT_ROOT, s, KT_DEPTH));
}

KTEST(cnode_delete_original_keeps_copy_working)
{
    KT_CAP(n, ntfn());
    KT_CAP(waiter, kt_copy(n, seL4_AllRights));
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 7));
    KT_OK(seL4_CNode_Delete(KT_ROOT, n, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(waiter), KT_CAP_NOTIFICATION);
    seL4_Signal(badged);
    seL4_Word badge = 0;
    seL4_Poll(waiter, &badge);
    KT_EQ(badge, 7);
}

KTEST(cnode_revoke_deletes_copies_not_original)
{
    KT_CAP(n, ntfn());
    KT_CAP(c1, kt_copy(n, seL4_AllRights));
    KT_CAP(c2, kt_mint(n, seL4_AllRights, 3));
    KT_CAP(c3, kt_copy(c2, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, n, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c1));
    KT_TRUE(kt_slot_empty(c2));
    KT_TRUE(kt_slot_empty(c3));
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION);
}

/* A badged mint is a revocable parent of its copies, not of its siblings (seL4
 * isMDBParentOf: same badge and not first-badged). */
KTEST(cnode_revoke_of_copy_leaves_siblings)
{
    KT_CAP(n, ntfn());
    KT_CAP(c1, kt_mint(n, seL4_AllRights, 1));
    KT_CAP(c2, kt_mint(n, seL4_AllRights, 2));
    KT_CAP(c1child, kt_copy(c1, seL4_AllRights));
    KT_CAP(c2child, kt_copy(c2, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, c1, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c1child));
    KT_EQ(seL4_DebugCapIdentify(c1), KT_CAP_NOTIFICATION);
    KT_EQ(seL4_DebugCapIdentify(c2), KT_CAP_NOTIFICATION);
    KT_EQ(seL4_DebugCapIdentify(c2child), KT_CAP_NOTIFICATION);
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION);
}

/* A plain copy of an unbadged cap is not revocable (seL4 isCapRevocable): revoking it
 * deletes nothing, not even the copies made from it. */
KTEST(cnode_revoke_of_unbadged_copy_deletes_nothing)
{
    KT_CAP(n, ntfn());
    KT_CAP(c1, kt_copy(n, seL4_AllRights));
    KT_CAP(c1child, kt_copy(c1, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, c1, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(c1child), KT_CAP_NOTIFICATION);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, n, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c1));
    KT_TRUE(kt_slot_empty(c1child));
}

/* Rotate passes both moved caps through updateCapData with preserve set, which turns every
 * endpoint and notification cap into the null cap (IllegalOperation): the caps rotated here
 * are of kinds updateCapData leaves alone (TCB, reply) or re-guards (CNode). */
KTEST(cnode_rotate_three_slots)
{
    KT_CAP(pivot, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(src, kt_alloc(seL4_ReplyObject, 0));
    seL4_CPtr dst = kt_slot();
    KT_OK(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, KT_ROOT, pivot, KT_DEPTH, 0, KT_ROOT, src, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_THREAD);
    KT_EQ(seL4_DebugCapIdentify(pivot), KT_CAP_REPLY);
    KT_TRUE(kt_slot_empty(src));
}

KTEST(cnode_rotate_swap)
{
    KT_CAP(a, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(b, kt_alloc(seL4_ReplyObject, 0));
    KT_OK(seL4_CNode_Rotate(KT_ROOT, a, KT_DEPTH, 0, KT_ROOT, b, KT_DEPTH, 0, KT_ROOT, a, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(a), KT_CAP_REPLY);
    KT_EQ(seL4_DebugCapIdentify(b), KT_CAP_THREAD);
    /* the swapped caps still name their objects */
    KT_OK(seL4_TCB_SetPriority(b, seL4_CapInitThreadTCB, 10));
}

/* Rotate cannot badge: updateCapData(preserve) of a notification cap is null, so the whole
 * rotation is refused and no slot changes. */
KTEST(cnode_rotate_badges)
{
    KT_CAP(n1, ntfn());
    KT_CAP(n2, ntfn());
    KT_CAP(pivot, kt_copy(n1, seL4_AllRights));
    KT_CAP(src, kt_copy(n2, seL4_AllRights));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0x21, KT_ROOT, pivot, KT_DEPTH, 0x42, KT_ROOT, src,
                             KT_DEPTH),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
    seL4_Word badge = 0x99;
    seL4_Signal(pivot); /* still n1, unbadged */
    seL4_Poll(n1, &badge);
    KT_EQ(badge, 0);
    seL4_Signal(src); /* still n2 */
    seL4_Poll(n2, &badge);
    KT_EQ(badge, 0);
}

/* Rotate's data words set the guards of CNode caps: dest_badge goes with the pivot's cap
 * (moved to dest), pivot_badge with the source's cap (moved to pivot). */
KTEST(cnode_rotate_sets_cnode_guards)
{
    KT_CAP(c1, kt_alloc(seL4_CapTableObject, 3));
    KT_CAP(c2, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(pivot, kt_copy(c1, seL4_AllRights));
    KT_CAP(src, kt_copy(c2, seL4_AllRights));
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_OK(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, seL4_CNode_CapData_new(1, 2).words[0], KT_ROOT, pivot,
                            KT_DEPTH, seL4_CNode_CapData_new(6, 3).words[0], KT_ROOT, src, KT_DEPTH));
    KT_TRUE(kt_slot_empty(src));
    /* dst = c1 (radix 3) with guard 1/2; pivot = c2 (radix 4) with guard 6/3 */
    KT_OK(seL4_CNode_Copy(dst, (1ul << 3) | 5, 5, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_ERR(seL4_CNode_Copy(c1, 5, 3, KT_ROOT, n, KT_DEPTH, seL4_AllRights), seL4_DeleteFirst);
    KT_OK(seL4_CNode_Copy(pivot, (6ul << 4) | 11, 7, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_ERR(seL4_CNode_Copy(c2, 11, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights), seL4_DeleteFirst);
}

KTEST(cnode_rotate_occupied_dest_delete_first)
{
    KT_CAP(a, ntfn());
    KT_CAP(b, ntfn());
    KT_CAP(c, ntfn());
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, a, KT_DEPTH, 0, KT_ROOT, b, KT_DEPTH, 0, KT_ROOT, c, KT_DEPTH),
           seL4_DeleteFirst);
}

KTEST(cnode_rotate_pivot_is_src_illegal)
{
    KT_CAP(b, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, KT_ROOT, b, KT_DEPTH, 0, KT_ROOT, b, KT_DEPTH),
           seL4_IllegalOperation);
}

KTEST(cnode_depth_out_of_range)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(seL4_CNode_Delete(KT_ROOT, s, 65), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_ERR(seL4_CNode_Delete(KT_ROOT, s, 0), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
}

KTEST(cnode_depth_mismatch_error_mrs)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(seL4_CNode_Delete(KT_ROOT, s, 63), seL4_FailedLookup);
    KT_MR(0, 0); /* destination lookup */
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 63); /* bits left */
    KT_MR(3, 64); /* bits the root CNode resolves */
}

KTEST(cnode_guard_mismatch_error_mrs)
{
    seL4_CPtr s = kt_slot();
    KT_ERR(seL4_CNode_Delete(KT_ROOT, (1ul << 12) | s, KT_DEPTH), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_GuardMismatch);
    KT_MR(2, 64); /* bits left */
    /* "guard found" is the CNode cap's own guard, not the cptr's bits: seL4's
     * resolveAddressBits passes capGuard to lookup_fault_guard_mismatch_new */
    KT_MR(3, 0);
    KT_MR(4, 52); /* guard size */
}

KTEST(cnode_depth_shorter_than_guard)
{
    KT_ERR(seL4_CNode_Delete(KT_ROOT, 1, 5), seL4_FailedLookup);
    KT_MR(1, seL4_GuardMismatch);
    KT_MR(2, 5);
    KT_MR(4, 52);
}

KTEST(cnode_source_root_not_a_cnode)
{
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, n, 0, KT_DEPTH, seL4_AllRights), seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_InvalidRoot);
}

KTEST(cnode_source_depth_mismatch)
{
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, n, 60, seL4_AllRights), seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 60);
    KT_MR(3, 64);
}

/* A two-level CSpace: T (radix 4) holds in slot 3 a CNode L (radix 4). */
KTEST(cnode_two_level_lookup)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(l, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(n, ntfn());
    KT_OK(seL4_CNode_Copy(t, 3, 4, KT_ROOT, l, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_CNode_Copy(t, 0x35, 8, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    /* The same slot named directly through L is occupied. */
    KT_ERR(seL4_CNode_Copy(l, 5, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights), seL4_DeleteFirst);
    seL4_CPtr back = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, back, KT_DEPTH, t, 0x35, 8));
    KT_EQ(seL4_DebugCapIdentify(back), KT_CAP_NOTIFICATION);
    KT_OK(seL4_CNode_Copy(l, 5, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
}

KTEST(cnode_two_level_depth_mismatch)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(l, kt_alloc(seL4_CapTableObject, 4));
    KT_OK(seL4_CNode_Copy(t, 3, 4, KT_ROOT, l, KT_DEPTH, seL4_AllRights));
    /* 6 bits: 4 for T, then L needs 4 but only 2 are left. */
    KT_ERR(seL4_CNode_Delete(t, 0x3 << 2, 6), seL4_FailedLookup);
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 2);
    KT_MR(3, 4);
}

KTEST(cnode_two_level_missing_cnode)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    /* Slot 3 of T is empty: 4 bits remain unresolved. */
    KT_ERR(seL4_CNode_Delete(t, 0x35, 8), seL4_FailedLookup);
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 4);
    KT_MR(3, 0);
}

KTEST(cnode_guarded_child_lookup)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(l, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(n, ntfn());
    /* L in T's slot 4 with a 3-bit guard of value 2: index = 4:2:7 over 4+3+4 = 11 bits. */
    KT_OK(seL4_CNode_Mint(t, 4, 4, KT_ROOT, l, KT_DEPTH, seL4_AllRights,
                          seL4_CNode_CapData_new(2, 3).words[0]));
    KT_OK(seL4_CNode_Copy(t, (4ul << 7) | (2ul << 4) | 7, 11, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_ERR(seL4_CNode_Delete(t, (4ul << 7) | (3ul << 4) | 7, 11), seL4_FailedLookup);
    KT_MR(1, seL4_GuardMismatch);
    KT_MR(2, 7); /* bits left when L is reached */
    KT_MR(3, 2); /* guard found: L's guard (seL4 reports capGuard) */
    KT_MR(4, 3); /* guard size */
    seL4_CPtr back = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, back, KT_DEPTH, t, (4ul << 7) | (2ul << 4) | 7, 11));
    KT_EQ(seL4_DebugCapIdentify(back), KT_CAP_NOTIFICATION);
}

KTEST(cnode_copy_irq_control_is_illegal)
{
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, seL4_CapIRQControl, KT_DEPTH, seL4_AllRights),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
}

KTEST(cnode_label_on_wrong_object_is_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    seL4_CPtr dst = kt_slot();
    /* A CNode label sent to a TCB. */
    KT_ERR(seL4_CNode_Delete(tcb, dst, KT_DEPTH), seL4_IllegalOperation);
}

KTEST(cnode_cancel_badged_sends_rights)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 9));
    KT_CAP(ro, kt_mint(ep, seL4_CanRead, 8));
    KT_CAP(n, ntfn());
    KT_OK(seL4_CNode_CancelBadgedSends(KT_ROOT, badged, KT_DEPTH));
    KT_ERR(seL4_CNode_CancelBadgedSends(KT_ROOT, ro, KT_DEPTH), seL4_IllegalOperation);
    KT_ERR(seL4_CNode_CancelBadgedSends(KT_ROOT, n, KT_DEPTH), seL4_IllegalOperation);
}

static void badged_sender(kt_thread_t *t)
{
    seL4_SetMR(0, 0xabc);
    seL4_Send(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 1));
}

/* A sender blocked with the cancelled badge is restarted: it sends again and still arrives. */
KTEST(cnode_cancel_badged_sends_restarts_sender)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 9));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, badged_sender, KT_PRIO));
    t->arg[0] = badged;
    KT_DO(kt_thread_start(t));
    seL4_Yield();
    KT_TRUE(t->started);
    KT_OK(seL4_CNode_CancelBadgedSends(KT_ROOT, badged, KT_DEPTH));
    seL4_Word badge = 0;
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 9);
    KT_EQ(seL4_MessageInfo_get_length(info), 1);
    KT_EQ(seL4_GetMR(0), 0xabc);
}

KTEST(cnode_unknown_labels_are_illegal)
{
    seL4_Word mrs[8] = {kt_slot(), KT_DEPTH};
    static const seL4_Word labels[] = {0, UntypedRetype, TCBSuspend, CNodeRotate + 1, IRQIssueIRQHandler,
                                       0x4C00, 0xfffff};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        raw_reply_t r = raw_call(KT_ROOT, labels[i], 2, 0, mrs);
        if (seL4_MessageInfo_get_label(r.info) != seL4_IllegalOperation) {
            KT_FAIL("label %lu on a CNode answered %s", labels[i], kt_err_name(seL4_MessageInfo_get_label(r.info)));
        }
        KT_EQ(seL4_MessageInfo_get_length(r.info), 0);
    }
}

KTEST(cnode_fewer_than_two_words_truncated)
{
    KT_CAP(n, ntfn());
    seL4_Word mrs[2] = {n, KT_DEPTH};
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeDelete, 1, 0, mrs), seL4_TruncatedMessage);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeRevoke, 0, 0, mrs), seL4_TruncatedMessage);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeCancelBadgedSends, 1, 0, mrs), seL4_TruncatedMessage);
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION);
}

KTEST(cnode_copy_family_truncated)
{
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    seL4_Word mrs[8] = {dst, KT_DEPTH, n, KT_DEPTH, seL4_AllRights.words[0], 0x5};
    seL4_SetCap(0, KT_ROOT);
    /* no source root cap */
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeCopy, 5, 0, mrs), seL4_TruncatedMessage);
    /* fewer than the four words every label of the family needs */
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeMove, 3, 1, mrs), seL4_TruncatedMessage);
    /* the label's own words missing: checked after both lookups */
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeCopy, 4, 1, mrs), seL4_TruncatedMessage);
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeMint, 5, 1, mrs), seL4_TruncatedMessage);
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeMutate, 4, 1, mrs), seL4_TruncatedMessage);
    KT_TRUE(kt_slot_empty(dst));
    /* Move needs only four */
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeMove, 4, 1, mrs), seL4_NoError);
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_NOTIFICATION);
}

/* seL4 checks the destination is empty before the source and before the label's own length. */
KTEST(cnode_copy_checks_dest_before_source_and_length)
{
    KT_CAP(a, ntfn());
    KT_CAP(b, ntfn());
    seL4_CPtr empty = kt_slot();
    seL4_Word mrs[8] = {b, KT_DEPTH, empty, KT_DEPTH};
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeCopy, 4, 1, mrs), seL4_DeleteFirst);
    KT_ERR(seL4_CNode_Mint(KT_ROOT, b, KT_DEPTH, KT_ROOT, empty, KT_DEPTH, seL4_AllRights, 1), seL4_DeleteFirst);
    KT_ERR(seL4_CNode_Mutate(KT_ROOT, b, KT_DEPTH, KT_ROOT, a, 0, 0), seL4_DeleteFirst);
    KT_ERR(seL4_CNode_Move(KT_ROOT, a, KT_DEPTH, KT_ROOT, a, KT_DEPTH), seL4_DeleteFirst);
}

KTEST(cnode_source_depth_out_of_range)
{
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, n, 0, seL4_AllRights), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_ERR(seL4_CNode_Move(KT_ROOT, dst, KT_DEPTH, KT_ROOT, n, 65), seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, 200, KT_ROOT, n, KT_DEPTH, seL4_AllRights), seL4_RangeError);
    KT_TRUE(kt_slot_empty(dst));
}

/* A null cap as the source root: the extra cap's lookup succeeds, the root is no CNode. */
KTEST(cnode_source_root_null_cap_invalid_root)
{
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot(), empty = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, empty, n, KT_DEPTH, seL4_AllRights), seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_InvalidRoot);
}

KTEST(cnode_rotate_truncated)
{
    KT_CAP(a, ntfn());
    seL4_Word mrs[8] = {kt_slot(), KT_DEPTH, 0, a, KT_DEPTH, 0, a, KT_DEPTH};
    seL4_SetCap(0, KT_ROOT);
    seL4_SetCap(1, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeRotate, 7, 2, mrs), seL4_TruncatedMessage);
    seL4_SetCap(0, KT_ROOT);
    KT_RAW_ERR(raw_call(KT_ROOT, CNodeRotate, 8, 1, mrs), seL4_TruncatedMessage);
}

KTEST(cnode_rotate_lookup_errors)
{
    KT_CAP(src, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(pivot, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot(), empty = kt_slot();
    /* empty pivot: reported as a destination-side failure (failedLookupWasSource = 0) */
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, KT_ROOT, empty, KT_DEPTH, 0, KT_ROOT, src, KT_DEPTH),
           seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, KT_DEPTH);
    /* empty source */
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, KT_ROOT, pivot, KT_DEPTH, 0, KT_ROOT, empty, KT_DEPTH),
           seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_MissingCapability);
    KT_MR(2, KT_DEPTH);
    /* the pivot is looked up as a source (lookupPivotSlot) */
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, n, pivot, KT_DEPTH, 0, KT_ROOT, src, KT_DEPTH),
           seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_InvalidRoot);
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, KT_ROOT, pivot, 0, 0, KT_ROOT, src, KT_DEPTH),
           seL4_RangeError);
    KT_MR(0, 1);
    KT_MR(1, 64);
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, dst, KT_DEPTH, 0, KT_ROOT, pivot, KT_DEPTH, 0, KT_ROOT, src, 63),
           seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_DepthMismatch);
    /* pivot equal to the destination */
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, pivot, KT_DEPTH, 0, KT_ROOT, pivot, KT_DEPTH, 0, KT_ROOT, src, KT_DEPTH),
           seL4_IllegalOperation);
    /* an occupied destination is checked before the empty pivot */
    KT_ERR(seL4_CNode_Rotate(KT_ROOT, n, KT_DEPTH, 0, KT_ROOT, empty, KT_DEPTH, 0, KT_ROOT, src, KT_DEPTH),
           seL4_DeleteFirst);
    KT_EQ(seL4_DebugCapIdentify(src), KT_CAP_THREAD);
    KT_EQ(seL4_DebugCapIdentify(pivot), KT_CAP_REPLY);
    KT_TRUE(kt_slot_empty(dst));
}

/* updateCapData: guardSize + radix may not exceed 64. */
KTEST(cnode_mint_guard_too_big_is_illegal)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(n, ntfn());
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, t, KT_DEPTH, seL4_AllRights,
                           seL4_CNode_CapData_new(0, 61).words[0]),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
    KT_ERR(seL4_CNode_Mutate(KT_ROOT, dst, KT_DEPTH, KT_ROOT, t, KT_DEPTH, seL4_CNode_CapData_new(0, 63).words[0]),
           seL4_IllegalOperation);
    KT_EQ(seL4_DebugCapIdentify(t), KT_CAP_CNODE);
    /* 60 + 4 = 64 bits: this guarded cap resolves a whole cptr */
    KT_OK(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, t, KT_DEPTH, seL4_AllRights,
                          seL4_CNode_CapData_new(0, 60).words[0]));
    KT_OK(seL4_CNode_Copy(dst, 5, KT_DEPTH, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_EQ(slot_state(t, 5, 4), 1);
}

KTEST(cnode_irq_control_moves_but_never_copies)
{
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, seL4_CapIRQControl, KT_DEPTH, seL4_AllRights, 1),
           seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
    KT_OK(seL4_CNode_Move(KT_ROOT, dst, KT_DEPTH, KT_ROOT, seL4_CapIRQControl, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_IRQ_CONTROL);
    KT_OK(seL4_CNode_Move(KT_ROOT, seL4_CapIRQControl, KT_DEPTH, KT_ROOT, dst, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(seL4_CapIRQControl), KT_CAP_IRQ_CONTROL);
    /* Mutate moves without deriving, and IRQControl has no data to update */
    KT_OK(seL4_CNode_Mutate(KT_ROOT, dst, KT_DEPTH, KT_ROOT, seL4_CapIRQControl, KT_DEPTH, 0x1234));
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_IRQ_CONTROL);
    KT_OK(seL4_CNode_Move(KT_ROOT, seL4_CapIRQControl, KT_DEPTH, KT_ROOT, dst, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(seL4_CapIRQControl), KT_CAP_IRQ_CONTROL);
}

KTEST(cnode_copy_untyped_with_children_revoke_first)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr obj = kt_slot(), dst = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KT_ROOT, 0, 0, obj, 1));
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ut, KT_DEPTH, seL4_AllRights), seL4_RevokeFirst);
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ut, KT_DEPTH, seL4_AllRights, 0), seL4_RevokeFirst);
    KT_TRUE(kt_slot_empty(dst));
    /* Move does not derive */
    KT_OK(seL4_CNode_Move(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ut, KT_DEPTH));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, dst, KT_DEPTH));
    KT_TRUE(kt_slot_empty(obj));
    KT_OK(seL4_CNode_Copy(KT_ROOT, ut, KT_DEPTH, KT_ROOT, dst, KT_DEPTH, seL4_AllRights));
}

/* seL4 setUntypedCapAsFull: a whole copy of an untyped takes over its memory. */
KTEST(cnode_copy_of_untyped_takes_its_memory)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(copy, kt_copy(ut, seL4_AllRights));
    seL4_CPtr a = kt_slot(), b = kt_slot();
    KT_ERR(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KT_ROOT, 0, 0, a, 1), seL4_NotEnoughMemory);
    KT_MR(0, 0);
    KT_OK(seL4_Untyped_Retype(copy, seL4_NotificationObject, 0, KT_ROOT, 0, 0, a, 1));
    KT_OK(seL4_CNode_Delete(KT_ROOT, a, KT_DEPTH));
    KT_OK(seL4_CNode_Delete(KT_ROOT, copy, KT_DEPTH));
    /* no children left: the original is reset and usable again */
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, KT_ROOT, 0, 0, b, 1));
}

KTEST(cnode_copy_page_tables_only_when_mapped)
{
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, pt, KT_DEPTH, seL4_AllRights), seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
    /* the root VSpace is mapped (it has an ASID) */
    KT_OK(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, seL4_CapInitThreadVSpace, KT_DEPTH, seL4_AllRights));
    KT_EQ(seL4_DebugCapIdentify(dst), KT_CAP_PAGE_TABLE);
}

/* Under MCS a reply cap is an ordinary object cap: it may be copied. */
KTEST(cnode_copy_reply_cap)
{
    KT_CAP(r, kt_alloc(seL4_ReplyObject, 0));
    KT_CAP(copy, kt_copy(r, seL4_AllRights));
    KT_EQ(seL4_DebugCapIdentify(copy), KT_CAP_REPLY);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, r, KT_DEPTH));
    KT_TRUE(kt_slot_empty(copy));
}

/* deriveCap clears a frame copy's mapping: the copy maps elsewhere, onto the same memory. */
KTEST(cnode_copy_of_mapped_frame_starts_unmapped)
{
    seL4_CPtr frame;
    volatile seL4_Word *p = kt_page_cap(&frame);
    KT_TRUE(p != NULL);
    KT_CAP(copy, kt_copy(frame, seL4_AllRights));
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(copy, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    *(volatile seL4_Word *)v = 0x1234abcd;
    KT_EQ(*p, 0x1234abcd);
}

KTEST(cnode_copy_every_copyable_kind)
{
    static const struct {
        seL4_CPtr cap;
        seL4_Word type;
    } initial[] = {
        {seL4_CapInitThreadTCB, KT_CAP_THREAD}, {seL4_CapInitThreadCNode, KT_CAP_CNODE},
        {seL4_CapASIDControl, KT_CAP_ASID_CONTROL}, {seL4_CapInitThreadASIDPool, KT_CAP_ASID_POOL},
        {seL4_CapBootInfoFrame, KT_CAP_FRAME}, {seL4_CapDomain, KT_CAP_DOMAIN},
        {seL4_CapInitThreadSC, KT_CAP_SCHED_CONTEXT},
    };
    for (unsigned i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
        KT_CAP(c, kt_copy(initial[i].cap, seL4_AllRights));
        KT_EQ(seL4_DebugCapIdentify(c), initial[i].type);
    }
    KT_CAP(sctrl, kt_copy(kt_sched_control(), seL4_AllRights));
    KT_EQ(seL4_DebugCapIdentify(sctrl), KT_CAP_SCHED_CONTROL);
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(utc, kt_copy(ut, seL4_AllRights));
    KT_EQ(seL4_DebugCapIdentify(utc), KT_CAP_UNTYPED);
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(epc, kt_copy(ep, seL4_NoRights));
    KT_EQ(seL4_DebugCapIdentify(epc), KT_CAP_ENDPOINT);
}

/* Minting an unbadged endpoint gives a badged, revocable cap: the parent of its copies. */
KTEST(cnode_mint_of_unbadged_endpoint_is_revocable_parent)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 5));
    KT_CAP(copy, kt_copy(badged, seL4_AllRights));
    KT_CAP(copy2, kt_copy(copy, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, badged, KT_DEPTH));
    KT_TRUE(kt_slot_empty(copy));
    KT_TRUE(kt_slot_empty(copy2));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, badged_sender, KT_PRIO));
    t->arg[0] = badged;
    KT_DO(kt_thread_start(t));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 5);
    KT_EQ(seL4_MessageInfo_get_length(info), 1);
    KT_EQ(seL4_GetMR(0), 0xabc);
}

KTEST(cnode_endpoint_rebadge_is_illegal)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(badged, kt_mint(ep, seL4_AllRights, 5));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, badged, KT_DEPTH, seL4_AllRights, 6),
           seL4_IllegalOperation);
    /* not even to the same badge or to 0 */
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, badged, KT_DEPTH, seL4_AllRights, 5),
           seL4_IllegalOperation);
    KT_ERR(seL4_CNode_Mint(KT_ROOT, dst, KT_DEPTH, KT_ROOT, badged, KT_DEPTH, seL4_AllRights, 0),
           seL4_IllegalOperation);
    KT_ERR(seL4_CNode_Mutate(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ep, KT_DEPTH, 0), seL4_IllegalOperation);
    KT_TRUE(kt_slot_empty(dst));
    KT_OK(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, badged, KT_DEPTH, seL4_AllRights));
}

/* Mint with badge 0 of an unbadged cap is a plain, non-revocable copy that can still be
 * badged later. */
KTEST(cnode_mint_badge_zero_is_plain_copy)
{
    KT_CAP(n, ntfn());
    KT_CAP(m0, kt_mint(n, seL4_AllRights, 0));
    KT_CAP(c, kt_copy(m0, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, m0, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(c), KT_CAP_NOTIFICATION);
    KT_CAP(b, kt_mint(m0, seL4_AllRights, 3));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 3);
}

KTEST(cnode_move_keeps_badge_and_children)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 9));
    KT_CAP(child, kt_copy(b, seL4_AllRights));
    seL4_CPtr moved = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, moved, KT_DEPTH, KT_ROOT, b, KT_DEPTH));
    KT_TRUE(kt_slot_empty(b));
    seL4_Signal(moved);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 9);
    /* the moved cap keeps its place in the derivation tree */
    KT_OK(seL4_CNode_Revoke(KT_ROOT, moved, KT_DEPTH));
    KT_TRUE(kt_slot_empty(child));
}

/* Two mints with the same badge start two trees: revoking the newer stops at the older. */
KTEST(cnode_revoke_stops_at_next_first_badged)
{
    KT_CAP(n, ntfn());
    KT_CAP(b1, kt_mint(n, seL4_AllRights, 7));
    KT_CAP(b2, kt_mint(n, seL4_AllRights, 7));
    KT_CAP(c2, kt_copy(b2, seL4_AllRights));
    KT_CAP(c1, kt_copy(b1, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, b2, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c2));
    KT_EQ(seL4_DebugCapIdentify(b1), KT_CAP_NOTIFICATION);
    KT_EQ(seL4_DebugCapIdentify(c1), KT_CAP_NOTIFICATION);
    /* deleting a first-badged cap passes the role on to its copy */
    KT_OK(seL4_CNode_Delete(KT_ROOT, b1, KT_DEPTH));
    KT_CAP(c1c, kt_copy(c1, seL4_AllRights));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, b2, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(c1), KT_CAP_NOTIFICATION);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, n, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c1));
    KT_TRUE(kt_slot_empty(c1c));
    KT_TRUE(kt_slot_empty(b2));
}

#define CHAIN_LEN 500
KTEST(cnode_revoke_chain_of_500_copies)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x77));
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 9));
    KT_OK(seL4_CNode_Copy(cn, 0, 9, KT_ROOT, b, KT_DEPTH, seL4_AllRights));
    for (seL4_Word i = 1; i < CHAIN_LEN; i++) {
        seL4_Error e = seL4_CNode_Copy(cn, i, 9, cn, i - 1, 9, seL4_AllRights);
        if (e != seL4_NoError) {
            KT_FAIL("copy %lu of the chain: %s", i, kt_err_name(e));
        }
    }
    KT_EQ(slot_state(cn, CHAIN_LEN - 1, 9), 1);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, b, KT_DEPTH));
    for (seL4_Word i = 0; i < CHAIN_LEN; i++) {
        if (slot_state(cn, i, 9) != 0) {
            KT_FAIL("chain slot %lu survived the revoke", i);
        }
    }
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x77);
}

#define FAN_LEN 1000
KTEST(cnode_revoke_fan_of_1000_mints)
{
    KT_CAP(n, ntfn());
    KT_CAP(cn, kt_alloc(seL4_CapTableObject, 10));
    for (seL4_Word i = 0; i < FAN_LEN; i++) {
        seL4_Error e = seL4_CNode_Mint(cn, i, 10, KT_ROOT, n, KT_DEPTH, seL4_AllRights, i + 1);
        if (e != seL4_NoError) {
            KT_FAIL("mint %lu: %s", i, kt_err_name(e));
        }
    }
    KT_OK(seL4_CNode_Revoke(KT_ROOT, n, KT_DEPTH));
    for (seL4_Word i = 0; i < FAN_LEN; i++) {
        if (slot_state(cn, i, 10) != 0) {
            KT_FAIL("mint in slot %lu survived the revoke", i);
        }
    }
    KT_CAP(again, kt_mint(n, seL4_AllRights, 0x5a));
    seL4_Signal(again);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x5a);
}

KTEST(cnode_cancel_badged_sends_edge_cases)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    /* unbadged: nothing to cancel, but allowed */
    KT_OK(seL4_CNode_CancelBadgedSends(KT_ROOT, ep, KT_DEPTH));
    seL4_CPtr empty = kt_slot();
    KT_ERR(seL4_CNode_CancelBadgedSends(KT_ROOT, empty, KT_DEPTH), seL4_IllegalOperation);
    /* every right is needed, GrantReply included */
    KT_CAP(no_gr, kt_mint(ep, seL4_CapRights_new(0, 1, 1, 1), 3));
    KT_ERR(seL4_CNode_CancelBadgedSends(KT_ROOT, no_gr, KT_DEPTH), seL4_IllegalOperation);
    KT_ERR(seL4_CNode_CancelBadgedSends(KT_ROOT, ep, 0), seL4_RangeError);
}

/* The last caps of nested CNodes, a notification and a TCB: one Delete clears them all, and
 * the untyped they came from has no children left. */
KTEST(cnode_delete_nested_cnodes_recursively)
{
    KT_CAP(ut, kt_alloc_untyped(16));
    seL4_CPtr c1 = kt_slot(), c2 = kt_slot(), c3 = kt_slot(), nt = kt_slot(), tcb = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 4, KT_ROOT, 0, 0, c1, 3));
    KT_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KT_ROOT, 0, 0, nt, 1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, KT_ROOT, 0, 0, tcb, 1));
    KT_OK(seL4_CNode_Move(c3, 2, 4, KT_ROOT, nt, KT_DEPTH));
    KT_OK(seL4_CNode_Move(c3, 3, 4, KT_ROOT, tcb, KT_DEPTH));
    KT_OK(seL4_CNode_Move(c2, 1, 4, KT_ROOT, c3, KT_DEPTH));
    KT_OK(seL4_CNode_Move(c1, 15, 4, KT_ROOT, c2, KT_DEPTH));
    /* the notification is reachable through the three levels: 15, 1, 2 */
    KT_EQ(slot_state(c1, (15ul << 8) | (1ul << 4) | 2, 12), 1);
    KT_ERR(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, KT_ROOT, 0, 0, probe, 1), seL4_NotEnoughMemory);
    KT_OK(seL4_CNode_Delete(KT_ROOT, c1, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, KT_ROOT, 0, 0, probe, 1));
}

/* A CNode holding a copy of its own cap: deleting the outside cap leaves it alive, and the
 * revoke of its untyped then deletes the cap inside it (its last) without looping. */
KTEST(cnode_holding_a_copy_of_itself)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr cn = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 2, KT_ROOT, 0, 0, cn, 1));
    KT_OK(seL4_CNode_Copy(cn, 1, 2, KT_ROOT, cn, KT_DEPTH, seL4_AllRights));
    /* the inner copy resolves through itself: slot 1, then slot 3 of the same CNode */
    KT_OK(seL4_CNode_Copy(cn, (1ul << 2) | 3, 4, KT_ROOT, seL4_CapDomain, KT_DEPTH, seL4_NoRights));
    KT_EQ(slot_state(cn, 3, 2), 1);
    KT_OK(seL4_CNode_Delete(cn, 3, 2));
    KT_OK(seL4_CNode_Delete(KT_ROOT, cn, KT_DEPTH));
    KT_ERR(seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, KT_ROOT, 0, 0, probe, 1), seL4_NotEnoughMemory);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, KT_ROOT, 0, 0, probe, 1));
}

/* The only cap to a CNode moved into the CNode itself, next to other caps: revoking the
 * untyped finds it and tears the CNode down. */
KTEST(cnode_holding_its_only_cap)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr cn = kt_slot(), nt = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 3, KT_ROOT, 0, 0, cn, 1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KT_ROOT, 0, 0, nt, 1));
    KT_OK(seL4_CNode_Move(cn, 6, 3, KT_ROOT, nt, KT_DEPTH));
    KT_OK(seL4_CNode_Move(cn, 2, 3, KT_ROOT, cn, KT_DEPTH));
    KT_TRUE(kt_slot_empty(cn));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, KT_ROOT, 0, 0, probe, 1));
}

/* A CNode cap made by Retype is revocable: its copies and re-guarded mints are its children. */
KTEST(cnode_revoke_of_cnode_cap)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(c1, kt_copy(t, seL4_AllRights));
    KT_CAP(c2, kt_mint(t, seL4_AllRights, seL4_CNode_CapData_new(1, 2).words[0]));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, t, KT_DEPTH));
    KT_TRUE(kt_slot_empty(c1));
    KT_TRUE(kt_slot_empty(c2));
    KT_EQ(slot_state(t, 0, 4), 0);
}

/* Three levels: T (radix 4) -> slot 2: L2 (guard 3/2 bits, radix 3) -> slot 5: L3 (guard 1/1
 * bit, radix 2). A 12-bit cptr 2:3:5:1:idx. */
KTEST(cnode_three_level_guards)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(l2, kt_alloc(seL4_CapTableObject, 3));
    KT_CAP(l3, kt_alloc(seL4_CapTableObject, 2));
    KT_CAP(n, ntfn());
    KT_OK(seL4_CNode_Mint(t, 2, 4, KT_ROOT, l2, KT_DEPTH, seL4_AllRights, seL4_CNode_CapData_new(3, 2).words[0]));
    KT_OK(seL4_CNode_Mint(l2, 5, 3, KT_ROOT, l3, KT_DEPTH, seL4_AllRights, seL4_CNode_CapData_new(1, 1).words[0]));
    seL4_Word path = (2ul << 8) | (3ul << 6) | (5ul << 3) | (1ul << 2);
    KT_OK(seL4_CNode_Copy(t, path | 1, 12, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_EQ(slot_state(l3, 1, 2), 1);
    /* wrong guard at the third level */
    KT_ERR(seL4_CNode_Delete(t, (path & ~(1ul << 2)) | 1, 12), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_GuardMismatch);
    KT_MR(2, 3);
    KT_MR(3, 1);
    KT_MR(4, 1);
    /* wrong guard at the second level */
    KT_ERR(seL4_CNode_Delete(t, (path & ~(3ul << 6)) | (1ul << 6) | 1, 12), seL4_FailedLookup);
    KT_MR(1, seL4_GuardMismatch);
    KT_MR(2, 8);
    KT_MR(3, 3);
    KT_MR(4, 2);
    /* one bit short: the third level's guard matches, its radix does not fit */
    KT_ERR(seL4_CNode_Delete(t, path >> 1, 11), seL4_FailedLookup);
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 2);
    KT_MR(3, 3);
    /* stopping at the second level names L3's slot itself */
    KT_EQ(slot_state(t, (2ul << 5) | (3ul << 3) | 5, 9), 1);
    seL4_CPtr back = kt_slot();
    KT_OK(seL4_CNode_Move(KT_ROOT, back, KT_DEPTH, t, path | 1, 12));
    KT_EQ(seL4_DebugCapIdentify(back), KT_CAP_NOTIFICATION);
}

/* A CNode operation's path that reaches a non-CNode cap with bits left: DepthMismatch with
 * bitsFound 0 (lookupSlotForCNodeOp). */
KTEST(cnode_op_path_through_non_cnode)
{
    KT_CAP(t, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(n, ntfn());
    KT_OK(seL4_CNode_Copy(t, 3, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights));
    KT_ERR(seL4_CNode_Delete(t, 0x35, 8), seL4_FailedLookup);
    KT_MR(0, 0);
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 4);
    KT_MR(3, 0);
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, t, 0x35, 8, seL4_AllRights), seL4_FailedLookup);
    KT_MR(0, 1);
    KT_MR(1, seL4_DepthMismatch);
    KT_MR(2, 4);
    KT_MR(3, 0);
}

/* A syscall's cptr is resolved with depth 64 and stops at the first non-CNode cap: the bits
 * left over are ignored (seL4 lookupCap). The helper's CSpace is a radix-4 CNode without a
 * guard, so the top 4 bits of a cptr pick the slot. */
KTEST(cnode_rotate_swap_of_mdb_neighbours)
{
    KT_CAP(orig, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(copy, kt_copy(orig, seL4_AllRights));
    KT_OK(seL4_CNode_Rotate(KT_ROOT, orig, KT_DEPTH, 0, KT_ROOT, copy, KT_DEPTH, 0, KT_ROOT, orig, KT_DEPTH));
    /* the original (revocable) now sits in `copy`: revoking it removes the copy in `orig` */
    KT_OK(seL4_CNode_Revoke(KT_ROOT, orig, KT_DEPTH));
    KT_EQ(seL4_DebugCapIdentify(copy), KT_CAP_THREAD);
    KT_EQ(seL4_DebugCapIdentify(orig), KT_CAP_THREAD);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, copy, KT_DEPTH));
    KT_TRUE(kt_slot_empty(orig));
    KT_OK(seL4_TCB_SetPriority(copy, seL4_CapInitThreadTCB, 7));
}

KTEST(cnode_every_label_checks_its_destination)
{
    KT_CAP(n, ntfn());
    static const seL4_Word labels[] = {CNodeRevoke, CNodeDelete, CNodeCancelBadgedSends, CNodeCopy,
                                       CNodeMint, CNodeMove, CNodeMutate, CNodeRotate};
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        seL4_Word l = labels[i];
        /* index, depth, then source words that would be valid (Rotate: pivot and source) */
        seL4_Word mrs[8] = {kt_slot(), 0, n, KT_DEPTH, 0, 0, n, KT_DEPTH};
        if (l == CNodeRotate) {
            mrs[2] = 0;
            mrs[3] = n;
            mrs[4] = KT_DEPTH;
        }
        for (int depth_case = 0; depth_case < 4; depth_case++) {
            seL4_Word want_mr0 = 1, want_mr1 = 64;
            seL4_Error want = seL4_RangeError;
            switch (depth_case) {
            case 0: mrs[1] = 0; break;
            case 1: mrs[1] = 65; break;
            case 2:
                mrs[1] = 63;
                want = seL4_FailedLookup;
                want_mr0 = 0;
                want_mr1 = seL4_DepthMismatch;
                break;
            default:
                mrs[1] = KT_DEPTH;
                mrs[0] |= 1ul << 40; /* inside the root CNode's guard */
                want = seL4_FailedLookup;
                want_mr0 = 0;
                want_mr1 = seL4_GuardMismatch;
                break;
            }
            seL4_SetCap(0, KT_ROOT);
            seL4_SetCap(1, KT_ROOT);
            raw_reply_t r = raw_call(KT_ROOT, l, 8, 2, mrs);
            if (seL4_MessageInfo_get_label(r.info) != want || seL4_GetMR(0) != want_mr0 ||
                seL4_GetMR(1) != want_mr1) {
                KT_FAIL("label %lu, case %d: %s MR0 %lu MR1 %lu", l, depth_case,
                        kt_err_name(seL4_MessageInfo_get_label(r.info)), seL4_GetMR(0), seL4_GetMR(1));
            }
        }
        KT_EQ(seL4_GetMR(2), 64); /* guard mismatch: bits left */
        KT_EQ(seL4_GetMR(3), 0);  /* the root CNode's guard */
        KT_EQ(seL4_GetMR(4), 52);
    }
    KT_EQ(seL4_DebugCapIdentify(n), KT_CAP_NOTIFICATION);
}

/* CNode labels sent to other kinds of kernel object are those objects' unknown labels. */
KTEST(cnode_labels_on_other_objects_are_illegal)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_CAP(pt, kt_alloc(seL4_RISCV_PageTableObject, 0));
    seL4_CPtr targets[] = {tcb, ut, sc, pt, seL4_CapIRQControl, seL4_CapASIDControl, seL4_CapDomain,
                           seL4_CapInitThreadASIDPool, kt_sched_control()};
    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        seL4_Word mrs[8] = {kt_slot(), KT_DEPTH, 0, 0, 0, 0, 0, 0};
        seL4_SetCap(0, KT_ROOT);
        raw_reply_t r = raw_call(targets[i], CNodeCopy, 5, 1, mrs);
        if (seL4_MessageInfo_get_label(r.info) != seL4_IllegalOperation) {
            KT_FAIL("CNodeCopy on cap %lu (type %u) answered %s", targets[i], seL4_DebugCapIdentify(targets[i]),
                    kt_err_name(seL4_MessageInfo_get_label(r.info)));
        }
    }
}

/* Without a registered IPC buffer an invocation has at most the four register MRs and no
 * extra caps (seL4 handleInvocation/lookupExtraCaps). */

/* CancelBadgedSends restarts only the senders with that badge: the restarted one sends
 * again and queues up behind the other. */
KTEST(cnode_cancel_badged_sends_only_that_badge)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(b1, kt_mint(ep, seL4_AllRights, 1));
    KT_CAP(b2, kt_mint(ep, seL4_AllRights, 2));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *t1 = &kt_threads[0], *t2 = &kt_threads[1];
    KT_DO(kt_thread_new(t1, badged_sender, KT_PRIO));
    KT_DO(kt_thread_new(t2, badged_sender, KT_PRIO));
    t1->arg[0] = b1;
    t2->arg[0] = b2;
    KT_DO(kt_thread_start(t1));
    seL4_Yield();
    KT_DO(kt_thread_start(t2));
    seL4_Yield();
    KT_TRUE(t1->started && t2->started);
    KT_OK(seL4_CNode_CancelBadgedSends(KT_ROOT, b1, KT_DEPTH));
    seL4_Yield(); /* sender 1 runs its Send again */
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 2);
    seL4_Recv(ep, &badge, reply);
    KT_EQ(badge, 1);
    KT_EQ(seL4_GetMR(0), 0xabc);
}
