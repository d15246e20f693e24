/* Faults as seL4 16.0.0 MCS riscv64 delivers them (abi.md section 6): a helper thread faults,
 * the root task receives the fault message on the helper's fault endpoint and checks the label,
 * the length and every message register, then replies (or not) and checks what the helper does
 * next. The faulting instructions sit at known labels in the assembly routines below, so the fault
 * IP is known exactly. */
#include "kt.h"

/* ---- assembly routines; norvc so that "the next instruction" is always FaultIP + 4 */
__asm__(".pushsection .text\n"
        ".option push\n"
        ".option norvc\n"
        ".balign 4\n"
        /* seL4_Word fv_load(seL4_Word addr) */
        ".global fv_load\n"
        "fv_load:\n"
        ".global fv_load_insn\n"
        "fv_load_insn:\n"
        "    ld a0, 0(a0)\n"
        "    ret\n"
        /* void fv_store(seL4_Word addr, seL4_Word value) */
        ".global fv_store\n"
        "fv_store:\n"
        ".global fv_store_insn\n"
        "fv_store_insn:\n"
        "    sd a1, 0(a0)\n"
        "    ret\n"
        /* void fv_illegal(void): records sp, then an all-zero (illegal) instruction */
        ".global fv_illegal\n"
        "fv_illegal:\n"
        "    la t0, fv_saved_sp\n"
        "    sd sp, 0(t0)\n"
        ".global fv_illegal_insn\n"
        "fv_illegal_insn:\n"
        "    .word 0\n"
        "    ret\n"
        /* void fv_ebreak(void) */
        ".global fv_ebreak\n"
        "fv_ebreak:\n"
        "    la t0, fv_saved_sp\n"
        "    sd sp, 0(t0)\n"
        ".global fv_ebreak_insn\n"
        "fv_ebreak_insn:\n"
        "    ebreak\n"
        "    ret\n"
        /* seL4_Word fv_raw_syscall(a0, a1 = msginfo, a6 = reply, a7 = number) */
        ".global fv_raw_syscall\n"
        "fv_raw_syscall:\n"
        "    mv a7, a3\n"
        "    mv a6, a2\n"
        ".global fv_raw_syscall_insn\n"
        "fv_raw_syscall_insn:\n"
        "    ecall\n"
        "    ret\n"
        /* void fv_unknown_syscall(const seL4_Word in[9], seL4_Word out[9]):
         * in = {ra, a0..a6, a7} loaded before the ecall; out = {ra, a0..a6, sp} after it */
        ".global fv_unknown_syscall\n"
        "fv_unknown_syscall:\n"
        "    mv t1, ra\n"
        "    mv t2, a1\n"
        "    mv t3, sp\n"
        "    la t4, fv_saved_sp\n"
        "    sd sp, 0(t4)\n"
        "    mv t5, a0\n"
        "    ld ra, 0(t5)\n"
        "    ld a0, 8(t5)\n"
        "    ld a1, 16(t5)\n"
        "    ld a2, 24(t5)\n"
        "    ld a3, 32(t5)\n"
        "    ld a4, 40(t5)\n"
        "    ld a5, 48(t5)\n"
        "    ld a6, 56(t5)\n"
        "    ld a7, 64(t5)\n"
        ".global fv_unknown_syscall_insn\n"
        "fv_unknown_syscall_insn:\n"
        "    ecall\n"
        "    sd ra, 0(t2)\n"
        "    sd a0, 8(t2)\n"
        "    sd a1, 16(t2)\n"
        "    sd a2, 24(t2)\n"
        "    sd a3, 32(t2)\n"
        "    sd a4, 40(t2)\n"
        "    sd a5, 48(t2)\n"
        "    sd a6, 56(t2)\n"
        "    sd sp, 64(t2)\n"
        "    mv sp, t3\n"
        "    mv ra, t1\n"
        "    ret\n"
        ".option pop\n"
        ".popsection\n");

seL4_Word fv_load(seL4_Word addr);
void fv_store(seL4_Word addr, seL4_Word value);
void fv_illegal(void);
void fv_ebreak(void);
seL4_Word fv_raw_syscall(seL4_Word a0, seL4_Word info, seL4_Word a6, seL4_Word number);
void fv_unknown_syscall(const seL4_Word *in, seL4_Word *out);
extern char fv_load_insn[], fv_store_insn[], fv_illegal_insn[], fv_ebreak_insn[];
extern char fv_raw_syscall_insn[], fv_unknown_syscall_insn[];
volatile seL4_Word fv_saved_sp;

#define RV_LI_A0_42 0x02a00513u /* addi a0, zero, 42 */
#define RV_RET 0x00008067u      /* jalr zero, 0(ra) */
#define SCAUSE_ILLEGAL 2
#define SCAUSE_BREAKPOINT 3
#define FSR_INSN 1
#define FSR_LOAD 5
#define FSR_STORE 7
#define UNUSED_SYSCALL 100

/* ---- the handler side: an endpoint and a reply object in the root task */
typedef struct {
    seL4_CPtr ep, reply;
} handler_t;

static int handler_new(handler_t *h)
{
    h->ep = kt_alloc(seL4_EndpointObject, 0);
    h->reply = h->ep ? kt_alloc(seL4_ReplyObject, 0) : 0;
    return h->reply ? 0 : -1;
}

/* A cleared helper descriptor (the array outlives the tests). */
static kt_thread_t *helper(int i)
{
    kt_memset(&kt_threads[i], 0, sizeof(kt_threads[i]));
    return &kt_threads[i];
}

/* A started helper running fn with fault_ep (0: none) as its fault endpoint. The caller
 * sets t->arg[] first; kt_thread_new clears the descriptor, so they are carried over. */
static int faulter(kt_thread_t *t, void (*fn)(kt_thread_t *), seL4_CPtr fault_ep)
{
    seL4_Word args[6];
    for (int i = 0; i < 6; i++) {
        args[i] = t->arg[i];
    }
    if (kt_thread_new(t, fn, KT_PRIO) != 0) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        t->arg[i] = args[i];
    }
    if (fault_ep != 0 && kt_thread_set_fault_ep(t, fault_ep, KT_PRIO) != 0) {
        return -1;
    }
    return kt_thread_start(t);
}

/* Polls the endpoint, yielding to the helper in between, so that a kernel that loses the
 * fault fails the test instead of blocking the root task forever. Label 0: nothing came. */
static seL4_MessageInfo_t await_fault(kt_thread_t *t, handler_t *h, seL4_Word *badge)
{
    seL4_Word b = 0;
    for (int i = 0; i < 50; i++) {
        seL4_MessageInfo_t info = seL4_NBRecv(h->ep, &b, h->reply);
        if (seL4_MessageInfo_get_label(info) != 0) {
            if (badge != NULL) {
                *badge = b;
            }
            return info;
        }
        if (t->done) {
            break;
        }
        seL4_Yield();
    }
    return seL4_MessageInfo_new(0, 0, 0, 0);
}

#define EXPECT_FAULT(info, type, len)                                                           \
    do {                                                                                        \
        KT_EQ(seL4_MessageInfo_get_label(info), type);                                          \
        KT_EQ(seL4_MessageInfo_get_length(info), len);                                          \
        KT_EQ(seL4_MessageInfo_get_extraCaps(info), 0);                                         \
    } while (0)

static void reply_empty(handler_t *h, seL4_Word label)
{
    seL4_Send(h->reply, seL4_MessageInfo_new(label, 0, 0, 0));
}

/* ---- helper bodies */
static void do_load(kt_thread_t *t)
{
    t->result[0] = fv_load(t->arg[0]);
}

static void do_store(kt_thread_t *t)
{
    fv_store(t->arg[0], t->arg[1]);
    t->result[0] = 1;
}

