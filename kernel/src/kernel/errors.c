/* The per-syscall error records and the helpers that fill them. Pure C. */
#include <lark/errors.h>

struct syscall_error cur_syscall_error;
struct lookup_fault cur_lookup_fault;
struct fault cur_fault;

static exception_t set_error(word_t type)
{
    cur_syscall_error.type = type;
    return EXCEPTION_SYSCALL_ERROR;
}

exception_t err_invalid_argument(word_t argno)
{
    cur_syscall_error.invalid_argument = argno;
    return set_error(ERR_INVALID_ARGUMENT);
}
exception_t err_invalid_cap(word_t capno)
{
    cur_syscall_error.invalid_cap = capno;
    return set_error(ERR_INVALID_CAPABILITY);
}
exception_t err_illegal_operation(void) { return set_error(ERR_ILLEGAL_OPERATION); }
exception_t err_range(word_t min, word_t max)
{
    cur_syscall_error.range_min = min;
    cur_syscall_error.range_max = max;
    return set_error(ERR_RANGE);
}
exception_t err_alignment(void) { return set_error(ERR_ALIGNMENT); }
exception_t err_failed_lookup(bool source)
{
    cur_syscall_error.lookup_was_source = source;
    return set_error(ERR_FAILED_LOOKUP);
}
exception_t err_truncated_message(void) { return set_error(ERR_TRUNCATED_MESSAGE); }
exception_t err_delete_first(void) { return set_error(ERR_DELETE_FIRST); }
exception_t err_revoke_first(void) { return set_error(ERR_REVOKE_FIRST); }
exception_t err_not_enough_memory(word_t available)
{
    cur_syscall_error.bytes_available = available;
    return set_error(ERR_NOT_ENOUGH_MEMORY);
}
