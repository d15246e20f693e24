/* The fuzzer threads: each draws a syscall, a cptr (mostly a sandbox slot), a label that
 * mostly suits the cap found there, a length, extra caps, message registers and IPC-buffer
 * words from its own PRNG, records the call in the shared ring and issues it. */
#include "fuzz.h"

fz_fuzzer_t fz_fuzzers[FZ_FUZZERS];
volatile seL4_Word fz_seq;
volatile seL4_Word fz_violation;
volatile seL4_Word fz_call_results[12];
seL4_Word fz_trace_from;
static fz_call_t ring[FZ_RING];
static int trace_lock;
extern char __image_start[], __image_end[];

bool fz_in_image(seL4_Word v)
{
    return v >= (seL4_Word)__image_start && v < (seL4_Word)__image_end + 0x1000;
}

static void print_call(const fz_call_t *c)
{
    kt_printf("  #%lu f%lu sys %ld a0 %lx info %lx (label %lx len %lu caps %lu) mr %lx %lx %lx %lx"
              " ipc %lx %lx %lx %lx extra %lx %lx %lx a6 %lx t0 %lx\n",
              c->seq, c->fuzzer, c->sysno, c->a0, c->info, c->info >> 12, c->info & 0x7f,
              (c->info >> 7) & 3, c->mr[0], c->mr[1], c->mr[2], c->mr[3], c->ipc[0], c->ipc[1],
              c->ipc[2], c->ipc[3], c->extra[0], c->extra[1], c->extra[2], c->reply, c->dest);
}

void fz_ring_print(void)
{
    seL4_Word end = fz_seq;
    seL4_Word start = end > FZ_RING ? end - FZ_RING : 0;
    kt_printf("fuzz-kernel: the last %lu calls issued:\n", end - start);
    for (seL4_Word s = start; s < end; s++) {
        const fz_call_t *c = &ring[s % FZ_RING];
        if (c->seq == s) {
            print_call(c);
        }
    }
}

/* ---- values */
static seL4_Word cptr(seL4_Word *r)
{
    switch (fz_below(r, 16)) {
    case 0: return fz_below(r, FZ_SB_SLOTS);
    case 1: return fz_next(r);
    case 2: return fz_below(r, 16) << (FZ_SB_BITS + fz_below(r, 8)); /* beyond the radix */
    default: return fz_below(r, FZ_SB_POPULATED + 8);
    }
}

static seL4_Word value(seL4_Word *r)
{
    static const seL4_Word depths[] = {0, 1, 2, 4, 8, 12, 56, 63, 64, 65, 128};
    static const seL4_Word times[] = {0, 1, 10, 20, 100, 1000, 5000, 10000, 1ul << 32,
                                      3600000000ul, ~0ul};
    seL4_Word v;
    switch (fz_below(r, 16)) {
    case 0: v = 0; break;
    case 1: v = 1; break;
    case 2: v = fz_below(r, 8); break;
    case 3: v = cptr(r); break;
    case 4: v = fz_below(r, 256); break;
    case 5: v = fz_below(r, 12); break;                       /* object type */
    case 6: v = fz_below(r, 40); break;                       /* size bits */
    case 7: v = depths[fz_below(r, sizeof(depths) / sizeof(depths[0]))]; break;
    case 8: v = fz_below(r, 16); break;                       /* rights */
    case 9: v = times[fz_below(r, sizeof(times) / sizeof(times[0]))]; break;
    case 10: v = fz_below(r, 0x4000) << 12; break;            /* page-aligned vaddr */
    case 11: v = 0x3ffffff000ul - (fz_below(r, 4) << 12); break;
    case 12: v = ~0ul; break;
    case 13: v = 1ul << fz_below(r, 64); break;
    case 14: v = fz_below(r, 64) | (fz_below(r, 4) << 6); break; /* CNode guard word */
    default: v = fz_next(r); break;
    }
    return fz_in_image(v) ? v ^ (1ul << 63) : v;
}

