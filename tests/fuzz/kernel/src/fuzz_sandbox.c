/* The sandbox: every object the fuzzers may touch, in one CNode that is their whole CSpace.
 * All objects come from one untyped the root task keeps to itself, so revoking it takes the
 * sandbox back to nothing whatever the fuzzers did; then the slots are emptied and refilled.
 * Objects that the root must configure first are made in a root scratch slot and moved in. */
#include "fuzz.h"

/* 0, 1: objects being configured; 2: the sandbox VSpace; 3: the victim code frame */
static seL4_CPtr scratch[4];
extern char fz_victim_loop[], __image_start[];

static int check(seL4_Error err, const char *what, int slot)
{
    if (err != seL4_NoError) {
        kt_printf("fuzz-kernel: sandbox build: %s (slot %d): %s\n", what, slot, kt_err_name(err));
        return -1;
    }
    return 0;
}

static int make(fz_sandbox_t *sb, seL4_Word type, seL4_Word bits, seL4_CPtr root, seL4_Word slot)
{
    return check(seL4_Untyped_Retype(sb->untyped, type, bits, root, 0, 0, slot, 1), "retype",
                 (int)slot);
}

static int make_in(fz_sandbox_t *sb, seL4_Word type, seL4_Word bits, int slot)
{
    return make(sb, type, bits, sb->cnode, (seL4_Word)slot);
}

static int move_in(fz_sandbox_t *sb, seL4_CPtr from, int slot)
{
    return check(seL4_CNode_Move(sb->cnode, (seL4_Word)slot, FZ_SB_BITS, KT_ROOT, from, KT_DEPTH),
                 "move", slot);
}

static int copy_in(fz_sandbox_t *sb, seL4_CPtr from, int slot, seL4_CapRights_t rights,
                   seL4_Word badge)
{
    return check(seL4_CNode_Mint(sb->cnode, (seL4_Word)slot, FZ_SB_BITS, KT_ROOT, from, KT_DEPTH,
                                 rights, badge), "mint", slot);
}

static int copy_within(fz_sandbox_t *sb, int from, int slot, seL4_CapRights_t rights,
                       seL4_Word badge)
{
    return check(seL4_CNode_Mint(sb->cnode, (seL4_Word)slot, FZ_SB_BITS, sb->cnode,
                                 (seL4_Word)from, FZ_SB_BITS, rights, badge), "mint", slot);
}

static int copy_plain(fz_sandbox_t *sb, int from, int slot, seL4_CapRights_t rights)
{
    return check(seL4_CNode_Copy(sb->cnode, (seL4_Word)slot, FZ_SB_BITS, sb->cnode,
                                 (seL4_Word)from, FZ_SB_BITS, rights), "copy", slot);
}

static int empty(fz_sandbox_t *sb)
{
    if (check(seL4_CNode_Revoke(KT_ROOT, sb->untyped, KT_DEPTH), "revoke", 0) != 0) {
        return -1;
    }
    for (seL4_Word i = 1; i < FZ_SB_SLOTS; i++) {
        if (check(seL4_CNode_Delete(sb->cnode, i, FZ_SB_BITS), "delete", (int)i) != 0) {
            return -1;
        }
    }
    for (int i = 0; i < 4; i++) {
        if (check(seL4_CNode_Delete(KT_ROOT, scratch[i], KT_DEPTH), "scratch", i) != 0) {
            return -1;
        }
    }
    return 0;
}

/* The page of fz_victim_loop, mapped read-only at its own address in the sandbox VSpace
 * through two page tables from the sandbox untyped (then sandbox slots 30, 31). */
static int map_victim_code(fz_sandbox_t *sb, seL4_CPtr vspace)
{
    seL4_Word va = (seL4_Word)fz_victim_loop;
    for (int level = 0; level < 2; level++) {
        if (make(sb, seL4_RISCV_PageTableObject, 0, KT_ROOT, scratch[0]) != 0 ||
            check(seL4_RISCV_PageTable_Map(scratch[0], vspace, va, seL4_RISCV_Default_VMAttributes),
                  "victim page table", 30 + level) != 0 ||
            move_in(sb, scratch[0], 30 + level) != 0) {
            return -1;
        }
    }
    seL4_CPtr image_frame = kt_bi->userImageFrames.start + ((va - (seL4_Word)__image_start) >> 12);
    return check(seL4_CNode_Copy(KT_ROOT, scratch[3], KT_DEPTH, KT_ROOT, image_frame, KT_DEPTH,
                                 seL4_CanRead), "victim code copy", 0) ||
           check(seL4_RISCV_Page_Map(scratch[3], vspace, va, seL4_CanRead,
                                     seL4_RISCV_Default_VMAttributes), "victim code map", 0);
}

