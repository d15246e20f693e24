/* Fault delivery (K2: src/kernel/fault.c). Callers fill cur_fault (errors.h) and call
 * fault_handle; it sends the fault message to the thread's fault endpoint (the cap in
 * TCB_FAULT_EP_SLOT) or suspends the thread if there is none. Message layouts: abi.md
 * section 6. A reply to a fault resumes the thread (fault_handle_reply). */
#ifndef LARK_FAULT_H
#define LARK_FAULT_H
#include "tcb.h"

void fault_handle(struct tcb *t);
/* The fault handler replied: apply the reply (UnknownSyscall: registers from the MRs) and
 * say whether the thread restarts (true) or stays inactive. */
bool fault_handle_reply(struct tcb *receiver, struct tcb *sender, word_t msginfo);
/* Timeout fault: the SC ran out and its TCB has a timeout endpoint. */
void fault_handle_timeout(struct tcb *t);

#endif