static void do_jump(kt_thread_t *t)
{
    __asm__ volatile("fence.i" ::: "memory");
    seL4_Word (*fn)(void) = (seL4_Word(*)(void))t->arg[0];
    t->result[0] = fn();
}

static void do_illegal(kt_thread_t *t)
{
    fv_illegal();
    t->result[0] = 1;
}

static void do_ebreak(kt_thread_t *t)
{
    fv_ebreak();
    t->result[0] = 1;
}

static void do_raw_syscall(kt_thread_t *t)
{
    t->result[0] = fv_raw_syscall(t->arg[0], t->arg[1], t->arg[2], t->arg[3]);
    t->result[1] = 1;
}

static seL4_Word sys_in[9], sys_out[9];

static void do_unknown_syscall(kt_thread_t *t)
{
    fv_unknown_syscall(sys_in, sys_out);
    t->result[0] = 1;
}

static void set_sys_in(seL4_Word number)
{
    sys_in[0] = 0x5a5a0000ul; /* an ra the handler must see, never returned to */
    for (int i = 1; i < 8; i++) {
        sys_in[i] = 0xa0a0a000ul + (seL4_Word)(i - 1);
    }
    sys_in[8] = number;
    kt_memset(sys_out, 0, sizeof(sys_out));
}

/* A fresh page-aligned address in the root VSpace that nothing maps. */
static seL4_Word unmapped_vaddr(void)
{
    return kt_vaddr_pages(1);
}

/* A frame mapped at a fresh address of the root VSpace with the given rights and attributes. */
static seL4_Word mapped_page(seL4_CPtr *frame, seL4_CapRights_t rights, seL4_Word attr)
{
    seL4_CPtr f = kt_alloc(seL4_RISCV_4K_Page, 0);
    if (f == 0) {
        return 0;
    }
    seL4_Word v = kt_vaddr_pages(1);
    if (kt_map(f, seL4_CapInitThreadVSpace, v, rights, attr) != 0) {
        return 0;
    }
    if (frame != NULL) {
        *frame = f;
    }
    return v;
}

static void write_ret42(seL4_Word v)
{
    volatile uint32_t *code = (volatile uint32_t *)v;
    code[0] = RV_LI_A0_42;
    code[1] = RV_RET;
    __asm__ volatile("fence.i" ::: "memory");
}

/* ================================================================ VM faults */

KTEST(fault_vm_load_unmapped)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = unmapped_vaddr() + 0x18;
    t->arg[0] = addr;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_MR(seL4_VMFault_PrefetchFault, 0);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
    KT_TRUE(!t->done);
}

KTEST(fault_vm_store_unmapped)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = unmapped_vaddr() + 0x100;
    t->arg[0] = addr;
    t->arg[1] = 5;
    KT_DO(faulter(t, do_store, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_store_insn);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_MR(seL4_VMFault_PrefetchFault, 0);
    KT_MR(seL4_VMFault_FSR, FSR_STORE);
}

KTEST(fault_vm_fetch_unmapped)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = unmapped_vaddr() + 0x40;
    t->arg[0] = addr;
    KT_DO(faulter(t, do_jump, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, addr);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
}

KTEST(fault_vm_load_from_kernel_window)
{
    /* the kernel's half of every VSpace is not user accessible */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = 0xffffffc080200000ul;
    t->arg[0] = addr;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_MR(seL4_VMFault_PrefetchFault, 0);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
}

KTEST(fault_vm_store_to_read_only_mapping)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = mapped_page(NULL, seL4_CanRead, seL4_RISCV_Default_VMAttributes);
    KT_NE(v, 0);
    KT_EQ(*(volatile seL4_Word *)(v + 8), 0); /* reading is allowed */
    t->arg[0] = v + 8;
    t->arg[1] = 0x1234;
    KT_DO(faulter(t, do_store, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_store_insn);
    KT_MR(seL4_VMFault_Addr, v + 8);
    KT_MR(seL4_VMFault_PrefetchFault, 0);
    KT_MR(seL4_VMFault_FSR, FSR_STORE);
    KT_EQ(*(volatile seL4_Word *)(v + 8), 0);
}

KTEST(fault_vm_execute_never_mapping)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = mapped_page(NULL, seL4_ReadWrite, seL4_RISCV_ExecuteNever);
    KT_NE(v, 0);
    write_ret42(v);
    t->arg[0] = v;
    KT_DO(faulter(t, do_jump, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, v);
    KT_MR(seL4_VMFault_Addr, v);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
}

KTEST(fault_vm_executable_mapping_runs)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = mapped_page(NULL, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
    KT_NE(v, 0);
    write_ret42(v);
    t->arg[0] = v;
    KT_DO(faulter(t, do_jump, h.ep));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 42);
}

KTEST(fault_vm_reply_after_map_resumes_load)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = unmapped_vaddr();
    t->arg[0] = v + 0x20;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    *(volatile seL4_Word *)(v + 0x20) = 0xfeedf00d;
    reply_empty(&h, 0);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0xfeedf00d);
}

KTEST(fault_vm_reply_after_remap_resumes_store)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_CPtr f;
    seL4_Word v = mapped_page(&f, seL4_CanRead, seL4_RISCV_Default_VMAttributes);
    KT_NE(v, 0);
    t->arg[0] = v + 0x30;
    t->arg[1] = 0xabcdef;
    KT_DO(faulter(t, do_store, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_FSR, FSR_STORE);
    /* the same frame at the same address again, now writable: seL4 allows the remap */
    KT_OK(seL4_RISCV_Page_Map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    reply_empty(&h, 0);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(*(volatile seL4_Word *)(v + 0x30), 0xabcdef);
}

KTEST(fault_vm_reply_after_map_resumes_fetch)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = unmapped_vaddr();
    t->arg[0] = v;
    KT_DO(faulter(t, do_jump, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    write_ret42(v);
    reply_empty(&h, 0);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 42);
}

KTEST(fault_vm_reply_label_does_not_matter)
{
    /* seL4 restarts a thread after a VM fault whatever the reply's label */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = unmapped_vaddr();
    t->arg[0] = v;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    *(volatile seL4_Word *)v = 77;
    reply_empty(&h, 9);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 77);
}

KTEST(fault_vm_unfixed_reply_faults_again)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = unmapped_vaddr() + 8;
    t->arg[0] = addr;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    reply_empty(&h, 0);
    info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_TRUE(!t->done);
}

KTEST(fault_vm_after_unmap)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_CPtr f;
    seL4_Word v = mapped_page(&f, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
    KT_NE(v, 0);
    *(volatile seL4_Word *)v = 1;
    KT_OK(seL4_RISCV_Page_Unmap(f));
    t->arg[0] = v;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_Addr, v);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
}

KTEST(fault_vm_in_second_address_space)
{
    handler_t h;
    kt_space_t s;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(kt_space_new(&s));
    seL4_Word v = unmapped_vaddr();
    KT_DO(kt_space_thread_new(&s, t, do_load, KT_PRIO));
    t->arg[0] = v + 0x10;
    KT_DO(kt_thread_set_fault_ep(t, h.ep, KT_PRIO));
    KT_DO(kt_thread_start(t));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_Addr, v + 0x10);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
    /* map a frame there in the other VSpace only; the root task writes it through its own */
    seL4_CPtr f;
    seL4_Word mine = mapped_page(&f, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
    KT_NE(mine, 0);
    *(volatile seL4_Word *)(mine + 0x10) = 0x5eed;
    KT_CAP(again, kt_copy(f, seL4_AllRights));
    KT_DO(kt_map(again, s.vspace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes));
    reply_empty(&h, 0);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0x5eed);
}

/* ================================================================ user exceptions */

