/* CNode invocations (Copy, Mint, Move, Mutate, Rotate, Delete, Revoke, CancelBadgedSends) and
 * capability lookup errors with the exact error message registers of abi.md 5. The root CNode
 * has radix 12 and a 52-bit guard of 0, so cptrs resolve with depth 64. */
#include "kt.h"

static seL4_CPtr ntfn(void)
{
    return kt_alloc(seL4_NotificationObject, 0);
}

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

/* ---- raw invocations: any label, length and extra caps, which the libsel4 wrappers never
 * send. MR0..MR3 travel in registers, the rest and the caps in the IPC buffer; the reply's
 * MR0..MR3 are put back in the IPC buffer so KT_MR sees them. */
typedef struct {
    seL4_MessageInfo_t info;
    seL4_Word badge; /* a0 after the call */
} raw_reply_t;

static raw_reply_t raw_call(seL4_CPtr cap, seL4_Word label, seL4_Word length, seL4_Word extra_caps,
                            const seL4_Word *mrs)
{
    lark_syscall_regs_t r = {.a0 = cap, .info = seL4_MessageInfo_new(label, 0, extra_caps, length).words[0]};
    for (seL4_Word i = 0; i < length; i++) {
        if (i < 4) {
            r.mr[i] = mrs[i];
        } else {
            seL4_SetMR((int)i, mrs[i]);
        }
    }
    lark_syscall(seL4_SysCall, &r);
    for (int i = 0; i < 4; i++) {
        seL4_SetMR(i, r.mr[i]);
    }
    raw_reply_t out = {{{r.info}}, r.a0};
    return out;
}

#define KT_RAW_ERR(reply, err) KT_ERR(seL4_MessageInfo_get_label((reply).info), err)

/* Occupancy of a slot in any CNode, without side effects: a Move onto itself answers
 * DeleteFirst when the slot holds a cap and FailedLookup (empty source) when it does not. */
static int slot_state(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    seL4_Error e = seL4_CNode_Move(cnode, index, depth, cnode, index, depth);
    return e == seL4_DeleteFirst ? 1 : e == seL4_FailedLookup ? 0 : -1;
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
static void signal_long_cptr(kt_thread_t *t)
{
    lark_syscall_regs_t r = {.a0 = (1ul << 60) | 0xabcdef, .info = 0};
    lark_syscall(seL4_SysSend, &r);
    t->result[0] = 1;
}

KTEST(cnode_syscall_cptr_stops_at_first_non_cnode)
{
    KT_CAP(n, ntfn());
    KT_CAP(t4, kt_alloc(seL4_CapTableObject, 4));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, signal_long_cptr, KT_PRIO));
    KT_OK(seL4_CNode_Mint(t4, 1, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights, 0x42));
    /* its own TCB in slot 0, where its self cptr (a small number) lands */
    KT_OK(seL4_CNode_Copy(t4, 0, 4, KT_ROOT, t->tcb, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_TCB_SetSpace(t->tcb, 0, t4, 0, seL4_CapInitThreadVSpace, 0));
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x42);
}

/* ---- lookup failures of the syscall path become cap faults (abi.md 6) */
static void copy_with_bad_extra_cap(kt_thread_t *t)
{
    seL4_CNode_Copy(KT_ROOT, t->arg[0], KT_DEPTH, t->arg[1], 0, KT_DEPTH, seL4_AllRights);
    t->result[0] = 1;
}

