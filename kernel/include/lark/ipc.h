/* IPC: endpoints, notifications, replies (K2: src/kernel/ipc.c, src/object/endpoint.c,
 * notification.c, reply.c). The syscall layer (K1: src/kernel/syscall.c) looks the caps up
 * and calls these entry points; they block/wake threads and set ks_sched_action. */
#ifndef LARK_IPC_H
#define LARK_IPC_H
#include "objects.h"

/* Send on an endpoint cap (Send, NBSend, Call, and the send phase of NBSendRecv/NBSendWait/
 * ReplyRecv). badge/can_grant/can_grant_reply come from the invoked endpoint cap;
 * can_donate (MCS) is true for Call, NBSendRecv and NBSendWait. The sender's message is
 * in its registers/IPC buffer as the user left it (a1 = msginfo). */
void ipc_send(struct tcb *sender, struct endpoint *ep, word_t badge, bool can_grant,
              bool can_grant_reply, bool can_donate, bool blocking, bool is_call);
/* Receive on an endpoint or notification cap (Recv, NBRecv, Wait, NBWait, ReplyRecv's
 * receive phase). `reply` is the reply object for MCS endpoint receives (may be NULL for
 * notifications; required for endpoints that will be Called). */
void ipc_receive(struct tcb *receiver, cap_t ep_or_ntfn, bool blocking, struct reply *reply);
/* Reply through a reply object (ReplyRecv's reply phase, Send on a reply cap). */
void ipc_reply(struct tcb *sender, struct reply *r, bool can_grant);
/* Signal a notification (Send/NBSend on a notification cap). */
void ntfn_signal(struct notification *n, word_t badge);
/* Remove a thread from whatever IPC queue it blocks in (Suspend, deletion). */
void ipc_cancel(struct tcb *t);

#endif