KTEST(fault_user_exception_illegal_instruction)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(faulter(t, do_illegal, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_MR(seL4_UserException_FaultIP, (seL4_Word)fv_illegal_insn);
    KT_MR(seL4_UserException_SP, fv_saved_sp);
    KT_MR(seL4_UserException_Number, SCAUSE_ILLEGAL);
    KT_MR(seL4_UserException_Code, 0);
}

KTEST(fault_user_exception_ebreak)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(faulter(t, do_ebreak, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_MR(seL4_UserException_FaultIP, (seL4_Word)fv_ebreak_insn);
    KT_MR(seL4_UserException_SP, fv_saved_sp);
    KT_MR(seL4_UserException_Number, SCAUSE_BREAKPOINT);
    KT_MR(seL4_UserException_Code, 0);
}

KTEST(fault_user_exception_reply_moves_pc)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(faulter(t, do_illegal, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    seL4_Word ip = seL4_GetMR(seL4_UserException_FaultIP), sp = seL4_GetMR(seL4_UserException_SP);
    seL4_SetMR(0, ip + 4);
    seL4_SetMR(1, sp);
    seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, 2));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 1);
}

KTEST(fault_user_exception_reply_nonzero_label_leaves_inactive)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(faulter(t, do_illegal, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    seL4_SetMR(0, (seL4_Word)fv_illegal_insn + 4);
    seL4_SetMR(1, fv_saved_sp);
    seL4_Send(h.reply, seL4_MessageInfo_new(1, 0, 0, 2));
    KT_TRUE(!kt_wait_done(t, 10));
    info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0); /* inactive: it does not fault again either */
    /* seL4 copies the reply's registers whatever the label: Resume continues after the
     * illegal instruction */
    KT_OK(seL4_TCB_Resume(t->tcb));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 1);
}

/* ================================================================ unknown syscalls */

KTEST(fault_unknown_syscall_message)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    KT_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)fv_unknown_syscall_insn);
    KT_MR(seL4_UnknownSyscall_SP, fv_saved_sp);
    KT_MR(seL4_UnknownSyscall_RA, sys_in[0]);
    for (int i = 0; i < 7; i++) {
        KT_MR(seL4_UnknownSyscall_A0 + i, sys_in[1 + i]);
    }
    KT_MR(seL4_UnknownSyscall_Syscall, UNUSED_SYSCALL);
}

KTEST(fault_unknown_syscall_negative_number)
{
    /* a negative number below every seL4 and LarkOS syscall: an UnknownSyscall like any other */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in((seL4_Word)-200);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    KT_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)fv_unknown_syscall_insn);
    KT_MR(seL4_UnknownSyscall_Syscall, (seL4_Word)-200);
}

KTEST(fault_unknown_syscall_reply_sets_registers)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    seL4_Word ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP), sp = seL4_GetMR(seL4_UnknownSyscall_SP);
    seL4_SetMR(seL4_UnknownSyscall_FaultIP, ip + 4);
    seL4_SetMR(seL4_UnknownSyscall_SP, sp - 64);
    seL4_SetMR(seL4_UnknownSyscall_RA, 0x7a7a);
    for (int i = 0; i < 7; i++) {
        seL4_SetMR(seL4_UnknownSyscall_A0 + i, 0x500 + (seL4_Word)i);
    }
    seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, seL4_UnknownSyscall_Syscall));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(sys_out[0], 0x7a7a);
    for (int i = 0; i < 7; i++) {
        KT_EQ(sys_out[1 + i], 0x500 + (seL4_Word)i);
    }
    KT_EQ(sys_out[8], sp - 64);
}

KTEST(fault_unknown_syscall_short_reply_sets_only_those)
{
    /* a reply of 1 MR changes only FaultIP: the other registers keep their values */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    seL4_SetMR(0, seL4_GetMR(seL4_UnknownSyscall_FaultIP) + 4);
    seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, 1));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(sys_out[0], sys_in[0]);
    for (int i = 0; i < 7; i++) {
        KT_EQ(sys_out[1 + i], sys_in[1 + i]);
    }
    KT_EQ(sys_out[8], fv_saved_sp);
}

KTEST(fault_unknown_syscall_empty_reply_faults_again)
{
    /* FaultIP is the ecall: a reply that does not move it re-runs the ecall */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    reply_empty(&h, 0);
    info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    KT_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)fv_unknown_syscall_insn);
    KT_MR(seL4_UnknownSyscall_A0, sys_in[1]);
    KT_MR(seL4_UnknownSyscall_Syscall, UNUSED_SYSCALL);
}

KTEST(fault_unknown_syscall_reply_nonzero_label_leaves_inactive)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    seL4_SetMR(0, (seL4_Word)fv_unknown_syscall_insn + 4);
    seL4_Send(h.reply, seL4_MessageInfo_new(3, 0, 0, 1));
    KT_TRUE(!kt_wait_done(t, 10));
    info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
}

/* ================================================================ cap faults */

#define BAD_CPTR ((1ul << 63) | 5) /* the root CNode's 52-bit zero guard does not match */

KTEST(fault_cap_send_phase_guard_mismatch)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[0] = BAD_CPTR;
    t->arg[1] = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
    t->arg[3] = (seL4_Word)seL4_SysCall;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 7);
    KT_MR(seL4_CapFault_IP, (seL4_Word)fv_raw_syscall_insn);
    KT_MR(seL4_CapFault_Addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
    KT_MR(seL4_CapFault_GuardMismatch_GuardFound, 0); /* the CNode's guard, as seL4 reports */
    KT_MR(seL4_CapFault_GuardMismatch_BitsFound, 52);
}

KTEST(fault_cap_send_blocking_send_faults)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[0] = BAD_CPTR;
    t->arg[3] = (seL4_Word)seL4_SysSend;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 7);
    KT_MR(seL4_CapFault_IP, (seL4_Word)fv_raw_syscall_insn);
    KT_MR(seL4_CapFault_Addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
}

KTEST(fault_cap_nbsend_never_faults)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[0] = BAD_CPTR;
    t->arg[3] = (seL4_Word)seL4_SysNBSend;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
    KT_TRUE(kt_wait_done(t, 10));
}

static void do_call_empty(kt_thread_t *t)
{
    seL4_MessageInfo_t info = seL4_Call(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 0));
    t->result[0] = seL4_MessageInfo_get_label(info);
    t->result[1] = seL4_GetMR(0);
}

KTEST(fault_call_on_empty_slot_is_an_error_not_a_fault)
{
    /* seL4 resolves an empty slot without a lookup failure: the null cap is invoked and the
     * Call gets InvalidCapability (MR0 = 0); the fault handler hears nothing */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[0] = kt_slot();
    KT_DO(faulter(t, do_call_empty, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
    KT_TRUE(kt_wait_done(t, 10));
    KT_EQ(t->result[0], seL4_InvalidCapability);
    KT_EQ(t->result[1], 0);
}

KTEST(fault_cap_recv_phase_empty_slot)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_CPtr empty = kt_slot();
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = empty;
    t->arg[2] = reply;
    t->arg[3] = (seL4_Word)seL4_SysRecv;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 5);
    KT_MR(seL4_CapFault_IP, (seL4_Word)fv_raw_syscall_insn);
    KT_MR(seL4_CapFault_Addr, empty);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

KTEST(fault_cap_recv_phase_guard_mismatch)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[0] = BAD_CPTR;
    t->arg[3] = (seL4_Word)seL4_SysWait;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 7);
    KT_MR(seL4_CapFault_Addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_MR(seL4_CapFault_BitsLeft, 64);
    KT_MR(seL4_CapFault_GuardMismatch_GuardFound, 0);
    KT_MR(seL4_CapFault_GuardMismatch_BitsFound, 52);
}

KTEST(fault_cap_recv_on_endpoint_without_read)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(ep, kt_alloc(seL4_EndpointObject, 0));
    KT_CAP(wo, kt_copy(ep, seL4_CanWrite));
    KT_CAP(reply, kt_alloc(seL4_ReplyObject, 0));
    t->arg[0] = wo;
    t->arg[2] = reply;
    t->arg[3] = (seL4_Word)seL4_SysRecv;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 5);
    KT_MR(seL4_CapFault_Addr, wo);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

