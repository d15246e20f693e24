/* The test environment: BootInfo, a root CNode slot cursor, the untyped pool that every test
 * allocates from, and a virtual address cursor in the root VSpace. kt_env_reset revokes the
 * pool and deletes every slot the test used, so each test starts from the same state. */
#include "kt.h"

const seL4_BootInfo *kt_bi;
seL4_CPtr kt_pool;
seL4_Word kt_pool_bits;
seL4_Word kt_pool_paddr;

/* Tests map their frames from here up; the image sits far below at 0x10000. */
#define KT_VADDR_BASE 0x40000000ul

static seL4_CPtr first_slot, next_slot;
static seL4_Word next_vaddr = KT_VADDR_BASE;
void kt_threads_reset(void);

void kt_memset(void *p, int c, size_t n)
{
    volatile unsigned char *d = p;
    while (n-- > 0) {
        *d++ = (unsigned char)c;
    }
}

void kt_memcpy(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    while (n-- > 0) {
        *d++ = *s++;
    }
}

int kt_strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static bool is_tainted(seL4_CPtr cap)
{
    const lark_bootinfo_lark_t *lark = lark_bootinfo_find_lark(kt_bi);
    return lark != NULL && cap >= lark->tainted.start && cap < lark->tainted.end;
}

void kt_env_init(const seL4_BootInfo *bi);
void kt_env_init(const seL4_BootInfo *bi)
{
    kt_bi = bi;
    /* The root task shares the CPU with helper threads of the same priority through Yield. */
    seL4_Error err = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, KT_PRIO);
    if (err != seL4_NoError) {
        kt_printf("kernel-tests: cannot lower the root priority (%s)\n", kt_err_name(err));
    }
    for (seL4_CPtr cap = bi->untyped.start; cap < bi->untyped.end; cap++) {
        const seL4_UntypedDesc *d = &bi->untypedList[cap - bi->untyped.start];
        if (d->isDevice || is_tainted(cap) || d->sizeBits < 16) {
            continue;
        }
        if (kt_pool == 0 || d->sizeBits > kt_pool_bits) {
            kt_pool = cap;
            kt_pool_bits = d->sizeBits;
            kt_pool_paddr = d->paddr;
        }
    }
    if (kt_pool == 0) {
        kt_printf("kernel-tests: no untyped of at least 64 KiB to run tests from\n");
        seL4_DebugHalt();
    }
    first_slot = next_slot = bi->empty.start;
}

int kt_env_reset(char *why, size_t size);
int kt_env_reset(char *why, size_t size)
{
    int rc = 0;
    seL4_Error err = seL4_CNode_Revoke(KT_ROOT, kt_pool, KT_DEPTH);
    if (err != seL4_NoError) {
        kt_snprintf(why, size, "revoke of the pool: %s", kt_err_name(err));
        rc = -1;
    }
    for (seL4_CPtr slot = first_slot; slot < next_slot; slot++) {
        err = seL4_CNode_Delete(KT_ROOT, slot, KT_DEPTH);
        if (err != seL4_NoError && rc == 0) {
            kt_snprintf(why, size, "delete of slot %lu: %s", slot, kt_err_name(err));
            rc = -1;
        }
    }
    next_slot = first_slot;
    next_vaddr = KT_VADDR_BASE;
    kt_threads_reset();
    return rc;
}

seL4_CPtr kt_slot(void)
{
    if (next_slot >= kt_bi->empty.end) {
        kt_fail(__FILE__, __LINE__, "out of root CNode slots");
        return 0;
    }
    return next_slot++;
}

seL4_CPtr kt_alloc(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = kt_slot();
    if (slot == 0) {
        return 0;
    }
    seL4_Error err = seL4_Untyped_Retype(kt_pool, type, size_bits, KT_ROOT, 0, 0, slot, 1);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "retype of type %lu (size bits %lu) from the pool: %s", type,
                size_bits, kt_err_name(err));
        return 0;
    }
    return slot;
}

seL4_CPtr kt_alloc_untyped(seL4_Word size_bits)
{
    return kt_alloc(seL4_UntypedObject, size_bits);
}

seL4_CPtr kt_sched_control(void)
{
    return kt_bi->schedcontrol.start;
}

seL4_Word kt_vaddr_pages(seL4_Word npages)
{
    seL4_Word v = next_vaddr;
    next_vaddr += npages << seL4_PageBits;
    return v;
}

int kt_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights, seL4_Word attr)
{
    for (int level = 0; level < 4; level++) {
        seL4_Error err = seL4_RISCV_Page_Map(frame, vspace, vaddr, rights, (seL4_RISCV_VMAttributes)attr);
        if (err == seL4_NoError) {
            return 0;
        }
        if (err != seL4_FailedLookup) {
            kt_fail(__FILE__, __LINE__, "map of frame %lu at 0x%lx: %s", frame, vaddr, kt_err_name(err));
            return -1;
        }
        seL4_CPtr pt = kt_alloc(seL4_RISCV_PageTableObject, 0);
        if (pt == 0) {
            return -1;
        }
        err = seL4_RISCV_PageTable_Map(pt, vspace, vaddr, seL4_RISCV_Default_VMAttributes);
        if (err != seL4_NoError) {
            kt_fail(__FILE__, __LINE__, "page table map at 0x%lx: %s", vaddr, kt_err_name(err));
            return -1;
        }
    }
    kt_fail(__FILE__, __LINE__, "map at 0x%lx still lacks a page table after 3 levels", vaddr);
    return -1;
}

void *kt_page_cap(seL4_CPtr *cap);
void *kt_page_cap(seL4_CPtr *cap)
{
    seL4_CPtr frame = kt_alloc(seL4_RISCV_4K_Page, 0);
    if (frame == 0) {
        return NULL;
    }
    seL4_Word v = kt_vaddr_pages(1);
    if (kt_map(frame, seL4_CapInitThreadVSpace, v, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes) != 0) {
        return NULL;
    }
    if (cap != NULL) {
        *cap = frame;
    }
    return (void *)v;
}

void *kt_page(void)
{
    return kt_page_cap(NULL);
}

seL4_CPtr kt_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot = kt_slot();
    if (slot == 0) {
        return 0;
    }
    seL4_Error err = seL4_CNode_Mint(KT_ROOT, slot, KT_DEPTH, KT_ROOT, src, KT_DEPTH, rights, badge);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "mint of cap %lu: %s", src, kt_err_name(err));
        return 0;
    }
    return slot;
}

seL4_CPtr kt_copy(seL4_CPtr src, seL4_CapRights_t rights)
{
    seL4_CPtr slot = kt_slot();
    if (slot == 0) {
        return 0;
    }
    seL4_Error err = seL4_CNode_Copy(KT_ROOT, slot, KT_DEPTH, KT_ROOT, src, KT_DEPTH, rights);
    if (err != seL4_NoError) {
        kt_fail(__FILE__, __LINE__, "copy of cap %lu: %s", src, kt_err_name(err));
        return 0;
    }
    return slot;
}

bool kt_slot_empty(seL4_CPtr slot)
{
    return seL4_DebugCapIdentify(slot) == KT_CAP_NULL;
}

seL4_Word kt_read_gp(void)
{
    seL4_Word gp;
    __asm__ volatile("mv %0, gp" : "=r"(gp));
    return gp;
}
