/* CSpace stress: a Delete preempted with its CNode left as a zombie, threads that destroy
 * themselves through the CSpace, and deterministic storms of random CNode operations with
 * and without live threads under them. */
#include "cspace_helpers.h"

/* ---- preemptible deletion: a Delete of a big CNode stops at preemption points with the
 * CNode left as a zombie in its slot. A higher-priority thread released by its budget timer
 * catches it there and revokes the untyped the CNode came from: the zombie is still that
 * untyped's child, so the revoke finishes the deletion; the root's Delete then restarts on
 * an empty slot. */
static void zombie_watcher(kt_thread_t *t)
{
    while (t->arg[2] == 0) {
        if (t->result[0] == 0 && seL4_DebugCapIdentify(t->arg[0]) == KT_CAP_ZOMBIE) {
            t->result[0] = 1;
            /* a zombie cannot be copied (deriveCap gives the null cap) or invoked */
            t->result[3] = seL4_CNode_Copy(KT_ROOT, t->arg[3], KT_DEPTH, KT_ROOT, t->arg[0], KT_DEPTH,
                                           seL4_AllRights);
            t->result[4] = seL4_CNode_Delete(t->arg[0], 0, 12);
            /* but moved like any cap (seL4 decodes Move without looking at the type), and
             * the untyped's revoke still finds it in its new slot */
            seL4_Word moved = seL4_CNode_Move(KT_ROOT, t->arg[4], KT_DEPTH, KT_ROOT, t->arg[0], KT_DEPTH);
            t->result[5] = moved | (seL4_Word)seL4_DebugCapIdentify(t->arg[4]) << 8;
            t->result[1] = seL4_CNode_Revoke(KT_ROOT, t->arg[1], KT_DEPTH);
            t->result[2] = seL4_DebugCapIdentify(t->arg[4]);
        }
        t->counter++;
    }
}

/* One CNode of 4096 badged caps, deleted from the root while the watcher runs. */
static int delete_big_cnode(seL4_CPtr ut, seL4_CPtr cn, seL4_CPtr n)
{
    if (seL4_Untyped_Retype(ut, seL4_CapTableObject, 12, KT_ROOT, 0, 0, cn, 1) != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "retype of the CNode");
        return -1;
    }
    for (seL4_Word i = 0; i < 4096; i++) {
        if (seL4_CNode_Mint(cn, i, 12, KT_ROOT, n, KT_DEPTH, seL4_AllRights, i + 1) != seL4_NoError) {
            kt_fail(__FILE__, __LINE__, "mint %lu", i);
            return -1;
        }
    }
    if (seL4_CNode_Delete(KT_ROOT, cn, KT_DEPTH) != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "delete of the CNode");
        return -1;
    }
    return 0;
}

KTEST(cnode_revoke_reaches_a_preempted_delete)
{
    KT_CAP(ut, kt_alloc_untyped(18));
    KT_CAP(n, ntfn());
    seL4_CPtr cn = kt_slot(), probe = kt_slot();
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, zombie_watcher, KT_PRIO + 1));
    /* released every 400 us: the Delete (about 600 us alone) is interrupted at least once;
     * should the kernel ever be fast enough to slip through, the watcher's share grows */
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 200, 400, 0, 0, 0));
    t->arg[0] = cn;
    t->arg[1] = ut;
    t->arg[3] = kt_slot();
    t->arg[4] = kt_slot();
    KT_DO(kt_thread_start(t));
    for (int attempt = 0; attempt < 4 && t->result[0] == 0; attempt++) {
        if (attempt > 0) {
            KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 200 + 50 * attempt, 400, 0, 0, 0));
        }
        KT_DO(delete_big_cnode(ut, cn, n));
    }
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
    KT_EQ(t->result[5] & 0xff, seL4_NoError);
    KT_EQ(t->result[5] >> 8, KT_CAP_ZOMBIE);
    KT_TRUE(kt_slot_empty(t->arg[4]));
    KT_TRUE(kt_slot_empty(cn));
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 18, KT_ROOT, 0, 0, probe, 1));
    seL4_Signal(n);
    seL4_Word badge = 1;
    seL4_Poll(n, &badge);
    KT_EQ(badge, 0);
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

