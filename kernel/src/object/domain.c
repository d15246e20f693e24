/* The Domain cap: DomainSet_Set. LarkOS is built with one domain (seL4's default
 * CONFIG_NUM_DOMAINS = 1), so the only valid domain is 0 and setting it changes nothing the
 * scheduler looks at; the arguments are still checked in seL4's order. */
#include <lark/invocation.h>
#include <lark/sched.h>

#define NUM_DOMAINS 1

exception_t decode_domain_invocation(struct invocation *inv)
{
    if (inv->label != DOMAIN_SET_SET) {
        return err_illegal_operation();
    }
    if (inv->length < 1) {
        return err_truncated_message();
    }
    word_t domain = inv_arg(inv, 0);
    if (domain >= NUM_DOMAINS) {
        return err_invalid_argument(0);
    }
    struct cte *thread = inv_extra_cap(inv, 0);
    if (!thread) {
        return err_truncated_message();
    }
    if (cap_type(thread->cap) != CAP_THREAD) {
        return err_invalid_argument(1);
    }
    tcb_from_cap(thread->cap)->domain = domain;
    return EXCEPTION_NONE;
}