/* A label that suits the cap at cptr most of the time (DebugCapIdentify tells its type). */
static seL4_Word label_for(seL4_Word *r, seL4_Word a0)
{
    if (fz_below(r, 8) == 0) {
        return fz_below(r, 8) == 0 ? fz_next(r) & 0xfffff : fz_below(r, 48);
    }
    seL4_Word type = seL4_DebugCapIdentify(a0);
    switch (type) {
    case KT_CAP_UNTYPED: return fz_below(r, 4) ? 1 : 0x4C00;
    case KT_CAP_THREAD: return 2 + fz_below(r, 16);
    case KT_CAP_CNODE: return 18 + fz_below(r, 8);
    case KT_CAP_IRQ_CONTROL: return fz_below(r, 2) ? 26 : 46;
    case KT_CAP_IRQ_HANDLER: return 27 + fz_below(r, 3);
    case KT_CAP_DOMAIN: return 30;
    case KT_CAP_SCHED_CONTROL: return 33;
    case KT_CAP_SCHED_CONTEXT: return 34 + fz_below(r, 5);
    case KT_CAP_PAGE_TABLE: return 39 + fz_below(r, 2);
    case KT_CAP_FRAME: return 41 + fz_below(r, 3);
    case KT_CAP_ASID_CONTROL: return 44;
    case KT_CAP_ASID_POOL: return 45;
    default: return fz_below(r, 48);
    }
}

/* seL4 syscall numbers, weighted: invocations through Call dominate. Never DebugHalt, nor
 * the printing debug calls (they would flood the console). */
static long syscall_no(seL4_Word *r)
{
    seL4_Word x = fz_below(r, 200);
    if (x < 110) return seL4_SysCall;
    if (x < 126) return seL4_SysSend;
    if (x < 142) return seL4_SysNBSend;
    if (x < 148) return seL4_SysRecv;
    if (x < 160) return seL4_SysNBRecv;
    if (x < 164) return seL4_SysWait;
    if (x < 172) return seL4_SysNBWait;
    if (x < 178) return seL4_SysReplyRecv;
    if (x < 183) return seL4_SysNBSendRecv;
    if (x < 188) return seL4_SysNBSendWait;
    if (x < 194) return seL4_SysYield;
    if (x < 196) return seL4_SysDebugCapIdentify;
    if (x < 197) return -33; /* SetTLSBase */
    if (x < 198) return -65; /* LarkDebugCheckInvariants from the sandbox CSpace */
    long n = -(long)fz_below(r, 100) + 20; /* mostly unknown: an UnknownSyscall fault */
    if (n == seL4_SysDebugHalt || n == seL4_SysDebugPutChar || n == seL4_SysDebugDumpScheduler ||
        n == seL4_SysDebugSnapshot || n == -64) {
        n = seL4_SysYield;
    }
    return n;
}

static bool may_block(long n)
{
    return n == seL4_SysCall || n == seL4_SysSend || n == seL4_SysRecv || n == seL4_SysWait ||
           n == seL4_SysReplyRecv || n == seL4_SysNBSendRecv || n == seL4_SysNBSendWait;
}

static bool receives(long n)
{
    return n == seL4_SysRecv || n == seL4_SysNBRecv || n == seL4_SysWait || n == seL4_SysNBWait ||
           n == seL4_SysReplyRecv || n == seL4_SysNBSendRecv || n == seL4_SysNBSendWait;
}

/* ---- well-formed arguments: most random words die in the first check of a decoder, so
 * half the invocations get arguments shaped like the label's (sandbox slots of the right
 * kind, depths that match the CNode, small counts), with random values mixed in */
static seL4_Word pick(seL4_Word *r, seL4_Word first, seL4_Word count)
{
    return fz_below(r, 8) == 0 ? cptr(r) : first + fz_below(r, count);
}
static seL4_Word cnode_slot(seL4_Word *r)
{
    static const seL4_Word cnodes[] = {FZ_SB_SELF, FZ_SB_SELF, 23, 24};
    return fz_below(r, 8) == 0 ? cptr(r) : cnodes[fz_below(r, 4)];
}
static seL4_Word depth_of(seL4_Word *r, seL4_Word cnode)
{
    if (fz_below(r, 8) == 0) {
        return value(r);
    }
    return cnode == 23 ? 2 : cnode == 24 ? 4 : FZ_SB_BITS;
}
static seL4_Word index_in(seL4_Word *r, seL4_Word cnode)
{
    seL4_Word n = cnode == 23 ? 4 : cnode == 24 ? 16 : fz_below(r, 2) ? FZ_SB_POPULATED + 8 : 256;
    return fz_below(r, 8) == 0 ? value(r) : fz_below(r, n);
}
static seL4_Word us(seL4_Word *r)
{
    static const seL4_Word t[] = {0, 10, 20, 50, 100, 500, 1000, 2000, 10000, 100000};
    return fz_below(r, 8) == 0 ? value(r) : t[fz_below(r, sizeof(t) / sizeof(t[0]))];
}
#define SB_TCB(r) pick(r, 17, 3)
#define SB_SC(r) pick(r, 20, 3)
#define SB_EP(r) pick(r, 6, 4)
#define SB_NTFN(r) pick(r, 10, 4)
#define SB_FRAME(r) pick(r, 25, 4)
#define SB_PT(r) pick(r, 29, 3)

