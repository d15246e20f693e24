/* How kernel operations report failure: one exception code plus the details in globals
 * (one hart, one syscall at a time). Pure: used by host unit tests. */
#ifndef LARK_ERRORS_H
#define LARK_ERRORS_H
#include "abi.h"

typedef enum {
    EXCEPTION_NONE = 0,
    EXCEPTION_FAULT,         /* cur_fault describes a fault for the current thread */
    EXCEPTION_LOOKUP_FAULT,  /* cur_lookup_fault describes a failed cptr lookup */
    EXCEPTION_SYSCALL_ERROR, /* cur_syscall_error: the invocation's error reply */
    EXCEPTION_PREEMPTED,     /* a preemption point fired: restart the syscall later */
} exception_t;

struct syscall_error {
    word_t type;              /* enum syscall_error_type */
    word_t invalid_argument;  /* InvalidArgument: MR0 */
    word_t invalid_cap;       /* InvalidCapability: MR0 */
    word_t range_min, range_max;
    word_t bytes_available;   /* NotEnoughMemory */
    bool lookup_was_source;   /* FailedLookup: MR0 */
};

struct lookup_fault {
    word_t type; /* enum lookup_failure_type */
    word_t bits_left, bits_found, guard_found;
};

struct fault {
    word_t type;   /* enum fault_label */
    word_t addr;   /* CapFault: cptr; VMFault: stval */
    word_t data;   /* CapFault: in_recv_phase; UnknownSyscall: number; UserException:
                      scause; VMFault: prefetch flag; Timeout: SC badge */
    word_t code;   /* UserException: code; VMFault: FSR */
    struct lookup_fault lookup; /* CapFault only */
};

extern struct syscall_error cur_syscall_error;
extern struct lookup_fault cur_lookup_fault;
extern struct fault cur_fault;

/* Helpers that fill cur_syscall_error and return EXCEPTION_SYSCALL_ERROR. */
exception_t err_invalid_argument(word_t argno);
exception_t err_invalid_cap(word_t capno);
exception_t err_illegal_operation(void);
exception_t err_range(word_t min, word_t max);
exception_t err_alignment(void);
exception_t err_failed_lookup(bool source); /* details from cur_lookup_fault */
exception_t err_truncated_message(void);
exception_t err_delete_first(void);
exception_t err_revoke_first(void);
exception_t err_not_enough_memory(word_t available);

#endif
