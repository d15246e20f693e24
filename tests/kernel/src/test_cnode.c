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