/* Fills w[] (the message words) and x[] (extra cap cptrs); returns the length, *caps the
 * number of extra caps; 0 words and 0 caps leave the random ones. */
static seL4_Word shaped(seL4_Word *r, seL4_Word label, seL4_Word a0, seL4_Word *w, seL4_Word *x,
                        seL4_Word *caps)
{
    seL4_Word root = cnode_slot(r), src = cnode_slot(r);
    *caps = 0;
    switch (label) {
    case 1: /* Untyped Retype: type, size_bits, index, depth, offset, count; [root] */
        w[0] = fz_below(r, 12);
        w[1] = fz_below(r, 4) ? fz_below(r, 13) : value(r);
        w[2] = fz_below(r, 4) ? 0 : index_in(r, root);
        w[3] = w[2] == 0 && fz_below(r, 4) ? 0 : depth_of(r, root);
        w[4] = index_in(r, root);
        w[5] = fz_below(r, 8) ? 1 + fz_below(r, 3) : value(r);
        x[0] = root;
        *caps = 1;
        return 6;
    case 18: case 19: case 20: /* Revoke, Delete, CancelBadgedSends: index, depth */
        w[0] = index_in(r, a0);
        w[1] = depth_of(r, a0);
        return 2;
    case 21: case 22: case 23: case 24: /* Copy, Mint, Move, Mutate */
        w[0] = index_in(r, a0);
        w[1] = depth_of(r, a0);
        w[2] = index_in(r, src);
        w[3] = depth_of(r, src);
        w[4] = label == 23 ? 0 : label == 24 ? value(r) : fz_below(r, 16);
        w[5] = fz_below(r, 2) ? fz_below(r, 16) : value(r);
        x[0] = src;
        *caps = 1;
        return label == 23 ? 4 : label == 22 ? 6 : 5;
    case 25: { /* Rotate: dest, dest_badge, pivot, pivot_badge, src */
        seL4_Word pivot = cnode_slot(r);
        w[0] = index_in(r, a0);
        w[1] = depth_of(r, a0);
        w[2] = fz_below(r, 4);
        w[3] = index_in(r, pivot);
        w[4] = depth_of(r, pivot);
        w[5] = fz_below(r, 4);
        w[6] = index_in(r, src);
        w[7] = depth_of(r, src);
        x[0] = pivot;
        x[1] = src;
        *caps = 2;
        return 8;
    }
    case 2: /* ReadRegisters: suspend, flags, count */
        w[0] = fz_below(r, 2);
        w[1] = 0;
        w[2] = fz_below(r, 40);
        return 3;
    case 3: { /* WriteRegisters: resume, flags, count, regs */
        w[0] = fz_below(r, 2);
        w[1] = 0;
        w[2] = fz_below(r, 34);
        for (seL4_Word i = 0; i < 32; i++) {
            w[3 + i] = value(r);
        }
        return 3 + (w[2] < 32 ? w[2] : 32);
    }
    case 4: /* CopyRegisters: [source], suspend, resume, frame, integer, flags */
        for (int i = 0; i < 4; i++) {
            w[i] = fz_below(r, 2);
        }
        w[4] = 0;
        x[0] = SB_TCB(r);
        *caps = 1;
        return 5;
    case 5: /* Configure: [cspace], data, [vspace], data, buffer, [frame] */
        w[0] = fz_below(r, 2) ? seL4_CNode_CapData_new(0, 64 - FZ_SB_BITS).words[0] : value(r);
        w[1] = 0;
        w[2] = fz_below(r, 2) ? 0 : fz_below(r, 4) ? 0x100000 + (fz_below(r, 4) << 10) : value(r);
        x[0] = cnode_slot(r);
        x[1] = SB_PT(r);
        x[2] = SB_FRAME(r);
        *caps = 3;
        return 3;
    case 6: case 7: /* SetPriority, SetMCPriority: [authority], value */
        w[0] = fz_below(r, 2) ? FZ_VICTIM_MCP - 20 + fz_below(r, 40) : fz_below(r, 300);
        x[0] = SB_TCB(r);
        *caps = 1;
        return 1;
    case 8: /* SetSchedParams: [authority], mcp, prio, [sc], [fault ep] */
        w[0] = FZ_VICTIM_MCP - 20 + fz_below(r, 40);
        w[1] = FZ_VICTIM_MCP - 20 + fz_below(r, 40);
        x[0] = SB_TCB(r);
        x[1] = fz_below(r, 4) ? SB_SC(r) : 0;
        x[2] = fz_below(r, 2) ? SB_EP(r) : 0;
        *caps = 3;
        return 2;
    case 9: /* SetTimeoutEndpoint */
        x[0] = fz_below(r, 4) ? SB_EP(r) : 0;
        *caps = 1;
        return 0;
    case 10: /* SetIPCBuffer: buffer, [frame] */
        w[0] = fz_below(r, 4) ? 0x100000 + (fz_below(r, 4) << 10) : value(r);
        x[0] = SB_FRAME(r);
        *caps = 1;
        return 1;
    case 11: /* SetSpace: [fault ep], [cspace], data, [vspace], data */
        w[0] = fz_below(r, 2) ? seL4_CNode_CapData_new(0, 64 - FZ_SB_BITS).words[0] : value(r);
        w[1] = 0;
        x[0] = SB_EP(r);
        x[1] = cnode_slot(r);
        x[2] = SB_PT(r);
        *caps = 3;
        return 2;
    case 14: /* BindNotification */
        x[0] = SB_NTFN(r);
        *caps = 1;
        return 0;
    case 17: /* SetFlags: clear, set */
        w[0] = fz_below(r, 2);
        w[1] = fz_below(r, 2);
        return 2;
    case 30: /* DomainSetSet: domain, [thread] */
        w[0] = fz_below(r, 3);
        x[0] = SB_TCB(r);
        *caps = 1;
        return 1;
    case 33: /* SchedControl ConfigureFlags: [sc], budget, period, extra refills, badge, flags */
        w[0] = us(r);
        w[1] = us(r);
        w[2] = fz_below(r, 12);
        w[3] = fz_below(r, 4);
        w[4] = fz_below(r, 2);
        x[0] = SB_SC(r);
        *caps = 1;
        return 5;
    case 34: case 36: /* SchedContext Bind, UnbindObject: [tcb or notification] */
        x[0] = fz_below(r, 2) ? SB_TCB(r) : SB_NTFN(r);
        *caps = 1;
        return 0;
    case 39: /* PageTable Map: [vspace], vaddr, attr */
        w[0] = fz_below(r, 2) ? fz_below(r, 8) << 21 : fz_below(r, 4) << 30;
        w[1] = fz_below(r, 2);
        x[0] = SB_PT(r);
        *caps = 1;
        return 2;
    case 41: /* Page Map: [vspace], vaddr, rights, attr */
        w[0] = fz_below(r, 2) ? fz_below(r, 16) << 12 : (fz_below(r, 8) << 21) + (fz_below(r, 4) << 12);
        w[1] = fz_below(r, 16);
        w[2] = fz_below(r, 2);
        x[0] = SB_PT(r);
        *caps = 1;
        return 3;
    case 45: /* ASIDPool Assign: [vspace] */
        x[0] = SB_PT(r);
        *caps = 1;
        return 0;
    default:
        return 0;
    }
}