KTEST(fault_cap_recv_on_wrong_cap_type)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(frame, kt_alloc(seL4_RISCV_4K_Page, 0));
    t->arg[0] = frame;
    t->arg[3] = (seL4_Word)seL4_SysWait;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 5);
    KT_MR(seL4_CapFault_Addr, frame);
    KT_MR(seL4_CapFault_InRecvPhase, 1);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_MissingCapability);
    KT_MR(seL4_CapFault_BitsLeft, 0);
}

KTEST(fault_cap_reply_restarts_the_syscall)
{
    /* Wait on an empty slot faults; the handler puts a signalled notification there and
     * replies; the restarted Wait returns the badge */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_CPtr slot = kt_slot();
    t->arg[0] = slot;
    t->arg[3] = (seL4_Word)seL4_SysWait;
    KT_DO(faulter(t, do_raw_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 5);
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_OK(seL4_CNode_Mint(KT_ROOT, slot, KT_DEPTH, KT_ROOT, n, KT_DEPTH, seL4_AllRights, 0));
    KT_CAP(badged, kt_mint(n, seL4_AllRights, 0x33));
    seL4_Signal(badged);
    reply_empty(&h, 0);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0x33);
}

static void do_call_bad_extra_cap(kt_thread_t *t)
{
    seL4_SetCap(0, BAD_CPTR);
    seL4_SetMR(0, t->arg[1]);
    seL4_SetMR(1, KT_DEPTH);
    seL4_SetMR(2, 1);
    seL4_SetMR(3, KT_DEPTH);
    t->result[0] = fv_raw_syscall(KT_ROOT, seL4_MessageInfo_new(CNodeCopy, 0, 1, 5).words[0], 0,
                                  (seL4_Word)seL4_SysCall);
    t->result[1] = 1;
}

KTEST(fault_cap_extra_cap_lookup)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[1] = kt_slot();
    KT_DO(faulter(t, do_call_bad_extra_cap, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_CapFault, 7);
    KT_MR(seL4_CapFault_IP, (seL4_Word)fv_raw_syscall_insn);
    KT_MR(seL4_CapFault_Addr, BAD_CPTR);
    KT_MR(seL4_CapFault_InRecvPhase, 0);
    KT_MR(seL4_CapFault_LookupFailureType, seL4_GuardMismatch);
    KT_TRUE(kt_slot_empty(t->arg[1]));
}

/* ================================================================ handlers */

KTEST(fault_without_handler_suspends_thread)
{
    kt_thread_t *t = helper(0);
    seL4_Word addr = unmapped_vaddr();
    t->arg[0] = addr;
    KT_DO(faulter(t, do_load, 0));
    KT_TRUE(!kt_wait_done(t, 20)); /* the root task keeps running */
    seL4_UserContext regs;
    KT_OK(seL4_TCB_ReadRegisters(t->tcb, 0, 0, 1, &regs));
    KT_EQ(regs.pc, (seL4_Word)fv_load_insn);
    /* now with a handler: Resume re-runs the load and the fault is delivered */
    handler_t h;
    KT_DO(handler_new(&h));
    KT_DO(kt_thread_set_fault_ep(t, h.ep, KT_PRIO));
    KT_OK(seL4_TCB_Resume(t->tcb));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_Addr, addr);
}

KTEST(fault_without_handler_other_threads_run)
{
    kt_thread_t *bad = helper(0), *good = helper(1);
    KT_DO(faulter(bad, do_illegal, 0));
    KT_DO(faulter(good, do_ebreak, 0));
    KT_TRUE(!kt_wait_done(good, 10));
    KT_TRUE(!bad->done);
    /* a third, healthy thread still gets the CPU */
    kt_thread_t *ok = helper(2);
    seL4_Word v = mapped_page(NULL, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
    KT_NE(v, 0);
    *(volatile seL4_Word *)v = 99;
    ok->arg[0] = v;
    KT_DO(faulter(ok, do_load, 0));
    KT_TRUE(kt_wait_done(ok, 20));
    KT_EQ(ok->result[0], 99);
}

KTEST(fault_badge_of_handler_cap_delivered)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(badged, kt_mint(h.ep, seL4_AllRights, 0x77));
    KT_DO(faulter(t, do_illegal, badged));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = await_fault(t, &h, &badge);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_EQ(badge, 0x77);
}

KTEST(fault_two_threads_one_handler_in_order)
{
    handler_t h;
    kt_thread_t *a = helper(0), *b = helper(1);
    KT_DO(handler_new(&h));
    KT_CAP(ba, kt_mint(h.ep, seL4_AllRights, 1));
    KT_CAP(bb, kt_mint(h.ep, seL4_AllRights, 2));
    KT_DO(faulter(a, do_illegal, ba));
    KT_DO(faulter(b, do_ebreak, bb));
    kt_wait_done(b, 5); /* both fault and queue on the endpoint */
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = await_fault(a, &h, &badge);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_EQ(badge, 1);
    KT_MR(seL4_UserException_Number, SCAUSE_ILLEGAL);
    info = await_fault(b, &h, &badge);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_EQ(badge, 2);
    KT_MR(seL4_UserException_Number, SCAUSE_BREAKPOINT);
}

KTEST(fault_handler_cap_is_a_copy_in_the_tcb)
{
    /* MCS copies the fault endpoint cap into the TCB: deleting the caller's cap changes nothing */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(copy, kt_copy(h.ep, seL4_AllRights));
    KT_DO(faulter(t, do_illegal, copy));
    KT_OK(seL4_CNode_Delete(KT_ROOT, copy, KT_DEPTH));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
}

static seL4_Error set_fault_ep(kt_thread_t *t, seL4_CPtr ep)
{
    return seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, t->sc, ep);
}

KTEST(fault_ep_without_grant_rejected)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(wo, kt_copy(h.ep, seL4_CanWrite));
    KT_DO(kt_thread_new(t, do_illegal, KT_PRIO));
    KT_ERR(set_fault_ep(t, wo), seL4_InvalidCapability);
    KT_MR(0, 3);
}

KTEST(fault_ep_without_write_rejected)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(nw, kt_copy(h.ep, seL4_CapRights_new(1, 1, 1, 0)));
    KT_DO(kt_thread_new(t, do_illegal, KT_PRIO));
    KT_ERR(set_fault_ep(t, nw), seL4_InvalidCapability);
    KT_MR(0, 3);
}

KTEST(fault_ep_not_an_endpoint_rejected)
{
    kt_thread_t *t = helper(0);
    KT_CAP(n, kt_alloc(seL4_NotificationObject, 0));
    KT_DO(kt_thread_new(t, do_illegal, KT_PRIO));
    KT_ERR(set_fault_ep(t, n), seL4_InvalidCapability);
    KT_MR(0, 3);
}

KTEST(fault_ep_set_space_without_grant_rejected)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(wo, kt_copy(h.ep, seL4_CanWrite));
    KT_DO(kt_thread_new(t, do_illegal, KT_PRIO));
    KT_ERR(seL4_TCB_SetSpace(t->tcb, wo, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0), seL4_InvalidCapability);
    KT_MR(0, 1);
}

KTEST(fault_ep_set_space_delivers)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(kt_thread_new(t, do_ebreak, KT_PRIO));
    KT_OK(seL4_TCB_SetSpace(t->tcb, h.ep, KT_ROOT, 0, seL4_CapInitThreadVSpace, 0));
    KT_DO(kt_thread_start(t));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_MR(seL4_UserException_Number, SCAUSE_BREAKPOINT);
}