static void call_bad_cptr(kt_thread_t *t)
{
    seL4_Call(t->arg[1], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[0] = 1;
}

static void recv_on(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_Recv(t->arg[1], &badge, t->arg[2]);
    t->result[0] = badge;
}

/* Starts `fn` with a fault endpoint and returns the fault message's info (0 label on failure). */
static seL4_MessageInfo_t fault_of(void (*fn)(kt_thread_t *), seL4_Word arg1, seL4_Word arg2, seL4_Word *addr)
{
    seL4_MessageInfo_t none = seL4_MessageInfo_new(0, 0, 0, 0);
    seL4_CPtr ep = kt_alloc(seL4_EndpointObject, 0), reply = kt_alloc(seL4_ReplyObject, 0);
    if (ep == 0 || reply == 0) {
        return none;
    }
    kt_thread_t *t = &kt_threads[0];
    if (kt_thread_new(t, fn, KT_PRIO) != 0 || kt_thread_set_fault_ep(t, ep, KT_PRIO) != 0) {
        return none;
    }
    t->arg[0] = kt_slot();
    t->arg[1] = arg1;
    t->arg[2] = arg2;
    if (kt_thread_start(t) != 0) {
        return none;
    }
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    *addr = seL4_GetMR(seL4_CapFault_Addr);
    if (t->result[0] != 0) {
        kt_fail(__FILE__, __LINE__, "the faulting thread went on running");
    }
    return info;
}

#define BAD_CPTR ((1ul << 12) | 5) /* misses the root CNode's 52-bit zero guard */

KTEST(cnode_extra_cap_lookup_failure_is_cap_fault)
{
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(copy_with_bad_extra_cap, BAD_CPTR, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_MessageInfo_get_length(info), 7);
    KT_EQ(addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
    KT_MR(seL4_CapFault_GuardMismatch_GuardFound, 0);
    KT_MR(seL4_CapFault_GuardMismatch_BitsFound, 52);
    KT_NE(seL4_GetMR(seL4_CapFault_IP), 0);
}

KTEST(cnode_invoked_cptr_lookup_failure_is_cap_fault)
{
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(call_bad_cptr, BAD_CPTR, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
}

KTEST(cnode_recv_on_empty_slot_is_cap_fault)
{
    seL4_CPtr empty = kt_slot();
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, empty, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(seL4_MessageInfo_get_length(info), 5);
    KT_EQ(addr, empty);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

KTEST(cnode_recv_without_read_right_is_cap_fault)
{
    KT_CAP(n, ntfn());
    KT_CAP(wo, kt_mint(n, seL4_CanWrite, 0));
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, wo, 0, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, wo);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

/* MCS (seL4 16 lookupReply): a reply cptr that fails to resolve is a cap fault on the
 * reply cptr, in the receive phase. */
KTEST(cnode_recv_with_bad_reply_cptr_is_cap_fault)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, ep, BAD_CPTR, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
}

/* A cap in the reply register that is not a reply cap is a cap fault on that cptr too. */
KTEST(cnode_recv_with_non_reply_cap_is_cap_fault)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(n, ntfn());
    seL4_Word addr = 0;
    seL4_MessageInfo_t info = fault_of(recv_on, ep, n, &addr);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_EQ(addr, n);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
}

/* Without a fault handler the non-blocking send to a bad cptr is silently dropped. */
KTEST(cnode_nbsend_to_bad_cptr_is_ignored)
{
    seL4_NBSend(BAD_CPTR, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_NBSend(kt_slot(), seL4_MessageInfo_new(0, 0, 0, 0));
    KT_EQ(seL4_DebugCapIdentify(KT_ROOT), KT_CAP_CNODE);
}

/* ---- every seL4 error code, reached through real lookups */
KTEST(cnode_error_invalid_capability_on_empty_slot)
{
    seL4_Word mrs[4] = {0};
    raw_reply_t r = raw_call(kt_slot(), CNodeDelete, 2, 0, mrs);
    KT_RAW_ERR(r, seL4_InvalidCapability);
    KT_EQ(seL4_MessageInfo_get_length(r.info), 1);
    KT_MR(0, 0);
    KT_EQ(r.badge, 0); /* kernel replies carry badge 0 */
}

KTEST(cnode_error_invalid_argument)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_ERR(seL4_Untyped_Retype(ut, seL4_ObjectTypeCount, 0, KT_ROOT, 0, 0, kt_slot(), 1), seL4_InvalidArgument);
    KT_MR(0, 0);
}

KTEST(cnode_error_alignment)
{
    KT_CAP(frame, kt_alloc(seL4_RISCV_4K_Page, 0));
    seL4_Word v = kt_vaddr_pages(2) + 0x800;
    KT_ERR(seL4_RISCV_Page_Map(frame, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes),
           seL4_AlignmentError);
}

KTEST(cnode_error_not_enough_memory)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr a = kt_slot();
    kt_slot();
    KT_ERR(seL4_Untyped_Retype(ut, seL4_RISCV_4K_Page, 0, KT_ROOT, 0, 0, a, 2), seL4_NotEnoughMemory);
    KT_MR(0, 4096);
    KT_TRUE(kt_slot_empty(a));
}

KTEST(cnode_error_revoke_first)
{
    KT_CAP(ut, kt_alloc_untyped(12));
    KT_CAP(child, kt_copy(ut, seL4_AllRights));
    seL4_CPtr dst = kt_slot();
    KT_ERR(seL4_CNode_Copy(KT_ROOT, dst, KT_DEPTH, KT_ROOT, ut, KT_DEPTH, seL4_AllRights), seL4_RevokeFirst);
    KT_EQ(seL4_DebugCapIdentify(child), KT_CAP_UNTYPED);
}

KTEST(cnode_error_truncated_message_reply_has_no_mrs)
{
    seL4_Word mrs[4] = {kt_slot(), KT_DEPTH};
    raw_reply_t r = raw_call(KT_ROOT, CNodeCopy, 2, 0, mrs);
    KT_RAW_ERR(r, seL4_TruncatedMessage);
    KT_EQ(seL4_MessageInfo_get_length(r.info), 0);
    KT_EQ(r.badge, 0);
}

/* A Call on a notification signals it and gets an empty kernel reply. */
KTEST(cnode_call_on_notification_reply_is_empty)
{
    KT_CAP(n, ntfn());
    KT_CAP(b, kt_mint(n, seL4_AllRights, 0x8));
    seL4_Word mrs[4] = {1, 2, 3, 4};
    raw_reply_t r = raw_call(b, 77, 3, 0, mrs);
    KT_EQ(seL4_MessageInfo_get_label(r.info), 0);
    KT_EQ(seL4_MessageInfo_get_length(r.info), 0);
    KT_EQ(r.badge, 0);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x8);
}