static void draw(fz_fuzzer_t *f, fz_call_t *c, seL4_IPCBuffer *buf)
{
    /* the sandbox's endpoints and notifications (plain, badged, read-only) */
    static const seL4_Word queues[] = {6, 7, 8, 9, 10, 11, 12, 13, 35, 36, 37, 39};
    seL4_Word *r = &f->prng;
    c->fuzzer = (seL4_Word)f->id;
    c->sysno = syscall_no(r);
    c->a0 = cptr(r);
    if (receives(c->sysno) && fz_below(r, 4) != 0) {
        c->a0 = queues[fz_below(r, sizeof(queues) / sizeof(queues[0]))];
    }
    seL4_Word len = fz_below(r, 4) ? fz_below(r, 9) : fz_below(r, 128);
    seL4_Word caps = fz_below(r, 3) ? fz_below(r, 2) : fz_below(r, 4);
    seL4_Word label = label_for(r, c->a0);
    seL4_Word w[seL4_MsgMaxLength];
    for (seL4_Word i = 0; i < seL4_MsgMaxLength && i < (len > 40 ? len : 40); i++) {
        w[i] = value(r);
    }
    for (int i = 0; i < 3; i++) {
        c->extra[i] = cptr(r);
    }
    if (fz_below(r, 2)) {
        seL4_Word shaped_caps;
        seL4_Word n = shaped(r, label, c->a0, w, c->extra, &shaped_caps);
        if (n != 0 || shaped_caps != 0) {
            /* now and then one word short or one cap short: truncated-message paths */
            len = fz_below(r, 16) == 0 && n > 0 ? n - 1 : n;
            caps = fz_below(r, 16) == 0 && shaped_caps > 0 ? shaped_caps - 1 : shaped_caps;
        }
    }
    c->info = (label << 12) | (fz_below(r, 8) << 9) | (caps << 7) | len;
    for (int i = 0; i < 4; i++) {
        c->mr[i] = w[i];
    }
    c->reply = fz_below(r, 4) ? 14 + fz_below(r, 3) : cptr(r); /* mostly the replies */
    c->dest = cptr(r);
    for (int i = 0; i < 3; i++) {
        buf->caps_or_badges[i] = c->extra[i];
    }
    for (seL4_Word i = 4; i < seL4_MsgMaxLength && i < len; i++) {
        buf->msg[i] = w[i];
    }
    for (int i = 0; i < 4; i++) {
        c->ipc[i] = buf->msg[4 + i];
    }
    /* where received caps go: mostly an empty sandbox slot */
    buf->receiveCNode = fz_below(r, 4) ? FZ_SB_SELF : cptr(r);
    buf->receiveIndex = fz_below(r, 4) ? FZ_SB_POPULATED + fz_below(r, 200) : value(r);
    buf->receiveDepth = fz_below(r, 4) ? FZ_SB_BITS : value(r);
}