/* Three victim TCBs (slots 17..19) in the sandbox VSpace, two with an SC (20, 21) running the
 * server loop on endpoint 6 + i, reply 14 + i, notification 10 + i. */
static int victims(fz_sandbox_t *sb, seL4_CPtr vspace)
{
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - FZ_SB_BITS).words[0];
    for (int i = 0; i < 3; i++) {
        if (make(sb, seL4_TCBObject, 0, KT_ROOT, scratch[0]) != 0 ||
            check(seL4_TCB_Configure(scratch[0], sb->cnode, guard, vspace, 0, 0, 0),
                  "configure", 17 + i) != 0) {
            return -1;
        }
        seL4_CPtr sc = 0;
        if (i < 2) {
            sc = scratch[1];
            if (make(sb, seL4_SchedContextObject, 8, KT_ROOT, sc) != 0 ||
                check(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 1000, 10000, 2,
                                                       (seL4_Word)i, 0), "sched", 20 + i) != 0) {
                return -1;
            }
        }
        seL4_UserContext regs;
        kt_memset(&regs, 0, sizeof(regs));
        regs.pc = (seL4_Word)fz_victim_loop;
        regs.s1 = 6 + (seL4_Word)i;
        regs.s2 = 14 + (seL4_Word)i;
        regs.s3 = 10 + (seL4_Word)i;
        /* MCP below the fuzzers' priorities: a victim the fuzzers give a round-robin SC and
         * their highest priority may spin, but never starves the fuzzers (seed 73) */
        if (check(seL4_TCB_SetSchedParams(scratch[0], seL4_CapInitThreadTCB, FZ_VICTIM_MCP,
                                          FZ_VICTIM_MCP - 10 + 5 * (seL4_Word)i, sc, 0), "params",
                  17 + i) != 0 ||
            check(seL4_TCB_WriteRegisters(scratch[0], sc != 0, 0, sizeof(regs) / sizeof(seL4_Word),
                                          &regs), "victim registers", 17 + i) != 0 ||
            (sc && move_in(sb, sc, 20 + i) != 0) || move_in(sb, scratch[0], 17 + i) != 0) {
            return -1;
        }
    }
    return 0;
}

int fz_sandbox_build(fz_sandbox_t *sb)
{
    if (scratch[0] == 0) {
        for (int i = 0; i < 4; i++) {
            scratch[i] = kt_slot();
        }
    }
    if (empty(sb) != 0) {
        return -1;
    }
    /* largest first, so alignment wastes nothing */
    if (make_in(sb, seL4_RISCV_Mega_Page, 0, 38) != 0 ||
        make(sb, seL4_RISCV_PageTableObject, 0, KT_ROOT, scratch[2]) != 0 ||
        check(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, scratch[2]), "assign", 29))
        return -1;
    if (make_in(sb, seL4_UntypedObject, 16, 2) ||
        make_in(sb, seL4_UntypedObject, 14, 3) || make_in(sb, seL4_UntypedObject, 12, 4) ||
        make_in(sb, seL4_UntypedObject, 10, 5))
        return -1;
    if (check(seL4_CNode_Mint(sb->cnode, FZ_SB_SELF, FZ_SB_BITS, KT_ROOT, sb->cnode, KT_DEPTH,
                              seL4_AllRights, 0), "self", FZ_SB_SELF))
        return -1;
    for (int i = 0; i < 4; i++) {
        if (make_in(sb, seL4_EndpointObject, 0, 6 + i) || make_in(sb, seL4_NotificationObject, 0, 10 + i) ||
            make_in(sb, seL4_RISCV_4K_Page, 0, 25 + i))
            return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (make_in(sb, seL4_ReplyObject, 0, 14 + i))
            return -1;
    }
    if (make_in(sb, seL4_SchedContextObject, 7, 22) || make_in(sb, seL4_CapTableObject, 2, 23) ||
        make_in(sb, seL4_CapTableObject, 4, 24) || map_victim_code(sb, scratch[2]))
        return -1;
    if (victims(sb, scratch[2]) != 0 || move_in(sb, scratch[2], FZ_SB_VSPACE) != 0)
        return -1;
    if (copy_in(sb, kt_sched_control(), 32, seL4_AllRights, 0) ||
        copy_in(sb, seL4_CapInitThreadASIDPool, 33, seL4_AllRights, 0) ||
        copy_in(sb, seL4_CapDomain, 34, seL4_AllRights, 0) ||
        copy_within(sb, 6, 35, seL4_AllRights, 5) || copy_within(sb, 10, 36, seL4_AllRights, 9) ||
        copy_plain(sb, 7, 37, seL4_CanRead) || copy_plain(sb, 35, 39, seL4_CanWrite) ||
        copy_plain(sb, 25, 40, seL4_AllRights))
        return -1;
    return 0;
}