/* An endpoint cap without Write, invoked with Send: the error has nowhere to go, and the
 * thread carries on (no fault). */
static void send_on(kt_thread_t *t)
{
    seL4_Send(t->arg[1], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[0] = 1;
}

KTEST(cnode_send_without_write_right_is_silent)
{
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(ro, kt_copy(ep, seL4_CanRead));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, send_on, KT_PRIO));
    t->arg[1] = ro;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 1);
    seL4_Word mrs[4] = {0};
    raw_reply_t r = raw_call(ro, 0, 0, 0, mrs);
    KT_RAW_ERR(r, seL4_InvalidCapability);
    KT_MR(0, 0);
}

/* ---- preemptible deletion: a Delete of a big CNode stops at preemption points with the
 * CNode left as a zombie in its slot. A higher-priority thread released by its budget timer
 * catches it there and revokes the untyped the CNode came from: the zombie is still that
 * untyped's child, so the revoke finishes the deletion; the root's Delete then restarts on
 * an empty slot. */
#define KT_CAP_ZOMBIE 18 /* seL4 cap_zombie_cap */
static void zombie_watcher(kt_thread_t *t)
{
    while (t->arg[2] == 0) {
        if (t->result[0] == 0 && seL4_DebugCapIdentify(t->arg[0]) == KT_CAP_ZOMBIE) {
            t->result[0] = 1;
            /* a zombie cannot be copied (deriveCap gives the null cap) or invoked */
            t->result[3] = seL4_CNode_Copy(KT_ROOT, t->arg[3], KT_DEPTH, KT_ROOT, t->arg[0], KT_DEPTH,
                                           seL4_AllRights);
            t->result[4] = seL4_CNode_Delete(t->arg[0], 0, 12);
            t->result[1] = seL4_CNode_Revoke(KT_ROOT, t->arg[1], KT_DEPTH);
            t->result[2] = seL4_DebugCapIdentify(t->arg[0]);
        }
        t->counter++;
    }
}

