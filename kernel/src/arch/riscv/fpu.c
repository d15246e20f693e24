/* Lazy F/D switching. Only the owner's state lives in the FPU registers; every other thread
 * runs with sstatus.FS = Off, so its first FP instruction traps (illegal instruction) and
 * fpu_handle_trap moves the FPU to it. The owner's registers are written back only when it
 * dirtied them (FS = Dirty in its saved sstatus). */
#include <lark/arch/machine.h>
#include <lark/arch/riscv.h>
#include <lark/tcb.h>

void fpu_save_regs(struct user_context *ctx);
void fpu_restore_regs(struct user_context *ctx);

_Static_assert(CTX_OFFSET_FREGS == 272 && CTX_OFFSET_FCSR == 528, "fpu.S offsets");
_Static_assert(offsetof(struct tcb, ctx) == 0, "trap.S: the TCB starts with the context");

struct tcb *fpu_owner;

static word_t fs_of(const struct tcb *t) { return t->ctx.regs[REG_SSTATUS] & SSTATUS_FS_MASK; }
static void set_fs(struct tcb *t, word_t fs)
{
    t->ctx.regs[REG_SSTATUS] = (t->ctx.regs[REG_SSTATUS] & ~SSTATUS_FS_MASK) | fs;
}

void fpu_prepare_return(struct tcb *t)
{
    word_t s = t->ctx.regs[REG_SSTATUS];
    s = (s & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM)) | SSTATUS_SPIE;
    t->ctx.regs[REG_SSTATUS] = s;
    if (t != fpu_owner)
        set_fs(t, SSTATUS_FS_OFF);
}

bool fpu_handle_trap(struct tcb *t)
{
    if (fs_of(t) != SSTATUS_FS_OFF || (t->flags & TCB_FLAG_FPU_DISABLED))
        return false; /* a real illegal instruction */
    csr_set(sstatus, SSTATUS_FS_INITIAL);
    if (fpu_owner && fs_of(fpu_owner) == SSTATUS_FS_DIRTY)
        fpu_save_regs(&fpu_owner->ctx);
    if (fpu_owner)
        set_fs(fpu_owner, SSTATUS_FS_OFF);
    fpu_restore_regs(&t->ctx);
    fpu_owner = t;
    set_fs(t, SSTATUS_FS_CLEAN);
    return true;
}

/* Like seL4's fpuRelease: the owner's live registers go back to its TCB first, so a thread
 * whose FPU is disabled and enabled again finds its values (on delete the save is harmless). */
void fpu_release(struct tcb *t)
{
    if (fpu_owner != t)
        return;
    if (fs_of(t) == SSTATUS_FS_DIRTY) {
        csr_set(sstatus, SSTATUS_FS_INITIAL); /* the invoker's FS may be Off */
        fpu_save_regs(&t->ctx);
    }
    set_fs(t, SSTATUS_FS_OFF);
    fpu_owner = NULL;
}