static void check_rights_accepted(seL4_CapRights_t rights)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(c, kt_copy(h.ep, rights));
    KT_DO(faulter(t, do_illegal, c));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    seL4_SetMR(0, (seL4_Word)fv_illegal_insn + 4);
    seL4_SetMR(1, fv_saved_sp);
    seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, 2));
    KT_TRUE(kt_wait_done(t, 20));
}

KTEST(fault_ep_write_grant_reply_accepted)
{
    check_rights_accepted(seL4_CapRights_new(1, 0, 0, 1));
}

KTEST(fault_ep_write_grant_accepted)
{
    check_rights_accepted(seL4_CapRights_new(0, 1, 0, 1));
}

KTEST(fault_queued_until_handler_receives)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(faulter(t, do_illegal, h.ep));
    KT_TRUE(!kt_wait_done(t, 5)); /* it faulted and waits on the endpoint */
    seL4_Word badge = 1;
    seL4_MessageInfo_t info = seL4_Recv(h.ep, &badge, h.reply);
    EXPECT_FAULT(info, seL4_Fault_UserException, seL4_UserException_Length);
    KT_EQ(badge, 0);
    KT_MR(seL4_UserException_FaultIP, (seL4_Word)fv_illegal_insn);
}

/* ================================================================ rights and ASIDs */

KTEST(fault_write_only_rights_give_no_access)
{
    /* seL4 has no write-only mappings: CanWrite alone masks to kernel-only, so a load faults */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = mapped_page(NULL, seL4_CanWrite, seL4_RISCV_ExecuteNever);
    KT_NE(v, 0);
    t->arg[0] = v + 0x40;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_Addr, v + 0x40);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
}

KTEST(fault_execute_only_mapping_runs_but_cannot_be_read)
{
    /* no read or write right but executable: seL4 writes an execute-only entry */
    handler_t h;
    kt_thread_t *t = helper(0), *r = helper(1);
    KT_DO(handler_new(&h));
    seL4_CPtr f;
    seL4_Word rw = mapped_page(&f, seL4_ReadWrite, seL4_RISCV_ExecuteNever);
    KT_NE(rw, 0);
    write_ret42(rw);
    KT_CAP(xo, kt_copy(f, seL4_AllRights));
    seL4_Word x = kt_vaddr_pages(1);
    KT_DO(kt_map(xo, seL4_CapInitThreadVSpace, x, seL4_NoRights, seL4_RISCV_Default_VMAttributes));
    t->arg[0] = x;
    KT_DO(faulter(t, do_jump, h.ep));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 42);
    r->arg[0] = x;
    KT_DO(faulter(r, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(r, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_Addr, x);
    KT_MR(seL4_VMFault_PrefetchFault, 0);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
}

KTEST(fault_read_only_cap_copy_maps_read_only)
{
    /* a frame cap copied with CanRead only maps read-only whatever Map asks for */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_CAP(ro, kt_copy(f, seL4_CanRead));
    seL4_Word v = kt_vaddr_pages(1);
    KT_DO(kt_map(ro, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, 0));
    t->arg[0] = v;
    t->arg[1] = 1;
    KT_DO(faulter(t, do_store, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_Addr, v);
    KT_MR(seL4_VMFault_FSR, FSR_STORE);
}

/* Like kt_space_new, but the VSpace takes its ASID from `pool`. */
extern char __image_start[];
static int space_in_pool(kt_space_t *s, seL4_CPtr pool)
{
    kt_memset(s, 0, sizeof(*s));
    s->vspace = kt_alloc(seL4_RISCV_PageTableObject, 0);
    if (s->vspace == 0) {
        return -1;
    }
    seL4_Error err = seL4_RISCV_ASIDPool_Assign(pool, s->vspace);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "ASIDPool_Assign: %s", kt_err_name(err));
        return -1;
    }
    const seL4_SlotRegion *img = &kt_bi->userImageFrames;
    for (seL4_CPtr f = img->start; f < img->end; f++) {
        seL4_CPtr copy = kt_copy(f, seL4_AllRights);
        seL4_Word v = (seL4_Word)__image_start + ((f - img->start) << seL4_PageBits);
        if (copy == 0 || kt_map(copy, s->vspace, v, seL4_ReadWrite, 0) != 0) {
            return -1;
        }
    }
    s->cnode_bits = 4;
    s->cnode = kt_alloc(seL4_CapTableObject, s->cnode_bits);
    return s->cnode == 0 ? -1 : 0;
}

KTEST(fault_thread_of_vspace_without_asid_cannot_fetch)
{
    /* once its ASID pool is gone, a thread's VSpace is no longer one: it runs on the kernel's
     * table and its next instruction fetch is a VM fault at its own pc */
    handler_t h;
    kt_space_t s;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_CAP(ut, kt_alloc_untyped(12));
    seL4_CPtr pool = kt_slot();
    KT_OK(seL4_RISCV_ASIDControl_MakePool(seL4_CapASIDControl, ut, KT_ROOT, pool, KT_DEPTH));
    KT_DO(space_in_pool(&s, pool));
    KT_DO(kt_space_thread_new(&s, t, do_load, KT_PRIO));
    t->arg[0] = unmapped_vaddr();
    KT_DO(kt_thread_set_fault_ep(t, h.ep, KT_PRIO));
    KT_DO(kt_thread_start(t));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD); /* it did run in its VSpace */
    KT_OK(seL4_CNode_Delete(KT_ROOT, pool, KT_DEPTH));
    reply_empty(&h, 0);
    info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_Addr, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
}

/* ================================================================ more unknown syscalls */

static void check_unknown_number(seL4_Word number)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(number);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
    KT_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)fv_unknown_syscall_insn);
    KT_MR(seL4_UnknownSyscall_Syscall, number);
}

KTEST(fault_unknown_syscall_zero)
{
    check_unknown_number(0);
}

KTEST(fault_unknown_syscall_benchmark_number_not_built)
{
    check_unknown_number((seL4_Word)-21); /* benchmarking is not configured */
}

KTEST(fault_unknown_syscall_between_debug_and_tls)
{
    check_unknown_number((seL4_Word)-32);
}

KTEST(fault_unknown_syscall_without_handler_suspends)
{
    kt_thread_t *t = helper(0);
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, 0));
    KT_TRUE(!kt_wait_done(t, 10));
    seL4_UserContext regs;
    KT_OK(seL4_TCB_ReadRegisters(t->tcb, 0, 0, 1, &regs));
    KT_EQ(regs.pc, (seL4_Word)fv_unknown_syscall_insn);
}