KTEST(cnode_revoke_reaches_a_preempted_delete)
{
    KT_CAP(ut, kt_alloc_untyped(18));
    KT_CAP(n, ntfn());
    seL4_CPtr cn = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 12, KT_ROOT, 0, 0, cn, 1));
    for (seL4_Word i = 0; i < 4096; i++) {
        seL4_Error e = seL4_CNode_Mint(cn, i, 12, KT_ROOT, n, KT_DEPTH, seL4_AllRights, i + 1);
        if (e != seL4_NoError) {
            KT_FAIL("mint %lu: %s", i, kt_err_name(e));
        }
    }
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, zombie_watcher, KT_PRIO + 1));
    /* released every 400 us: the Delete (about 600 us alone) is interrupted at least once */
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 200, 400, 0, 0, 0));
    t->arg[0] = cn;
    t->arg[1] = ut;
    t->arg[3] = kt_slot();
    KT_DO(kt_thread_start(t));
    KT_OK(seL4_CNode_Delete(KT_ROOT, cn, KT_DEPTH));
    t->arg[2] = 1;
    for (int i = 0; i < 1000000 && !t->done; i++) {
        seL4_Yield();
    }
    KT_TRUE(t->done);
    KT_EQ(t->result[0], 1);            /* the Delete was caught half done */
    KT_EQ(t->result[1], seL4_NoError);
    KT_EQ(t->result[2], KT_CAP_NULL);  /* the untyped's revoke finished it */
    KT_EQ(t->result[3], seL4_IllegalOperation);
    KT_EQ(t->result[4], seL4_InvalidCapability);
    KT_TRUE(kt_slot_empty(t->arg[3]));
    KT_TRUE(kt_slot_empty(cn));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 18, KT_ROOT, 0, 0, probe, 1));
    seL4_Signal(n);
    seL4_Word badge = 1;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
}

/* ---- the Domain cap (one domain): DomainSet_Set's checks, in seL4's order */
KTEST(domain_set_set_arguments)
{
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(n, ntfn());
    KT_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, tcb));
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 1, tcb), seL4_InvalidArgument);
    KT_MR(0, 0);
    KT_ERR(seL4_DomainSet_Set(seL4_CapDomain, 0, n), seL4_InvalidArgument);
    KT_MR(0, 1);
    seL4_Word mrs[4] = {5};
    /* the domain is checked before the missing thread cap */
    KT_RAW_ERR(raw_call(seL4_CapDomain, DomainSetSet, 1, 0, mrs), seL4_InvalidArgument);
    KT_MR(0, 0);
    mrs[0] = 0;
    KT_RAW_ERR(raw_call(seL4_CapDomain, DomainSetSet, 1, 0, mrs), seL4_TruncatedMessage);
    KT_RAW_ERR(raw_call(seL4_CapDomain, DomainSetSet, 0, 0, mrs), seL4_TruncatedMessage);
    KT_RAW_ERR(raw_call(seL4_CapDomain, CNodeDelete, 2, 0, mrs), seL4_IllegalOperation);
}

/* Rotate with src == dest swaps two MDB neighbours (a cap and its copy): the derivation
 * links and the revocable flag travel with the caps. */
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

/* ---- a thread that destroys itself through the CSpace never runs again and the kernel
 * stays sound; the invoker gets no reply. */
static void delete_own_tcb(kt_thread_t *t)
{
    t->result[1] = 1;
    seL4_CNode_Delete(KT_ROOT, t->arg[1], KT_DEPTH);
    t->result[0] = 1; /* never reached */
}

KTEST(cnode_thread_deletes_its_own_tcb)
{
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, delete_own_tcb, KT_PRIO));
    t->arg[1] = t->tcb;
    KT_DO(kt_thread_start(t));
    for (int i = 0; i < 50; i++) {
        seL4_Yield();
    }
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0);
    KT_TRUE(kt_slot_empty(t->tcb));
    /* its SC and IPC buffer frame are still there and reusable */
    KT_CAP(tcb2, kt_alloc(seL4_TCBObject, 0));
    KT_OK(seL4_SchedContext_Bind(t->sc, tcb2));
}

static void revoke_own_untyped(kt_thread_t *t)
{
    t->result[1] = 1;
    seL4_CNode_Revoke(KT_ROOT, t->arg[1], KT_DEPTH);
    t->result[0] = 1; /* never reached */
}

