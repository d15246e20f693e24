/* Host tests of the allocator and the ELF loader. lark_syscall is replaced by a small model
 * of the kernel's answers (retype succeeds unless told otherwise; a page map fails with
 * FailedLookup until a page table covers its 2 MiB region), which records what the code asked
 * for, so the tests check the slots, untypeds, mappings, rights and page contents it chose. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lark/alloc.h>
#include <lark/elf_load.h>

static int passed, failed;
#define CHECK(c)                                                                   \
    do {                                                                           \
        if (c) {                                                                   \
            passed++;                                                              \
        } else {                                                                   \
            failed++;                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);                    \
        }                                                                          \
    } while (0)

static seL4_IPCBuffer ipc;

/* ---- the kernel model */
#define MAX_EVENTS 256
static struct retype { seL4_CPtr untyped; seL4_Word type, size_bits, offset, n; } retypes[MAX_EVENTS];
static int n_retypes;
static struct map { seL4_CPtr frame, vspace; seL4_Word vaddr, rights, attr; } maps[MAX_EVENTS];
static int n_maps;
static seL4_Word pt_regions[MAX_EVENTS]; /* 2 MiB regions (vaddr >> 21) with a page table */
static int n_pt;
static struct frame_copy { seL4_CPtr frame; unsigned char bytes[4096]; } copies[64];
static int n_copies;
static unsigned char *scratch;            /* the "scratch page" the loader writes through */
static seL4_Error retype_answer[16];       /* per untyped cptr: error to answer (0 = ok) */

static int has_pt(seL4_Word vaddr)
{
    for (int i = 0; i < n_pt; i++) {
        if (pt_regions[i] == vaddr >> 21) {
            return 1;
        }
    }
    return 0;
}

void lark_syscall(long sysno, lark_syscall_regs_t *r)
{
    seL4_MessageInfo_t in = {{r->info}};
    seL4_Word label = (seL4_Word)seL4_MessageInfo_get_label(in);
    seL4_Error err = seL4_NoError;
    if (sysno != seL4_SysCall) {
        r->info = 0;
        return;
    }
    switch (label) {
    case UntypedRetype:
        err = r->a0 < 16 ? retype_answer[r->a0] : seL4_NoError;
        if (err == seL4_NoError && n_retypes < MAX_EVENTS) {
            retypes[n_retypes++] = (struct retype){r->a0, r->mr[0], r->mr[1], ipc.msg[4], ipc.msg[5]};
        }
        break;
    case RISCVPageMap:
        if (!has_pt(r->mr[0])) {
            err = seL4_FailedLookup;
        } else if (n_maps < MAX_EVENTS) {
            maps[n_maps++] = (struct map){r->a0, ipc.caps_or_badges[0], r->mr[0], r->mr[1], r->mr[2]};
        }
        break;
    case RISCVPageTableMap:
        if (has_pt(r->mr[0])) {
            err = seL4_DeleteFirst;
        } else {
            pt_regions[n_pt++] = r->mr[0] >> 21;
        }
        break;
    case RISCVPageUnmap:
        /* What the frame holds is what was written through the scratch mapping. */
        if (n_copies < 64) {
            copies[n_copies].frame = r->a0;
            memcpy(copies[n_copies].bytes, scratch, 4096);
            n_copies++;
        }
        break;
    default:
        err = seL4_IllegalOperation;
        break;
    }
    r->info = seL4_MessageInfo_new(err, 0, 0, 0).words[0];
}

static void reset_model(void)
{
    n_retypes = n_maps = n_pt = n_copies = 0;
    memset(retype_answer, 0, sizeof retype_answer);
}

static union {
    seL4_BootInfo bi;
    unsigned char page[4096];
} boot;

static void make_bootinfo(void)
{
    memset(&boot, 0, sizeof boot);
    boot.bi.empty = (seL4_SlotRegion){100, 110};
    boot.bi.untyped = (seL4_SlotRegion){10, 14};
    boot.bi.untypedList[0] = (seL4_UntypedDesc){.paddr = 0x10000000, .sizeBits = 20, .isDevice = 1};
    boot.bi.untypedList[1] = (seL4_UntypedDesc){.paddr = 0x80800000, .sizeBits = 10};
    boot.bi.untypedList[2] = (seL4_UntypedDesc){.paddr = 0x80900000, .sizeBits = 16};
    boot.bi.untypedList[3] = (seL4_UntypedDesc){.paddr = 0x81000000, .sizeBits = 24};
}