KTEST(fault_vm_fetch_from_kernel_window)
{
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = 0xffffffc080200000ul;
    t->arg[0] = addr;
    KT_DO(faulter(t, do_jump, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, addr);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
}

KTEST(fault_vm_non_canonical_addresses)
{
    /* Sv39: bits 63..39 must copy bit 38; anything else faults like an unmapped page */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word addr = 1ul << 39;
    t->arg[0] = addr;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    KT_MR(seL4_VMFault_Addr, addr);
    KT_MR(seL4_VMFault_FSR, FSR_LOAD);
    kt_thread_t *j = helper(1);
    j->arg[0] = 0x8000000000000000ul;
    KT_DO(faulter(j, do_jump, h.ep));
    info = await_fault(j, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, 0x8000000000000000ul);
    KT_MR(seL4_VMFault_Addr, 0x8000000000000000ul);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
}

/* A handler thread without an IPC buffer: it records what its Recv returned. */
static void bufferless_handler(kt_thread_t *t)
{
    seL4_Word badge = 0, m[4] = {0, 0, 0, 0};
    seL4_MessageInfo_t info = seL4_RecvWithMRs(t->arg[0], &badge, &m[0], &m[1], &m[2], &m[3], t->arg[1]);
    t->result[0] = info.words[0];
    for (int i = 0; i < 4; i++) {
        t->result[1 + i] = m[i];
    }
}

KTEST(fault_handler_without_ipc_buffer_gets_four_mrs)
{
    /* seL4 stops a message at the registers when the receiver has no IPC buffer: an
     * UnknownSyscall arrives with length 4 */
    handler_t h;
    kt_thread_t *hd = helper(0), *t = helper(1);
    KT_DO(handler_new(&h));
    KT_DO(kt_thread_new(hd, bufferless_handler, KT_PRIO));
    hd->arg[0] = h.ep;
    hd->arg[1] = h.reply;
    KT_OK(seL4_TCB_SetIPCBuffer(hd->tcb, 0, 0));
    KT_DO(kt_thread_start(hd));
    kt_wait_done(hd, 3); /* it blocks in Recv */
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    KT_TRUE(kt_wait_done(hd, 20));
    seL4_MessageInfo_t info = {{hd->result[0]}};
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
    KT_EQ(seL4_MessageInfo_get_length(info), 4);
    KT_EQ(hd->result[1], (seL4_Word)fv_unknown_syscall_insn);
    KT_EQ(hd->result[2], fv_saved_sp);
    KT_EQ(hd->result[3], sys_in[0]);
    KT_EQ(hd->result[4], sys_in[1]);
}

/* A handler that answers UserExceptions by stepping over the instruction, forever. */
static void stepping_handler(kt_thread_t *t)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(t->arg[0], &badge, t->arg[1]);
    for (;;) {
        t->result[0] = seL4_MessageInfo_get_label(info);
        t->counter++;
        seL4_SetMR(0, seL4_GetMR(seL4_UserException_FaultIP) + 4);
        info = seL4_ReplyRecv(t->arg[0], seL4_MessageInfo_new(0, 0, 0, 2), &badge, t->arg[1]);
    }
}

KTEST(fault_passive_handler_runs_on_the_faulters_sc)
{
    /* the fault IPC donates the faulter's SC to a passive handler and the reply returns it */
    handler_t h;
    kt_thread_t *hd = helper(0), *t = helper(1);
    KT_DO(handler_new(&h));
    KT_DO(kt_thread_new(hd, stepping_handler, KT_PRIO));
    hd->arg[0] = h.ep;
    hd->arg[1] = h.reply;
    KT_DO(kt_thread_start(hd));
    kt_wait_done(hd, 3); /* it blocks in Recv */
    KT_OK(seL4_SchedContext_Unbind(hd->sc));
    KT_DO(faulter(t, do_illegal, h.ep));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(hd->counter, 1);
    KT_EQ(hd->result[0], seL4_Fault_UserException);
    /* the handler is passive again: a second faulter is served the same way */
    kt_thread_t *u = helper(2);
    KT_DO(faulter(u, do_ebreak, h.ep));
    KT_TRUE(kt_wait_done(u, 20));
    KT_EQ(hd->counter, 2);
}

/* ================================================================ timeout fault replies */

static volatile seL4_Word landed;

static void spin(kt_thread_t *t)
{
    for (;;) {
        t->counter++;
    }
}

static void timeout_landing(seL4_Word magic)
{
    landed = magic;
    for (;;) {
        seL4_Yield();
    }
}

KTEST(fault_timeout_reply_sets_every_register)
{
    /* the reply to a Timeout fault carries a whole seL4_UserContext (FaultIP first) */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(kt_thread_new(t, spin, KT_PRIO));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), t->sc, 1000, 5000, 0, 0x5c, 0));
    KT_OK(seL4_TCB_SetTimeoutEndpoint(t->tcb, h.ep));
    KT_DO(kt_thread_start(t));
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 0);
    seL4_Word badge = 0;
    for (int i = 0; i < 20000 && seL4_MessageInfo_get_label(info) == 0; i++) {
        info = seL4_NBRecv(h.ep, &badge, h.reply);
        if (seL4_MessageInfo_get_label(info) == 0) {
            seL4_Yield();
        }
    }
    EXPECT_FAULT(info, seL4_Fault_Timeout, seL4_Timeout_Length);
    KT_MR(seL4_Timeout_Data, 0x5c);
    KT_GE(seL4_GetMR(seL4_Timeout_Consumed), 1);
    KT_NE(t->counter, 0);
    seL4_UserContext regs;
    KT_OK(seL4_TCB_ReadRegisters(t->tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs));
    regs.pc = (seL4_Word)timeout_landing;
    regs.a0 = 0x1a4d;
    regs.ra = 0;
    seL4_Word *w = (seL4_Word *)&regs;
    for (unsigned i = 0; i < sizeof(regs) / sizeof(seL4_Word); i++) {
        seL4_SetMR(i, w[i]);
    }
    seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, sizeof(regs) / sizeof(seL4_Word)));
    for (int i = 0; i < 20000 && landed == 0; i++) {
        seL4_Yield();
    }
    KT_EQ(landed, 0x1a4d);
}

/* ================================================================ cancelled faults */

static void load_then_call(kt_thread_t *t)
{
    seL4_Word v = fv_load(t->arg[0]);
    seL4_SetMR(0, v);
    seL4_MessageInfo_t info = seL4_Call(t->arg[1], seL4_MessageInfo_new(0x42, 0, 0, 1));
    t->result[0] = seL4_MessageInfo_get_label(info);
}

KTEST(fault_suspend_cancels_the_pending_fault)
{
    /* suspending a thread that waits to deliver its fault cancels the fault (seL4's
     * cancelIPC): resumed after the cause is gone, it runs on and its next Call is an
     * ordinary message, not a fault */
    handler_t h, server;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(handler_new(&server));
    seL4_Word v = unmapped_vaddr();
    t->arg[0] = v + 8;
    t->arg[1] = server.ep;
    KT_DO(faulter(t, load_then_call, h.ep));
    KT_TRUE(!kt_wait_done(t, 5)); /* the fault waits on h.ep: nobody receives there */
    KT_OK(seL4_TCB_Suspend(t->tcb));
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)(v + 8) = 0xca11;
    KT_OK(seL4_TCB_Resume(t->tcb));
    seL4_MessageInfo_t info = await_fault(t, &server, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0x42);
    KT_EQ(seL4_MessageInfo_get_length(info), 1);
    KT_MR(0, 0xca11);
    seL4_Send(server.reply, seL4_MessageInfo_new(7, 0, 0, 0));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 7);
    /* and the fault endpoint never saw anything */
    info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
}

KTEST(fault_pending_on_deleted_endpoint_leaves_thread_inactive)
{
    /* seL4 MCS: deleting an endpoint makes its queued senders restart, except those that
     * were delivering a fault: they become inactive (no second fault, no message) */
    handler_t h, other;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(handler_new(&other));
    KT_CAP(old, kt_copy(h.ep, seL4_AllRights));
    t->arg[0] = unmapped_vaddr();
    KT_DO(faulter(t, do_load, old));
    KT_TRUE(!kt_wait_done(t, 5)); /* blocked sending its fault on the endpoint */
    /* a new fault handler for later, then the old endpoint goes away entirely */
    KT_DO(kt_thread_set_fault_ep(t, other.ep, KT_PRIO));
    KT_OK(seL4_CNode_Revoke(KT_ROOT, h.ep, KT_DEPTH));
    KT_OK(seL4_CNode_Delete(KT_ROOT, h.ep, KT_DEPTH));
    seL4_MessageInfo_t info = await_fault(t, &other, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0); /* it did not run the load again */
    seL4_UserContext regs;
    KT_OK(seL4_TCB_ReadRegisters(t->tcb, 0, 0, 1, &regs));
    KT_EQ(regs.pc, (seL4_Word)fv_load_insn);
    /* Resume runs the load again: now the fault goes to the new handler */
    KT_OK(seL4_TCB_Resume(t->tcb));
    info = await_fault(t, &other, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
}

KTEST(fault_pending_badged_send_cancelled_leaves_thread_inactive)
{
    handler_t h, other;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    KT_DO(handler_new(&other));
    KT_CAP(badged, kt_mint(h.ep, seL4_AllRights, 0x99));
    t->arg[0] = unmapped_vaddr();
    KT_DO(faulter(t, do_load, badged));
    KT_TRUE(!kt_wait_done(t, 5));
    KT_DO(kt_thread_set_fault_ep(t, other.ep, KT_PRIO));
    KT_OK(seL4_CNode_CancelBadgedSends(KT_ROOT, badged, KT_DEPTH));
    seL4_MessageInfo_t info = await_fault(t, &other, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
    info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0); /* the cancelled fault is gone */
    KT_OK(seL4_TCB_Resume(t->tcb));
    info = await_fault(t, &other, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
}

KTEST(fault_resume_while_waiting_for_reply_restarts)
{
    /* Resume of a thread blocked on its fault reply cancels the fault and re-runs the
     * instruction; the late reply then finds nobody */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = unmapped_vaddr();
    t->arg[0] = v;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)v = 0x4e5;
    KT_OK(seL4_TCB_Resume(t->tcb));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0x4e5);
    reply_empty(&h, 0); /* nobody waits on the reply any more: nothing happens */
}