/* The helper runs on a TCB and SC retyped from an untyped it then revokes itself. */
KTEST(cnode_thread_revokes_the_untyped_of_its_own_tcb)
{
    KT_CAP(ut, kt_alloc_untyped(16));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, revoke_own_untyped, KT_PRIO));
    seL4_CPtr tcb = kt_slot(), sc = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, KT_ROOT, 0, 0, tcb, 1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_SchedContextObject, 8, KT_ROOT, 0, 0, sc, 1));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0));
    KT_OK(seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, t->ipc_vaddr, t->ipc_frame));
    KT_OK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, sc, 0));
    /* start the helper's code on the new TCB instead of the one kt_thread_new made */
    t->tcb = tcb;
    t->self = tcb;
    t->arg[1] = ut;
    KT_DO(kt_thread_start(t));
    for (int i = 0; i < 50; i++) {
        seL4_Yield();
    }
    KT_EQ(t->result[1], 1);
    KT_EQ(t->result[0], 0);
    KT_TRUE(kt_slot_empty(tcb));
    KT_TRUE(kt_slot_empty(sc));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, KT_ROOT, 0, 0, probe, 1));
}

/* A helper whose CSpace has two levels: R (radix 2, no guard) -> R[1]: L (radix 4, 58-bit
 * zero guard). Its syscalls resolve through both; a cptr missing L's guard is a cap fault
 * with the lookup failure of the second level. */
static void two_level_signaller(kt_thread_t *t)
{
    seL4_Signal((1ul << 62) | 3);      /* R[1] -> L[3] */
    seL4_Signal((1ul << 62) | (1ul << 10) | 3); /* a guard bit set: faults */
    t->result[0] = 1;
}

KTEST(cnode_two_level_cspace_for_syscalls)
{
    KT_CAP(n, ntfn());
    KT_CAP(r, kt_alloc(seL4_CapTableObject, 2));
    KT_CAP(l, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    KT_OK(seL4_CNode_Mint(r, 1, 2, KT_ROOT, l, KT_DEPTH, seL4_AllRights, seL4_CNode_CapData_new(0, 58).words[0]));
    KT_OK(seL4_CNode_Mint(l, 3, 4, KT_ROOT, n, KT_DEPTH, seL4_AllRights, 0x66));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, two_level_signaller, KT_PRIO));
    KT_DO(kt_thread_set_fault_ep(t, ep, KT_PRIO));
    KT_OK(seL4_CNode_Copy(r, 0, 2, KT_ROOT, t->tcb, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_TCB_SetSpace(t->tcb, ep, r, 0, seL4_CapInitThreadVSpace, 0));
    KT_DO(kt_thread_start(t));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge, reply);
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    KT_MR(seL4_CapFault_Addr, (1ul << 62) | (1ul << 10) | 3);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 62);
    KT_MR(seL4_CapFault_GuardMismatch_GuardFound, 0);
    KT_MR(seL4_CapFault_GuardMismatch_BitsFound, 58);
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0x66);
    KT_EQ(t->result[0], 0);
}

/* Every CNode label looks its destination up first, with the same checks and error MRs. */
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
static void ops_without_ipc_buffer(kt_thread_t *t)
{
    t->result[0] = seL4_CNode_Copy(KT_ROOT, t->arg[1], KT_DEPTH, KT_ROOT, t->arg[2], KT_DEPTH, seL4_AllRights);
    t->result[1] = seL4_CNode_Delete(KT_ROOT, t->arg[2], KT_DEPTH);
    t->result[2] = seL4_CNode_Rotate(KT_ROOT, t->arg[1], KT_DEPTH, 0, KT_ROOT, t->arg[3], KT_DEPTH, 0, KT_ROOT,
                                     t->arg[4], KT_DEPTH);
}

KTEST(cnode_invocation_without_ipc_buffer)
{
    KT_CAP(n, ntfn());
    KT_CAP(a, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(b, kt_alloc(seL4_ReplyObject, 0));
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, ops_without_ipc_buffer, KT_PRIO));
    KT_OK(seL4_TCB_SetIPCBuffer(t->tcb, 0, 0));
    t->arg[1] = kt_slot();
    t->arg[2] = n;
    t->arg[3] = a;
    t->arg[4] = b;
    KT_DO(kt_thread_start(t));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], seL4_TruncatedMessage); /* the source root cap never arrives */
    KT_EQ(t->result[1], seL4_NoError);          /* two words fit in registers */
    KT_EQ(t->result[2], seL4_TruncatedMessage); /* eight words do not */
    KT_TRUE(kt_slot_empty(n));
    KT_TRUE(kt_slot_empty(t->arg[1]));
    KT_EQ(seL4_DebugCapIdentify(a), KT_CAP_THREAD);
}