static void test_alloc(void)
{
    lark_alloc_t a;
    reset_model();
    make_bootinfo();
    lark_alloc_init(&a, &boot.bi);
    CHECK(a.num_untyped == 3);              /* the device untyped is not for objects */
    CHECK(a.untyped[0].cap == 11 && a.untyped[0].size_bits == 10);
    CHECK(a.untyped[2].cap == 13 && a.untyped[2].paddr == 0x81000000);

    CHECK(lark_alloc_slot(&a) == 100);
    CHECK(lark_alloc_slots(&a, 3) == 101);
    CHECK(lark_alloc_slots(&a, 7) == seL4_CapNull);  /* only 6 left */
    CHECK(lark_alloc_slots(&a, 0) == seL4_CapNull);

    /* A 4 KiB page does not fit the 2^10 untyped: it goes to the 2^16 one. */
    seL4_CPtr cap = 0;
    CHECK(lark_alloc_object(&a, seL4_RISCV_4K_Page, 0, &cap) == seL4_NoError);
    CHECK(cap == 104);
    CHECK(n_retypes == 1 && retypes[0].untyped == 12 && retypes[0].type == seL4_RISCV_4K_Page &&
          retypes[0].offset == 104 && retypes[0].n == 1);

    /* The 2^16 untyped is full: the next one is tried, with the same slots. */
    retype_answer[12] = seL4_NotEnoughMemory;
    CHECK(lark_alloc_objects(&a, seL4_EndpointObject, 0, 2, &cap) == seL4_NoError);
    CHECK(cap == 105);
    CHECK(n_retypes == 2 && retypes[1].untyped == 11 && retypes[1].n == 2);

    /* A bad argument stops the search and gives the slot back. */
    retype_answer[11] = seL4_InvalidArgument;
    CHECK(lark_alloc_object(&a, seL4_EndpointObject, 0, &cap) == seL4_InvalidArgument);
    CHECK(lark_alloc_slot(&a) == 107);
    /* Fan-out above the limit is refused before asking the kernel. */
    CHECK(lark_alloc_objects(&a, seL4_EndpointObject, 0, 257, &cap) == seL4_RangeError);
    /* Nothing has room: NotEnoughMemory. */
    retype_answer[11] = retype_answer[12] = retype_answer[13] = seL4_NotEnoughMemory;
    CHECK(lark_alloc_object(&a, seL4_TCBObject, 0, &cap) == seL4_NotEnoughMemory);
}

/* ---- a hand-made ELF: text 0x10000 (0x1800 bytes, R X), data 0x12000 (16 of 0x3000, R W) */
static unsigned char elf[0x4000];