void fz_fuzzer_entry(fz_fuzzer_t *f)
{
    seL4_IPCBuffer *buf = (seL4_IPCBuffer *)f->ipc_vaddr;
    seL4_SetIPCBuffer(buf);
    seL4_Word tp;
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    while (f->calls < f->quota) {
        fz_call_t c;
        draw(f, &c, buf);
        c.seq = __atomic_fetch_add(&fz_seq, 1, __ATOMIC_RELAXED);
        ring[c.seq % FZ_RING] = c;
        if (fz_trace_from != 0 && c.seq >= fz_trace_from) {
            /* one line at a time: a fuzzer preempted mid-line would garble the others' */
            while (__atomic_exchange_n(&trace_lock, 1, __ATOMIC_ACQUIRE)) {
                seL4_Yield();
            }
            print_call(&c);
            __atomic_store_n(&trace_lock, 0, __ATOMIC_RELEASE);
        }
        lark_syscall_regs_t regs = {.a0 = c.a0, .info = c.info, .reply = c.reply, .dest = c.dest};
        for (int i = 0; i < 4; i++) {
            regs.mr[i] = c.mr[i];
        }
        f->blocking = may_block(c.sysno);
        f->calls++; /* counted when issued: a call that faults (and restarts us) counts too */
        lark_syscall(c.sysno, &regs);
        f->blocking = 0;
        if (c.sysno == seL4_SysCall) {
            seL4_Word err = regs.info >> 12;
            fz_call_results[err < 11 ? err : 11]++;
        }
        if (c.sysno == -65 && regs.a0 != 0) {
            fz_violation = regs.a0; /* the kernel found itself broken: the root stops the run */
        }
        /* SetTLSBase moves tp: the fuzzer's own TLS (its IPC buffer pointer) stays put */
        __asm__ volatile("mv tp, %0" : : "r"(tp) : "memory");
    }
    f->done = 1;
    for (;;) {
        seL4_Yield();
    }
}