/* NBSendWait as seL4's own libsel4 issues it: destination in a6 (the reply register, unused
 * by Wait), t0 = 0; then the wait on a0. */
KTEST(syscall_nbsendwait_destination_in_a6)
{
    KT_CAP(dest, ntfn());
    KT_CAP(src, ntfn());
    KT_CAP(dest_b, kt_mint(dest, seL4_AllRights, 0x71));
    KT_CAP(src_b, kt_mint(src, seL4_AllRights, 0x72));
    seL4_Signal(src_b); /* so the wait returns at once */
    lark_syscall_regs_t r = {.a0 = src, .info = 0, .reply = dest_b, .dest = 0};
    lark_syscall(seL4_SysNBSendWait, &r);
    KT_EQ(r.a0, 0x72);
    seL4_Word badge = 0;
    seL4_Poll(dest, &badge);
    KT_EQ(badge, 0x71);
    /* the libsel4 wrapper agrees */
    seL4_Signal(src_b);
    seL4_NBSendWait(dest_b, seL4_MessageInfo_new(0, 0, 0, 0), src, &badge);
    KT_EQ(badge, 0x72);
    seL4_Poll(dest, &badge);
    KT_EQ(badge, 0x71);
}

/* ---- a deterministic storm of CNode operations with random slots, depths, rights, badges
 * and guards over a CNode full of caps (among them caps to that CNode itself): every answer
 * is an seL4 error code, the kernel survives, and one Revoke of the untyped everything came
 * from leaves it with no children. */
static seL4_Word storm_rng = 0x2545f4914f6cdd1dul;
static seL4_Word storm_next(void)
{
    storm_rng ^= storm_rng << 13;
    storm_rng ^= storm_rng >> 7;
    storm_rng ^= storm_rng << 17;
    return storm_rng;
}

static seL4_Word storm_depth(void)
{
    seL4_Word r = storm_next() % 16;
    return r < 10 ? 5 : r < 12 ? 8 : r == 12 ? 0 : r == 13 ? 4 : r == 14 ? 9 : 65;
}