struct ehdr { unsigned char ident[16]; uint16_t type, machine; uint32_t version; uint64_t entry, phoff, shoff;
              uint32_t flags; uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct phdr { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; };

static void make_elf(void)
{
    memset(elf, 0, sizeof elf);
    struct ehdr h = {{0x7f, 'E', 'L', 'F', 2, 1, 1}, 2, 243, 1, 0x10040, 64, 0, 0, 64, 56, 2, 0, 0, 0};
    struct phdr text = {1, 5, 0x1000, 0x10000, 0x10000, 0x1800, 0x1800, 0x1000};
    struct phdr data = {1, 6, 0x2800, 0x12000, 0x12000, 0x10, 0x3000, 0x1000};
    memcpy(elf, &h, sizeof h);
    memcpy(elf + 64, &text, sizeof text);
    memcpy(elf + 64 + 56, &data, sizeof data);
    for (int i = 0x1000; i < 0x2800; i++) {
        elf[i] = (unsigned char)(i * 7 + 1);
    }
    memset(elf + 0x2800, 0xab, 0x10);
}

static const struct map *map_at(seL4_Word vaddr)
{
    for (int i = 0; i < n_maps; i++) {
        if (maps[i].vspace == 50 && maps[i].vaddr == vaddr) {
            return &maps[i];
        }
    }
    return NULL;
}

static const unsigned char *contents(seL4_CPtr frame)
{
    for (int i = 0; i < n_copies; i++) {
        if (copies[i].frame == frame) {
            return copies[i].bytes;
        }
    }
    return NULL;
}

static void test_loader(void)
{
    lark_alloc_t a;
    lark_elf_result_t res;
    reset_model();
    make_bootinfo();
    boot.bi.empty = (seL4_SlotRegion){100, 200};
    lark_alloc_init(&a, &boot.bi);
    make_elf();
    seL4_Word scratch_vaddr = (seL4_Word)(uintptr_t)scratch;

    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_OK);
    CHECK(res.entry == 0x10040);
    CHECK(res.pages == 5);
    CHECK(res.highest_vaddr == 0x15000);
    const struct map *t0 = map_at(0x10000), *t1 = map_at(0x11000), *d0 = map_at(0x12000), *d2 = map_at(0x14000);
    CHECK(t0 && t1 && d0 && d2 && map_at(0x13000));
    if (t0 && t1 && d0 && d2) {
        CHECK(t0->rights == seL4_CanRead.words[0] && t0->attr == seL4_RISCV_Default_VMAttributes);
        CHECK(d0->rights == seL4_ReadWrite.words[0] && d0->attr == seL4_RISCV_ExecuteNever);
        const unsigned char *p = contents(t0->frame), *q = contents(t1->frame), *d = contents(d0->frame),
                            *z = contents(d2->frame);
        CHECK(p && memcmp(p, elf + 0x1000, 4096) == 0);
        CHECK(q && memcmp(q, elf + 0x2000, 0x800) == 0 && q[0x800] == 0 && q[4095] == 0);
        CHECK(d && d[0] == 0xab && d[15] == 0xab && d[16] == 0 && d[4095] == 0);
        int zero = z != NULL;
        for (int i = 0; z && i < 4096; i++) {
            zero &= z[i] == 0;
        }
        CHECK(zero);
    }
    /* One page table for the target region and one for the scratch page were added. */
    CHECK(n_pt == 2);
    /* Every frame was filled through the scratch page (mapped there, execute-never). */
    int scratch_maps = 0;
    for (int i = 0; i < n_maps; i++) {
        scratch_maps += maps[i].vaddr == scratch_vaddr && maps[i].vspace == seL4_CapInitThreadVSpace &&
                        maps[i].attr == seL4_RISCV_ExecuteNever;
    }
    CHECK(scratch_maps == 5);

    /* Malformed images are refused before anything is allocated. */
    int before = n_retypes;
    make_elf();
    elf[1] = 'X';
    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_NOT_ELF);
    make_elf();
    elf[18] = 62; /* x86-64 */
    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_NOT_ELF);
    make_elf();
    CHECK(lark_elf_load(&a, 50, elf, 40, scratch_vaddr, &res) == LARK_ELF_NOT_ELF);
    make_elf();
    elf[32] = 0xf0; elf[33] = 0xff; /* phoff far outside */
    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_BAD_HEADERS);
    make_elf();
    CHECK(lark_elf_load(&a, 50, elf, 0x2000, scratch_vaddr, &res) == LARK_ELF_BAD_SEGMENT); /* text cut */
    CHECK(n_retypes == before);
    make_elf();
    uint64_t high = 0x3ffffff000ull;
    memcpy(elf + 64 + 56 + 16, &high, 8);  /* data segment above seL4_UserTop */
    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_BAD_SEGMENT);
    make_elf();
    uint64_t small = 8;
    memcpy(elf + 64 + 56 + 40, &small, 8);  /* data memsz < filesz */
    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_BAD_SEGMENT);

    /* A kernel refusal is reported with its error. */
    make_elf();
    retype_answer[11] = retype_answer[12] = retype_answer[13] = seL4_NotEnoughMemory;
    CHECK(lark_elf_load(&a, 50, elf, sizeof elf, scratch_vaddr, &res) == LARK_ELF_KERNEL_ERROR);
    CHECK(res.kernel_error == seL4_NotEnoughMemory);
}

int main(void)
{
    seL4_SetIPCBuffer(&ipc);
    scratch = aligned_alloc(4096, 4096);
    test_alloc();
    test_loader();
    printf("lib-loader-tests: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