KTEST(fault_thread_without_vspace_faults_on_first_fetch)
{
    /* a TCB never given a VSpace runs on the kernel's table: its first fetch faults */
    handler_t h;
    KT_DO(handler_new(&h));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0));
    KT_OK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, sc, h.ep));
    seL4_UserContext regs;
    kt_memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)fv_load;
    KT_OK(seL4_TCB_WriteRegisters(tcb, 1, 0, 1, &regs));
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 0);
    for (int i = 0; i < 50 && seL4_MessageInfo_get_label(info) == 0; i++) {
        seL4_Yield();
        info = seL4_NBRecv(h.ep, &badge, h.reply);
    }
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load);
    KT_MR(seL4_VMFault_Addr, (seL4_Word)fv_load);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
}

KTEST(fault_vm_fetch_straddling_into_unmapped_page)
{
    /* a 32-bit instruction in the last two bytes of a page: IP is where it starts, Addr the
     * missing page its second half is on; mapping that page and replying completes it */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = mapped_page(NULL, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
    KT_NE(v, 0);
    kt_vaddr_pages(1); /* keep the next page free */
    seL4_Word next = v + 4096;
    volatile uint16_t *tail = (volatile uint16_t *)(next - 2);
    *tail = (uint16_t)(RV_LI_A0_42 & 0xffff);
    __asm__ volatile("fence.i" ::: "memory");
    t->arg[0] = next - 2;
    KT_DO(faulter(t, do_jump, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, next - 2);
    KT_MR(seL4_VMFault_Addr, next);
    KT_MR(seL4_VMFault_PrefetchFault, 1);
    KT_MR(seL4_VMFault_FSR, FSR_INSN);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, next, seL4_ReadWrite, 0));
    volatile uint16_t *head = (volatile uint16_t *)next;
    head[0] = (uint16_t)(RV_LI_A0_42 >> 16);
    head[1] = (uint16_t)(RV_RET & 0xffff);
    head[2] = (uint16_t)(RV_RET >> 16);
    __asm__ volatile("fence.i" ::: "memory");
    reply_empty(&h, 0);
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 42);
}

/* ================================================================ every trap a user can raise */

#define SWEEP_CODE 0x100000000ul           /* the instruction page in the sweep's VSpace */
#define SWEEP_DATA (SWEEP_CODE + 0x2000)   /* a data page there */
#define SWEEP_HOLE (SWEEP_CODE + 0x10000)  /* nothing mapped */
#define SWEEP_KERNEL 0xffffffc080200000ul

/* What one instruction does in U-mode under seL4: nothing (0), a UserException with this
 * scause, or a VMFault with this FSR and address register. */
typedef struct {
    uint32_t insn;
    seL4_Word label, detail;
    int addr_reg; /* 10 = a0 (kernel), 11 = a1 (hole), 0: no address to check */
} sweep_t;