KTEST(cnode_random_operation_storm)
{
    KT_CAP(ut, kt_alloc_untyped(17));
    seL4_CPtr cn = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 5, KT_ROOT, 0, 0, cn, 1));
    /* objects in the first slots of the CNode */
    static const struct {
        seL4_Word type, bits;
    } objs[] = {{seL4_NotificationObject, 0}, {seL4_NotificationObject, 0}, {seL4_EndpointObject, 0},
                {seL4_EndpointObject, 0},     {seL4_CapTableObject, 3},     {seL4_TCBObject, 0},
                {seL4_ReplyObject, 0},        {seL4_UntypedObject, 12},     {seL4_SchedContextObject, 8}};
    for (unsigned i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
        KT_OK(seL4_Untyped_Retype(ut, objs[i].type, objs[i].bits, cn, 0, 0, i, 1));
    }
    KT_OK(seL4_CNode_Copy(cn, 20, 5, KT_ROOT, cn, KT_DEPTH, seL4_AllRights));
    KT_OK(seL4_CNode_Copy(cn, 21, 5, KT_ROOT, seL4_CapDomain, KT_DEPTH, seL4_AllRights));
    unsigned counts[11] = {0};
    for (int op = 0; op < 3000; op++) {
        /* indices: mostly slots of the CNode, some beyond it, some through the CNode in slot 4
         * (5 + 3 bits), which itself may have been moved, rotated or re-guarded */
        seL4_Word a = storm_next() % 40, b = storm_next() % 40, c = storm_next() % 40;
        if (storm_next() % 4 == 0) {
            a = (4ul << 3) | (storm_next() % 8);
            b = storm_next() % 2 ? (4ul << 3) | (storm_next() % 8) : b;
        }
        seL4_Word rights = storm_next() % 16, data = storm_next() % 4 ? storm_next() % 8 : storm_next();
        seL4_Error e;
        switch (storm_next() % 10) {
        case 0: e = seL4_CNode_Copy(cn, a, storm_depth(), cn, b, storm_depth(), (seL4_CapRights_t){{rights}}); break;
        case 1: e = seL4_CNode_Mint(cn, a, storm_depth(), cn, b, storm_depth(), (seL4_CapRights_t){{rights}}, data); break;
        case 2: e = seL4_CNode_Move(cn, a, storm_depth(), cn, b, storm_depth()); break;
        case 3: e = seL4_CNode_Mutate(cn, a, storm_depth(), cn, b, storm_depth(), data); break;
        case 4:
            e = seL4_CNode_Rotate(cn, a, storm_depth(), data, cn, b, storm_depth(), storm_next() % 8, cn,
                                  storm_next() % 2 ? a : c, storm_depth());
            break;
        case 5: e = seL4_CNode_Delete(cn, a, storm_depth()); break;
        case 6: e = seL4_CNode_Revoke(cn, a, storm_depth()); break;
        case 7: e = seL4_CNode_CancelBadgedSends(cn, a, storm_depth()); break;
        case 8:
            /* refill: a new object or a copy of one from the first slots */
            e = seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, cn, 0, 0, a % 32, 1);
            break;
        default: e = seL4_CNode_Copy(cn, a, 5, cn, storm_next() % 9, 5, seL4_AllRights); break;
        }
        if ((seL4_Word)e > seL4_NotEnoughMemory) {
            KT_FAIL("operation %d answered %lu", op, (seL4_Word)e);
        }
        counts[e]++;
    }
    kt_printf("# storm: ok %u, illegal %u, range %u, lookup %u, delete-first %u, revoke-first %u, no-memory %u\n",
              counts[0], counts[seL4_IllegalOperation], counts[seL4_RangeError], counts[seL4_FailedLookup],
              counts[seL4_DeleteFirst], counts[seL4_RevokeFirst], counts[seL4_NotEnoughMemory]);
    KT_GE(counts[seL4_NoError], 300);
    for (seL4_Word i = 0; i < 32; i++) {
        KT_LE(slot_state(cn, i, 5), 1);
    }
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(cn));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 17, KT_ROOT, 0, 0, probe, 1));
}

/* The same storm with live threads: two helpers run on TCBs and SCs kept in the stormed
 * CNode, looping on IPC through endpoint and notification caps that are also there (and
 * copied to the root CNode for them). Deleting, revoking and moving those caps under them
 * must leave the kernel sound. */
static void storm_pinger(kt_thread_t *t)
{
    for (;;) {
        seL4_NBSend(t->arg[1], seL4_MessageInfo_new(0, 0, 0, 1));
        seL4_Signal(t->arg[2]);
        seL4_Word badge;
        seL4_NBRecv(t->arg[1], &badge, t->arg[3]);
        t->counter++;
        seL4_Yield();
    }
}

static void storm_waiter(kt_thread_t *t)
{
    for (;;) {
        seL4_Word badge;
        seL4_Wait(t->arg[2], &badge);
        seL4_Recv(t->arg[1], &badge, t->arg[3]);
        t->counter++;
    }
}

static int storm_thread(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_CPtr ut, seL4_CPtr cn, seL4_Word slot,
                        seL4_CPtr ep, seL4_CPtr nt, seL4_CPtr reply)
{
    if (kt_thread_new(t, fn, KT_PRIO) != 0) {
        return -1;
    }
    seL4_CPtr tcb = kt_slot(), sc = kt_slot();
    if (seL4_Untyped_Retype(ut, seL4_TCBObject, 0, KT_ROOT, 0, 0, tcb, 1) ||
        seL4_Untyped_Retype(ut, seL4_SchedContextObject, 8, KT_ROOT, 0, 0, sc, 1) ||
        seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 1000, 1000, 0, 0, 0) ||
        seL4_TCB_Configure(tcb, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0, t->ipc_vaddr, t->ipc_frame) ||
        seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, sc, 0)) {
        kt_fail(__FILE__, __LINE__, "storm thread setup");
        return -1;
    }
    t->tcb = tcb;
    t->self = tcb;
    t->arg[1] = ep;
    t->arg[2] = nt;
    t->arg[3] = reply;
    if (kt_thread_start(t) != 0) {
        return -1;
    }
    /* the stormed CNode gets the only caps to the TCB and SC */
    if (seL4_CNode_Move(cn, slot, 5, KT_ROOT, tcb, KT_DEPTH) || seL4_CNode_Move(cn, slot + 1, 5, KT_ROOT, sc, KT_DEPTH)) {
        kt_fail(__FILE__, __LINE__, "storm thread caps");
        return -1;
    }
    return 0;
}

