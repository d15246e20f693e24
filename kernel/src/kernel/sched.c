/* K2 owns this file. K1 created this minimal version (only the scheduler globals) so the
 * boot path links; replace freely. */
#include <lark/sched.h>

struct tcb *ks_cur_thread;
struct tcb *ks_idle_thread;
struct sched_context *ks_cur_sc;
struct tcb *ks_sched_action;
word_t ks_cur_time;
word_t ks_consumed;