static const sweep_t sweep[] = {
    {0x10200073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* sret */
    {0x30200073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* mret */
    {0x10500073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* wfi */
    {0x12000073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* sfence.vma */
    {0x10001073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* csrw sstatus, zero */
    {0x180027f3u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* csrr a5, satp */
    {0x10501073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* csrw stvec, zero */
    {0x300027f3u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* csrr a5, mstatus */
    {0xc0001073u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* unimp (write cycle) */
    {0x00000000u, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* all zero */
    {0xffffffffu, seL4_Fault_UserException, SCAUSE_ILLEGAL, 0},    /* all ones */
    {0x00100073u, seL4_Fault_UserException, SCAUSE_BREAKPOINT, 0}, /* ebreak */
    {0x00053783u, seL4_Fault_VMFault, FSR_LOAD, 10},               /* ld a5, 0(a0) */
    {0x00f53023u, seL4_Fault_VMFault, FSR_STORE, 10},              /* sd a5, 0(a0) */
    {0x1005b7afu, seL4_Fault_VMFault, FSR_LOAD, 11},               /* lr.d a5, (a1) */
    {0x0005c783u, seL4_Fault_VMFault, FSR_LOAD, 11},               /* lbu a5, 0(a1) */
    {0x00063783u, 0, 0, 0},                                        /* ld a5, 0(a2): misaligned, works */
    {0x00f63023u, 0, 0, 0},                                        /* sd a5, 0(a2): misaligned, works */
    {0x003027f3u, 0, 0, 0},                                        /* frcsr a5: lazy FPU */
    {0x02f7f7d3u, 0, 0, 0},                                        /* fadd.d fa5, fa5, fa5 */
    {0x0000100fu, 0, 0, 0},                                        /* fence.i */
    {0x0ff0000fu, 0, 0, 0},                                        /* fence */
};
#define SWEEP_N (sizeof(sweep) / sizeof(sweep[0]))

KTEST(fault_sweep_of_privileged_and_faulting_instructions)
{
    /* a thread in a VSpace of its own runs a page of single instructions; the root task
     * checks each trap and steps the thread over it (a fault reply for exceptions,
     * WriteRegisters for VM faults, whose replies carry no registers) */
    handler_t h;
    KT_DO(handler_new(&h));
    KT_CAP(vs, kt_alloc(seL4_RISCV_PageTableObject, 0));
    KT_OK(seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs));
    seL4_CPtr code;
    uint32_t *mine = (uint32_t *)mapped_page(&code, seL4_ReadWrite, seL4_RISCV_ExecuteNever);
    KT_TRUE(mine != NULL);
    for (unsigned i = 0; i < SWEEP_N; i++) {
        mine[i] = sweep[i].insn;
    }
    mine[SWEEP_N] = 0x00100073u; /* ebreak: the end */
    KT_CAP(code2, kt_copy(code, seL4_AllRights));
    KT_DO(kt_map(code2, vs, SWEEP_CODE, seL4_CanRead, 0));
    KT_CAP(data, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(data, vs, SWEEP_DATA, seL4_ReadWrite, 0));
    KT_CAP(cnode, kt_alloc(seL4_CapTableObject, 4));
    KT_CAP(tcb, kt_alloc(seL4_TCBObject, 0));
    KT_CAP(sc, kt_alloc(seL4_SchedContextObject, 8));
    KT_OK(seL4_SchedControl_ConfigureFlags(kt_sched_control(), sc, 10000, 10000, 0, 0, 0));
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - 4).words[0];
    KT_OK(seL4_TCB_Configure(tcb, cnode, guard, vs, 0, 0, 0));
    KT_OK(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, KT_PRIO, KT_PRIO, sc, h.ep));
    seL4_UserContext regs;
    kt_memset(&regs, 0, sizeof(regs));
    regs.pc = SWEEP_CODE;
    regs.sp = SWEEP_DATA + 0x800;
    regs.a0 = SWEEP_KERNEL;
    regs.a1 = SWEEP_HOLE;
    regs.a2 = SWEEP_DATA + 0x101;
    KT_OK(seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs));

    unsigned next = 0; /* the first instruction not yet accounted for */
    for (int round = 0; round < 400; round++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_NBRecv(h.ep, &badge, h.reply);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (label == 0) {
            seL4_Yield();
            continue;
        }
        seL4_Word ip = seL4_GetMR(0);
        if (ip < SWEEP_CODE || ip > SWEEP_CODE + 4 * SWEEP_N || (ip & 3) != 0) {
            KT_FAIL("fault (label %lu) at 0x%lx outside the sweep", label, ip);
        }
        unsigned i = (unsigned)((ip - SWEEP_CODE) / 4);
        for (; next < i; next++) {
            if (sweep[next].label != 0) {
                KT_FAIL("instruction %u (0x%08x) did not trap", next, sweep[next].insn);
            }
        }
        if (i == SWEEP_N) {
            KT_EQ(label, seL4_Fault_UserException);
            KT_MR(seL4_UserException_Number, SCAUSE_BREAKPOINT);
            return; /* all accounted for */
        }
        if (label != sweep[i].label) {
            KT_FAIL("instruction %u (0x%08x): fault label %lu, expected %lu", i, sweep[i].insn, label,
                    sweep[i].label);
        }
        if (label == seL4_Fault_UserException) {
            KT_EQ(seL4_MessageInfo_get_length(info), seL4_UserException_Length);
            if (seL4_GetMR(seL4_UserException_Number) != sweep[i].detail) {
                KT_FAIL("instruction %u (0x%08x): scause %lu, expected %lu", i, sweep[i].insn,
                        seL4_GetMR(seL4_UserException_Number), sweep[i].detail);
            }
            KT_MR(seL4_UserException_SP, SWEEP_DATA + 0x800);
            KT_MR(seL4_UserException_Code, 0);
            seL4_SetMR(0, ip + 4);
            seL4_SetMR(1, SWEEP_DATA + 0x800);
            seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, 2));
        } else {
            KT_EQ(seL4_MessageInfo_get_length(info), seL4_VMFault_Length);
            seL4_Word want = sweep[i].addr_reg == 10 ? SWEEP_KERNEL : SWEEP_HOLE;
            if (seL4_GetMR(seL4_VMFault_FSR) != sweep[i].detail || seL4_GetMR(seL4_VMFault_Addr) != want) {
                KT_FAIL("instruction %u (0x%08x): FSR %lu addr 0x%lx, expected %lu 0x%lx", i, sweep[i].insn,
                        seL4_GetMR(seL4_VMFault_FSR), seL4_GetMR(seL4_VMFault_Addr), sweep[i].detail, want);
            }
            KT_MR(seL4_VMFault_PrefetchFault, 0);
            regs.pc = ip + 4; /* only the first register (pc) is written */
            KT_OK(seL4_TCB_WriteRegisters(tcb, 1, 0, 1, &regs));
        }
        next = i + 1;
    }
    KT_FAIL("the sweep stopped at instruction %u", next);
}

KTEST(fault_reply_object_reused_cancels_the_fault)
{
    /* the handler receives again on the reply object that still waits for an answer: seL4
     * cancels the faulter's IPC, which leaves it inactive (and the fault forgotten) */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    seL4_Word v = unmapped_vaddr();
    t->arg[0] = v;
    KT_DO(faulter(t, do_load, h.ep));
    seL4_MessageInfo_t info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    seL4_Word badge = 0;
    info = seL4_NBRecv(h.ep, &badge, h.reply); /* nothing there, but the reply is taken back */
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
    KT_CAP(f, kt_alloc(seL4_RISCV_4K_Page, 0));
    KT_DO(kt_map(f, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)v = 0x2b;
    reply_empty(&h, 0); /* too late: nobody waits on this reply */
    KT_TRUE(!kt_wait_done(t, 10));
    KT_OK(seL4_TCB_Resume(t->tcb));
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->result[0], 0x2b);
}

static void many_unknown_syscalls(kt_thread_t *t)
{
    for (seL4_Word i = 0; i < t->arg[0]; i++) {
        fv_unknown_syscall(sys_in, sys_out);
        t->counter++;
    }
}

KTEST(fault_storm_of_500_handled_faults)
{
    /* fault, reply, fault again: nothing accumulates in the kernel along the way */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    set_sys_in(UNUSED_SYSCALL);
    t->arg[0] = 500;
    KT_DO(faulter(t, many_unknown_syscalls, h.ep));
    for (int i = 0; i < 500; i++) {
        seL4_MessageInfo_t info = await_fault(t, &h, NULL);
        EXPECT_FAULT(info, seL4_Fault_UnknownSyscall, seL4_UnknownSyscall_Length);
        KT_MR(seL4_UnknownSyscall_FaultIP, (seL4_Word)fv_unknown_syscall_insn);
        KT_EQ(t->counter, (seL4_Word)i);
        seL4_SetMR(0, (seL4_Word)fv_unknown_syscall_insn + 4);
        seL4_Send(h.reply, seL4_MessageInfo_new(0, 0, 0, 1));
    }
    KT_TRUE(kt_wait_done(t, 20));
    KT_EQ(t->counter, 500);
}

KTEST(fault_handler_with_read_only_ipc_buffer_gets_four_mrs)
{
    /* the kernel may not write a fault message into a buffer mapped through a read-only
     * frame cap: seL4 stops at the registers, as for a handler without a buffer */
    handler_t h;
    kt_thread_t *hd = helper(0), *t = helper(1);
    KT_DO(handler_new(&h));
    KT_DO(kt_thread_new(hd, bufferless_handler, KT_PRIO));
    hd->arg[0] = h.ep;
    hd->arg[1] = h.reply;
    KT_CAP(ro, kt_copy(hd->ipc_frame, seL4_CanRead));
    KT_OK(seL4_TCB_SetIPCBuffer(hd->tcb, hd->ipc_vaddr, ro));
    seL4_Word *buf = (seL4_Word *)hd->ipc_vaddr;
    buf[1 + seL4_UnknownSyscall_Syscall] = 0x5e5e;
    KT_DO(kt_thread_start(hd));
    kt_wait_done(hd, 3);
    set_sys_in(UNUSED_SYSCALL);
    KT_DO(faulter(t, do_unknown_syscall, h.ep));
    KT_TRUE(kt_wait_done(hd, 20));
    seL4_MessageInfo_t info = {{hd->result[0]}};
    KT_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
    KT_EQ(seL4_MessageInfo_get_length(info), 4);
    KT_EQ(hd->result[1], (seL4_Word)fv_unknown_syscall_insn);
    KT_EQ(buf[1 + seL4_UnknownSyscall_Syscall], 0x5e5e);
}

KTEST(fault_received_without_reply_object_leaves_faulter_inactive)
{
    /* a handler that takes the fault with Wait (no reply object) cannot answer it: seL4
     * leaves the faulting thread inactive, and Resume makes it fault again */
    handler_t h;
    kt_thread_t *t = helper(0);
    KT_DO(handler_new(&h));
    t->arg[0] = unmapped_vaddr();
    KT_DO(faulter(t, do_load, h.ep));
    KT_TRUE(!kt_wait_done(t, 5));
    seL4_Word badge = 1;
    seL4_MessageInfo_t info = seL4_Wait(h.ep, &badge);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
    KT_MR(seL4_VMFault_IP, (seL4_Word)fv_load_insn);
    info = await_fault(t, &h, NULL);
    KT_EQ(seL4_MessageInfo_get_label(info), 0);
    KT_OK(seL4_TCB_Resume(t->tcb));
    info = await_fault(t, &h, NULL);
    EXPECT_FAULT(info, seL4_Fault_VMFault, seL4_VMFault_Length);
}