KTEST(cnode_random_operation_storm_with_threads)
{
    KT_CAP(ut, kt_alloc_untyped(18));
    seL4_CPtr cn = kt_slot(), probe = kt_slot();
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 5, KT_ROOT, 0, 0, cn, 1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, cn, 0, 0, 0, 1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, cn, 0, 0, 1, 1));
    KT_OK(seL4_Untyped_Retype(ut, seL4_ReplyObject, 0, cn, 0, 0, 2, 2));
    KT_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 3, cn, 0, 0, 4, 1));
    seL4_CPtr ep = kt_slot(), nt = kt_slot(), r1 = kt_slot(), r2 = kt_slot();
    KT_OK(seL4_CNode_Mint(KT_ROOT, ep, KT_DEPTH, cn, 0, 5, seL4_AllRights, 0x10));
    KT_OK(seL4_CNode_Mint(KT_ROOT, nt, KT_DEPTH, cn, 1, 5, seL4_AllRights, 0x20));
    KT_OK(seL4_CNode_Copy(KT_ROOT, r1, KT_DEPTH, cn, 2, 5, seL4_AllRights));
    KT_OK(seL4_CNode_Copy(KT_ROOT, r2, KT_DEPTH, cn, 3, 5, seL4_AllRights));
    KT_DO(storm_thread(&kt_threads[0], storm_pinger, ut, cn, 10, ep, nt, r1));
    KT_DO(storm_thread(&kt_threads[1], storm_waiter, ut, cn, 12, ep, nt, r2));
    unsigned ok = 0;
    for (int op = 0; op < 2000; op++) {
        seL4_Word a = storm_next() % 36, b = storm_next() % 36;
        seL4_Word rights = storm_next() % 16, data = storm_next() % 4 ? storm_next() % 8 : storm_next();
        seL4_Error e;
        switch (storm_next() % 9) {
        case 0: e = seL4_CNode_Copy(cn, a, storm_depth(), cn, b, storm_depth(), (seL4_CapRights_t){{rights}}); break;
        case 1: e = seL4_CNode_Mint(cn, a, storm_depth(), cn, b, storm_depth(), (seL4_CapRights_t){{rights}}, data); break;
        case 2: e = seL4_CNode_Move(cn, a, storm_depth(), cn, b, storm_depth()); break;
        case 3: e = seL4_CNode_Rotate(cn, a, storm_depth(), data, cn, b, storm_depth(), 0, cn, a, storm_depth()); break;
        case 4: e = op > 1000 ? seL4_CNode_Delete(cn, a, storm_depth()) : seL4_NoError; break;
        case 5: e = op > 1500 ? seL4_CNode_Revoke(cn, a, storm_depth()) : seL4_NoError; break;
        case 6: e = seL4_CNode_CancelBadgedSends(cn, a, storm_depth()); break;
        case 7:
            seL4_Signal(nt);
            e = seL4_NoError;
            break;
        default:
            seL4_Yield();
            e = seL4_NoError;
            break;
        }
        if ((seL4_Word)e > seL4_NotEnoughMemory) {
            KT_FAIL("operation %d answered %lu", op, (seL4_Word)e);
        }
        ok += e == seL4_NoError;
    }
    KT_GE(kt_threads[0].counter + kt_threads[1].counter, 1);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    KT_TRUE(kt_slot_empty(cn));
    KT_TRUE(kt_slot_empty(ep));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 18, KT_ROOT, 0, 0, probe, 1));
    for (int i = 0; i < 20; i++) {
        seL4_Yield();
    }
}
