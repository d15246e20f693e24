/* RISC-V CSR access and machine facts (K1). Target only. */
#ifndef LARK_ARCH_RISCV_H
#define LARK_ARCH_RISCV_H
#include "../types.h"

#define csr_read(csr) ({ word_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"rK"((word_t)(v)) : "memory")
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"rK"((word_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"rK"((word_t)(v)) : "memory")

#define SSTATUS_SIE BIT(1)
#define SSTATUS_SPIE BIT(5)
#define SSTATUS_SPP BIT(8)
#define SSTATUS_FS_MASK (3ULL << 13)
#define SSTATUS_FS_OFF (0ULL << 13)
#define SSTATUS_FS_INITIAL (1ULL << 13)
#define SSTATUS_FS_CLEAN (2ULL << 13)
#define SSTATUS_FS_DIRTY (3ULL << 13)
#define SSTATUS_SUM BIT(18)

#define SIE_STIE BIT(5)
#define SIE_SEIE BIT(9)
#define SIP_STIP BIT(5)
#define SIP_SEIP BIT(9)

#define SCAUSE_INTERRUPT BIT(63)
enum scause_code {
    CAUSE_INSN_MISALIGNED = 0, CAUSE_INSN_ACCESS = 1, CAUSE_ILLEGAL_INSN = 2,
    CAUSE_BREAKPOINT = 3, CAUSE_LOAD_MISALIGNED = 4, CAUSE_LOAD_ACCESS = 5,
    CAUSE_STORE_MISALIGNED = 6, CAUSE_STORE_ACCESS = 7, CAUSE_ECALL_U = 8,
    CAUSE_INSN_PAGE_FAULT = 12, CAUSE_LOAD_PAGE_FAULT = 13, CAUSE_STORE_PAGE_FAULT = 15,
};
#define IRQ_S_TIMER 5
#define IRQ_S_EXTERNAL 9

#define SATP_MODE_SV39 (8ULL << 60)
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static inline word_t rdtime(void) { word_t t; __asm__ volatile("rdtime %0" : "=r"(t)); return t; }

#endif