/* Zombie storm: a high-priority thread released every 300 us plays with whatever it finds
 * in a few root slots while the root deletes big CNodes in them: it moves, rotates,
 * deletes and revokes zombies and the untyped they came from. */
static void zombie_player(kt_thread_t *t)
{
    seL4_Word rng = 0x1234567;
    seL4_CPtr base = t->arg[0];
    while (t->arg[2] == 0) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        seL4_CPtr a = base + rng % 4, b = base + (rng >> 8) % 4;
        if (seL4_DebugCapIdentify(a) == KT_CAP_ZOMBIE) {
            t->result[0]++;
            switch ((rng >> 16) % 5) {
            case 0: seL4_CNode_Move(KT_ROOT, b, KT_DEPTH, KT_ROOT, a, KT_DEPTH); break;
            case 1: seL4_CNode_Rotate(KT_ROOT, a, KT_DEPTH, 0, KT_ROOT, b, KT_DEPTH, 0, KT_ROOT, a, KT_DEPTH); break;
            case 2: seL4_CNode_Delete(KT_ROOT, a, KT_DEPTH); break;
            case 3: seL4_CNode_Mutate(KT_ROOT, b, KT_DEPTH, KT_ROOT, a, KT_DEPTH, rng); break;
            default: seL4_CNode_Revoke(KT_ROOT, t->arg[1], KT_DEPTH); break;
            }
        }
        t->counter++;
    }
}

KTEST(cnode_zombie_storm)
{
    KT_CAP(ut, kt_alloc_untyped(20));
    KT_CAP(n, ntfn());
    seL4_CPtr base = kt_slot();
    kt_slot();
    kt_slot();
    kt_slot();
    seL4_CPtr probe = kt_slot();
    kt_thread_t *t = &kt_threads[0];
    KT_DO(kt_thread_new(t, zombie_player, KT_PRIO + 1));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 150, 300, 0, 0, 0));
    t->arg[0] = base;
    t->arg[1] = ut;
    KT_DO(kt_thread_start(t));
    seL4_Word rng = 99;
    for (int round = 0; round < 40; round++) {
        rng = rng * 6364136223846793005ul + 1442695040888963407ul;
        seL4_CPtr s = base + (rng >> 33) % 4;
        if (kt_slot_empty(s)) {
            seL4_Error e = seL4_Untyped_Retype(ut, seL4_CapTableObject, 10, KT_ROOT, 0, 0, s, 1);
            if (e == seL4_NoError) {
                for (seL4_Word i = 0; i < 1024; i++) {
                    seL4_CNode_Mint(s, i, 10, KT_ROOT, n, KT_DEPTH, seL4_AllRights, i + 1);
                }
                /* a CNode inside it, holding more caps */
                seL4_CNode_Copy(s, 5, 10, KT_ROOT, s, KT_DEPTH, seL4_AllRights);
            }
        }
        seL4_Error e = seL4_CNode_Delete(KT_ROOT, base + (rng >> 40) % 4, KT_DEPTH);
        if (e != seL4_NoError) {
            KT_FAIL("delete: %s", kt_err_name(e));
        }
    }
    t->arg[2] = 1;
    for (int i = 0; i < 1000000 && !t->done; i++) {
        seL4_Yield();
    }
    KT_TRUE(t->done);
    kt_printf("# zombie storm: %lu zombies met, %lu player rounds\n", t->result[0], (seL4_Word)t->counter);
    KT_GE(t->result[0], 1);
    KT_OK(seL4_CNode_Revoke(KT_ROOT, ut, KT_DEPTH));
    for (int i = 0; i < 4; i++) {
        KT_TRUE(kt_slot_empty(base + i));
    }
    KT_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 20, KT_ROOT, 0, 0, probe, 1));
}
