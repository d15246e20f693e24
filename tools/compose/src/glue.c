/* Per-component C glue: CSpace slot and address accessors, typed RPC client stubs and server
 * dispatch loops. The output uses only libsel4's standard names (seL4_Call, seL4_ReplyRecv,
 * seL4_Recv with the MCS reply cap, seL4_Signal, seL4_Wait, seL4_IRQHandler_Ack). */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "glue.h"

static void up(char *dst, const char *src)
{
    while (*src)
        *dst++ = (char)toupper((unsigned char)*src++);
    *dst = 0;
}

static const struct iface_field *cap_field(const struct iface_struct *s)
{
    for (int i = 0; i < s->nfields; i++)
        if (s->fields[i].is_cap)
            return &s->fields[i];
    return NULL;
}

static void set_mrs(FILE *f, const struct iface_struct *s, const char *var, const char *in)
{
    unsigned mr = 0;
    for (int i = 0; i < s->nfields; i++) {
        const struct iface_field *fl = &s->fields[i];
        if (fl->is_cap)
            continue;
        if (fl->count)
            fprintf(f, "%sfor (unsigned k = 0; k < %u; k++)\n%s    seL4_SetMR(%u + k, (seL4_Word)%s%s[k]);\n", in,
                    fl->count, in, mr, var, fl->name);
        else
            fprintf(f, "%sseL4_SetMR(%u, (seL4_Word)%s%s);\n", in, mr, var, fl->name);
        mr += fl->count ? fl->count : 1;
    }
}

static void get_mrs(FILE *f, const struct iface_struct *s, const char *var, const char *indent)
{
    unsigned mr = 0;
    for (int i = 0; i < s->nfields; i++) {
        const struct iface_field *fl = &s->fields[i];
        if (fl->is_cap)
            continue;
        if (fl->count)
            fprintf(f, "%sfor (unsigned k = 0; k < %u; k++)\n%s    %s%s[k] = (%s)seL4_GetMR(%u + k);\n", indent,
                    fl->count, indent, var, fl->name, fl->type, mr);
        else
            fprintf(f, "%s%s%s = (%s)seL4_GetMR(%u);\n", indent, var, fl->name, fl->type, mr);
        mr += fl->count ? fl->count : 1;
    }
}

/* The stub's parameter list, shared by prototype and the ops table. */
static void method_params(FILE *f, const char *iface, const struct iface_method *m, bool server)
{
    bool first = true;
    if (server) {
        fprintf(f, "seL4_Word badge");
        first = false;
    }
    if (m->request.present) {
        fprintf(f, "%sconst struct %s_%s_request *req", first ? "" : ", ", iface, m->name);
        first = false;
    }
    if (m->reply.present) {
        fprintf(f, "%sstruct %s_%s_reply *rep", first ? "" : ", ", iface, m->name);
        first = false;
    }
    if (first)
        fprintf(f, "void");
}

static void client_stub(FILE *f, const struct rpc *r, const struct iface_def *d, const struct iface_method *m,
                        const char *slot)
{
    fprintf(f, "/* Calls %s on rpc '%s'. Returns 0 or an error: %s_error, or LARK_RPC_E*. */\n", m->name, r->name,
            d->name);
    fprintf(f, "static inline seL4_Word %s_%s(", r->name, m->name);
    method_params(f, d->name, m, false);
    fprintf(f, ")\n{\n");
    if (m->request.present)
        set_mrs(f, &m->request, "req->", "    ");
    if (m->request.has_cap)
        fprintf(f, "    seL4_SetCap(0, req->%s);\n", cap_field(&m->request)->name);
    fprintf(f, "    seL4_MessageInfo_t info = seL4_Call(%s, seL4_MessageInfo_new(%s, 0, %d, %u));\n", slot, m->constant,
            m->request.has_cap ? 1 : 0, m->request.words);
    fprintf(f, "    seL4_Word err = seL4_MessageInfo_get_label(info);\n");
    if (m->reply.present) {
        fprintf(f, "    if (err != 0)\n        return err;\n");
        fprintf(f, "    if (seL4_MessageInfo_get_length(info) < %u)\n        return LARK_RPC_ESHORT;\n",
                m->reply.words);
        get_mrs(f, &m->reply, "rep->", "    ");
        fprintf(f, "    return 0;\n}\n\n");
    } else {
        fprintf(f, "    return err;\n}\n\n");
    }
}

static bool serves_with_irqs(const struct system *sys, const struct rpc *r)
{
    return sys->components[r->server].threads[r->server_thread].has_irqs;
}

static void server_decls(FILE *f, const struct system *sys, const struct rpc *r, const struct iface_def *d)
{
    fprintf(f, "/* Server side of rpc '%s' (interface %s). Each handler gets the caller's badge (a LARK_BADGE_*\n"
               " * constant) and returns 0 or a %s_error; a NULL handler answers LARK_RPC_ENOTIMPL. */\n",
            r->name, d->name, d->name);
    fprintf(f, "struct %s_ops {\n", r->name);
    for (int i = 0; i < d->nmethods; i++) {
        fprintf(f, "    seL4_Word (*%s)(", d->methods[i].name);
        method_params(f, d->name, &d->methods[i], true);
        fprintf(f, ");\n");
    }
    if (serves_with_irqs(sys, r))
        fprintf(f, "    /* The serving thread's IRQs arrive here (LARK_IRQ_BIT_* bits) between requests. */\n"
                   "    void (*notified)(seL4_Word irq_bits);\n");
    fprintf(f, "};\n");
    fprintf(f, "/* Decodes one request already in the IPC buffer, runs the handler, leaves the reply there. */\n");
    fprintf(f, "seL4_MessageInfo_t %s_dispatch(const struct %s_ops *ops, seL4_Word badge, seL4_MessageInfo_t info);\n",
            r->name, r->name);
    fprintf(f, "/* Receives and answers requests forever (seL4_Recv, then seL4_ReplyRecv on the reply cap). */\n");
    fprintf(f, "_Noreturn void %s_serve(const struct %s_ops *ops);\n\n", r->name, r->name);
}

static void server_code(FILE *f, const struct system *sys, const struct rpc *r, const struct iface_def *d)
{
    char conn[MAX_NAME], thr[MAX_NAME];
    up(conn, r->name);
    up(thr, sys->components[r->server].threads[r->server_thread].name);
    fprintf(f, "%sseL4_MessageInfo_t %s_dispatch%s(const struct %s_ops *ops, seL4_Word badge, seL4_MessageInfo_t info)\n{\n",
            d->carries_caps ? "static " : "", r->name, d->carries_caps ? "_request" : "", r->name);
    fprintf(f, "    seL4_Word length = seL4_MessageInfo_get_length(info);\n    (void)badge;\n    (void)length;\n");
    fprintf(f, "    switch (seL4_MessageInfo_get_label(info)) {\n");
    for (int i = 0; i < d->nmethods; i++) {
        const struct iface_method *m = &d->methods[i];
        fprintf(f, "    case %s: {\n", m->constant);
        fprintf(f, "        if (!ops->%s)\n            return seL4_MessageInfo_new(LARK_RPC_ENOTIMPL, 0, 0, 0);\n",
                m->name);
        if (m->request.present) {
            fprintf(f, "        if (length < %u)\n            return seL4_MessageInfo_new(LARK_RPC_ESHORT, 0, 0, 0);\n",
                    m->request.words);
            fprintf(f, "        struct %s_%s_request req;\n", d->name, m->name);
            get_mrs(f, &m->request, "req.", "        ");
            if (m->request.has_cap) {
                /* An unwrapped cap (one to this very endpoint) arrives as a badge, not in the slot. */
                fprintf(f, "        if (seL4_MessageInfo_get_extraCaps(info) < 1 || seL4_MessageInfo_get_capsUnwrapped(info) != 0)\n"
                           "            return seL4_MessageInfo_new(LARK_RPC_ENOCAP, 0, 0, 0);\n");
                fprintf(f, "        req.%s = LARK_SLOT_RECV_%s;\n", cap_field(&m->request)->name, conn);
            }
        }
        if (m->reply.present)
            fprintf(f, "        struct %s_%s_reply rep = {0};\n", d->name, m->name);
        fprintf(f, "        seL4_Word err = ops->%s(badge%s%s);\n", m->name, m->request.present ? ", &req" : "",
                m->reply.present ? ", &rep" : "");
        /* Before the reply words: the delete is itself an IPC and overwrites message registers. */
        if (d->carries_caps)
            fprintf(f, "        seL4_CNode_Delete(LARK_SLOT_CNODE, LARK_SLOT_RECV_%s, LARK_CSPACE_DEPTH);\n", conn);

        if (m->reply.present) {
            fprintf(f, "        if (err != 0)\n            return seL4_MessageInfo_new(err, 0, 0, 0);\n");
            set_mrs(f, &m->reply, "rep.", "        ");
            fprintf(f, "        return seL4_MessageInfo_new(0, 0, 0, %u);\n", m->reply.words);
        } else {
            fprintf(f, "        return seL4_MessageInfo_new(err, 0, 0, 0);\n");
        }
        fprintf(f, "    }\n");
    }
    fprintf(f, "    default:\n        return seL4_MessageInfo_new(LARK_RPC_EBADLABEL, 0, 0, 0);\n    }\n}\n\n");
    if (d->carries_caps) {
        /* Whatever the outcome, the receive slot must be empty before the next request, or the
         * kernel would drop the next capability. A handler that keeps a cap moves it first. */
        fprintf(f, "seL4_MessageInfo_t %s_dispatch(const struct %s_ops *ops, seL4_Word badge, seL4_MessageInfo_t info)\n{\n",
                r->name, r->name);
        fprintf(f, "    seL4_MessageInfo_t reply = %s_dispatch_request(ops, badge, info);\n", r->name);
        fprintf(f, "    /* Requests refused before their handler ran still may have left a cap; their reply has\n"
                   "     * no words, so the delete's IPC cannot clobber it. */\n");
        fprintf(f, "    if (seL4_MessageInfo_get_length(reply) == 0)\n");
        fprintf(f, "        seL4_CNode_Delete(LARK_SLOT_CNODE, LARK_SLOT_RECV_%s, LARK_CSPACE_DEPTH);\n", conn);
        fprintf(f, "    return reply;\n}\n\n");
    }
    fprintf(f, "_Noreturn void %s_serve(const struct %s_ops *ops)\n{\n", r->name, r->name);
    fprintf(f, "    seL4_Word badge = 0;\n");
    if (d->carries_caps)
        fprintf(f, "    seL4_SetCapReceivePath(LARK_SLOT_CNODE, LARK_SLOT_RECV_%s, LARK_CSPACE_DEPTH);\n", conn);
    fprintf(f, "    seL4_MessageInfo_t info = seL4_Recv(LARK_SLOT_%s, &badge, LARK_SLOT_REPLY_%s);\n", conn, thr);
    fprintf(f, "    for (;;) {\n");
    if (serves_with_irqs(sys, r)) {
        fprintf(f, "        if (badge & LARK_IRQ_BADGE_MARK) {\n"
                   "            /* The bound IRQ notification, not a caller: nobody to reply to. */\n"
                   "            if (ops->notified)\n                ops->notified(badge & ~LARK_IRQ_BADGE_MARK);\n");
        if (d->carries_caps)
            fprintf(f, "            seL4_SetCapReceivePath(LARK_SLOT_CNODE, LARK_SLOT_RECV_%s, LARK_CSPACE_DEPTH);\n", conn);
        fprintf(f, "            info = seL4_Recv(LARK_SLOT_%s, &badge, LARK_SLOT_REPLY_%s);\n            continue;\n"
                   "        }\n", conn, thr);
    }
    fprintf(f, "        seL4_MessageInfo_t reply = %s_dispatch(ops, badge, info);\n", r->name);
    if (d->carries_caps)
        fprintf(f, "        seL4_SetCapReceivePath(LARK_SLOT_CNODE, LARK_SLOT_RECV_%s, LARK_CSPACE_DEPTH);\n", conn);
    fprintf(f, "        info = seL4_ReplyRecv(LARK_SLOT_%s, reply, &badge, LARK_SLOT_REPLY_%s);\n    }\n}\n\n", conn,
            thr);
}

static const char *header_base(const struct interface *i)
{
    const char *s = strrchr(i->header, '/');
    return s ? s + 1 : i->header;
}

static void write_header(FILE *f, const struct system *sys, const struct iface_def *ifaces, int c)
{
    const struct component *comp = &sys->components[c];
    char U[MAX_NAME], T[MAX_NAME];
    fprintf(f, "/* Generated by lark-compose from %s for component '%s'. Do not edit. */\n", sys->file, comp->name);
    fprintf(f, "#ifndef LARK_GLUE_H\n#define LARK_GLUE_H\n\n#include <stdint.h>\n#include <sel4/sel4.h>\n");
    bool seen[MAX_ITEMS] = {false};
    for (int i = 0; i < sys->nrpcs; i++) {
        const struct rpc *r = &sys->rpcs[i];
        bool uses = r->server == c;
        for (int k = 0; k < r->nclients; k++)
            uses |= r->clients[k].component == c;
        if (uses && r->interface >= 0 && !seen[r->interface]) {
            seen[r->interface] = true;
            fprintf(f, "#include \"%s\"\n", header_base(&sys->interfaces[r->interface]));
        }
    }
    fprintf(f, "\n/* Errors the glue itself returns (interface errors stay below 0x%x). */\n", IFACE_ERROR_LIMIT);
    fprintf(f, "#define LARK_RPC_EBADLABEL 0xffffu /* the server knows no such method */\n");
    fprintf(f, "#define LARK_RPC_ESHORT    0xfffeu /* a message had fewer words than its struct */\n");
    fprintf(f, "#define LARK_RPC_ENOTIMPL  0xfffdu /* the server has no handler for the method */\n");
    fprintf(f, "#define LARK_RPC_ENOCAP    0xfffcu /* the request should have carried a capability */\n\n");
    fprintf(f, "/* CNode caps carry guard 64 - LARK_CNODE_BITS, so a slot number is its own cptr. */\n");
    fprintf(f, "#define LARK_CSPACE_DEPTH 64u\n");
    fprintf(f, "/* Set in every IRQ badge; client badges stay below 2^60 (lark_spec.h). */\n");
    fprintf(f, "#define LARK_IRQ_BADGE_MARK (1ull << 63)\n");
    fprintf(f, "#define LARK_COMPONENT_NAME \"%s\"\n", comp->name);
    fprintf(f, "#define LARK_CNODE_BITS %uu\n", comp->cnode_bits);
    fprintf(f, "#define LARK_SLOT_CNODE %uu\n#define LARK_SLOT_VSPACE %uu\n", SLOT_CNODE, SLOT_VSPACE);
    fprintf(f, "#define LARK_THREAD_COUNT %d\n", comp->nthreads);
    for (int t = 0; t < comp->nthreads; t++) {
        const struct thread_desc *th = &comp->threads[t];
        up(T, th->name);
        fprintf(f, "#define LARK_THREAD_%s %d\n", T, t);
        fprintf(f, "#define LARK_SLOT_TCB_%s %uu\n#define LARK_SLOT_SC_%s %uu\n#define LARK_SLOT_REPLY_%s %uu\n", T,
                th->slot_tcb, T, th->slot_sc, T, th->slot_reply);
        fprintf(f, "#define LARK_IPC_BUFFER_%s 0x%llxull\n#define LARK_STACK_TOP_%s 0x%llxull\n", T,
                (unsigned long long)th->ipc_buffer, T, (unsigned long long)th->stack_top);
        if (th->has_irqs) {
            fprintf(f, "#define LARK_SLOT_IRQ_NTFN_%s %uu /* bound to the thread; badge bits = LARK_IRQ_BIT_* */\n", T,
                    th->slot_irq_ntfn);
            fprintf(f, "/* Blocks until an IRQ of this thread fires; returns its LARK_IRQ_BIT_* bits. */\n");
            fprintf(f, "static inline seL4_Word lark_irq_wait_%s(void)\n{\n    seL4_Word bits = 0;\n"
                       "    seL4_Wait(LARK_SLOT_IRQ_NTFN_%s, &bits);\n    return bits & ~LARK_IRQ_BADGE_MARK;\n}\n",
                    th->name, T);
        }
    }
    fprintf(f, "\n");
    for (int i = 0; i < sys->nrpcs; i++) {
        const struct rpc *r = &sys->rpcs[i];
        if (r->interface < 0)
            continue;
        up(U, r->name);
        if (r->server == c) {
            fprintf(f, "/* rpc '%s': this component serves %s on thread '%s'. */\n", r->name,
                    sys->interfaces[r->interface].name, comp->threads[r->server_thread].name);
            fprintf(f, "#define LARK_SLOT_%s %uu\n", U, r->server_slot);
            if (ifaces[r->interface].carries_caps)
                fprintf(f, "#define LARK_SLOT_RECV_%s %uu /* where a request's capability arrives */\n", U,
                        r->recv_slot);
            for (int k = 0; k < r->nclients; k++) {
                char C[MAX_NAME];
                up(C, sys->components[r->clients[k].component].name);
                fprintf(f, "#define LARK_BADGE_%s_%s 0x%llxull\n", U, C, (unsigned long long)r->clients[k].badge);
            }
            server_decls(f, sys, r, &ifaces[r->interface]);
        }
        for (int k = 0; k < r->nclients; k++) {
            if (r->clients[k].component != c)
                continue;
            char slot[MAX_NAME + 16];
            fprintf(f, "/* rpc '%s': this component calls %s (%s). */\n", r->name,
                    sys->components[r->server].name, sys->interfaces[r->interface].name);
            fprintf(f, "#define LARK_SLOT_%s %uu\n\n", U, r->clients[k].slot);
            snprintf(slot, sizeof slot, "LARK_SLOT_%s", U);
            for (int m = 0; m < ifaces[r->interface].nmethods; m++)
                client_stub(f, r, &ifaces[r->interface], &ifaces[r->interface].methods[m], slot);
        }
    }
    for (int i = 0; i < sys->nnotifications; i++) {
        const struct notification *o = &sys->notifications[i];
        up(U, o->name);
        if (o->waiter == c) {
            fprintf(f, "/* notification '%s': this component waits on it (thread '%s'). */\n", o->name,
                    comp->threads[o->waiter_thread].name);
            fprintf(f, "#define LARK_SLOT_%s %uu\n", U, o->waiter_slot);
            for (int k = 0; k < o->nsignallers; k++) {
                char C[MAX_NAME];
                up(C, sys->components[o->signallers[k].component].name);
                fprintf(f, "#define LARK_BADGE_%s_%s 0x%llxull\n", U, C, (unsigned long long)o->signallers[k].badge);
            }
            fprintf(f, "/* Blocks until signalled; returns the OR of the signallers' badges. */\n");
            fprintf(f, "static inline seL4_Word %s_wait(void)\n{\n    seL4_Word badges = 0;\n"
                       "    seL4_Wait(LARK_SLOT_%s, &badges);\n    return badges;\n}\n\n", o->name, U);
        }
        for (int k = 0; k < o->nsignallers; k++)
            if (o->signallers[k].component == c) {
                fprintf(f, "/* notification '%s': this component signals %s. */\n", o->name,
                        sys->components[o->waiter].name);
                fprintf(f, "#define LARK_SLOT_%s %uu\n", U, o->signallers[k].slot);
                fprintf(f, "static inline void %s_signal(void)\n{\n    seL4_Signal(LARK_SLOT_%s);\n}\n\n", o->name, U);
            }
    }
    for (int i = 0; i < sys->nshared; i++)
        for (int k = 0; k < sys->shared[i].nsides; k++) {
            const struct region_side *s = &sys->shared[i].sides[k];
            if (s->component != c)
                continue;
            up(U, sys->shared[i].name);
            fprintf(f, "/* shared region '%s', mapped %s. */\n", sys->shared[i].name,
                    (s->rights & 1u) ? "read-write" : "read-only");
            fprintf(f, "#define LARK_VADDR_%s 0x%llxull\n#define LARK_SIZE_%s 0x%llxull\n#define LARK_WRITABLE_%s %d\n",
                    U, (unsigned long long)s->vaddr, U, (unsigned long long)sys->shared[i].size, U,
                    (s->rights & 1u) ? 1 : 0);
            fprintf(f, "static inline %svoid *%s_region(void)\n{\n    return (%svoid *)(uintptr_t)LARK_VADDR_%s;\n}\n\n",
                    (s->rights & 1u) ? "" : "const ", sys->shared[i].name, (s->rights & 1u) ? "" : "const ", U);
        }
    for (int i = 0; i < sys->nmmio; i++) {
        const struct mmio *m = &sys->mmios[i];
        if (m->component != c || m->device < 0)
            continue;
        up(U, sys->devices[m->device].name);
        fprintf(f, "/* device '%s' (physical 0x%llx), uncached MMIO. */\n", sys->devices[m->device].name,
                (unsigned long long)sys->devices[m->device].paddr);
        fprintf(f, "#define LARK_MMIO_VADDR_%s 0x%llxull\n#define LARK_MMIO_SIZE_%s 0x%llxull\n", U,
                (unsigned long long)m->vaddr, U, (unsigned long long)sys->devices[m->device].size);
        fprintf(f, "static inline volatile void *%s_mmio(void)\n{\n    return (volatile void *)(uintptr_t)LARK_MMIO_VADDR_%s;\n}\n\n",
                sys->devices[m->device].name, U);
    }
    for (int i = 0; i < sys->nirqs; i++) {
        const struct irq *q = &sys->irqs[i];
        if (q->component != c)
            continue;
        up(U, q->name);
        up(T, comp->threads[q->thread].name);
        fprintf(f, "/* IRQ '%s' (PLIC source %u, %s) signals thread '%s' with bit %u. */\n", q->name, q->number,
                q->trigger ? "edge" : "level", comp->threads[q->thread].name, q->bit);
        fprintf(f, "#define LARK_SLOT_IRQ_%s %uu\n#define LARK_IRQ_NUMBER_%s %uu\n#define LARK_IRQ_BIT_%s (1ull << %u)\n",
                U, q->slot_handler, U, q->number, U, q->bit);
        fprintf(f, "static inline seL4_Error %s_ack(void)\n{\n    return seL4_IRQHandler_Ack(LARK_SLOT_IRQ_%s);\n}\n\n",
                q->name, U);
    }
    for (int h = HOLD_ASID_POOL; h < HOLD_COUNT; h++)
        if (comp->holds[h]) {
            up(U, held_cap_names[h]);
            fprintf(f, "#define LARK_SLOT_%s %uu\n", U, comp->hold_slot[h]);
        }
    if (comp->memory_manager)
        fprintf(f, "/* The root server hands this memory manager every remaining untyped, the tainted untypeds\n"
                   " * and a holding CNode, in slots from LARK_SLOT_FIRST_FREE on (see docs/composition.md). */\n"
                   "#define LARK_IS_MEMORY_MANAGER 1\n");
    fprintf(f, "#define LARK_SLOT_FIRST_FREE %uu\n\n#endif\n", comp->first_free_slot);
}

static void write_source(FILE *f, const struct system *sys, const struct iface_def *ifaces, int c)
{
    fprintf(f, "/* Generated by lark-compose from %s for component '%s'. Do not edit. */\n", sys->file,
            sys->components[c].name);
    fprintf(f, "#include \"lark_glue.h\"\n\n");
    bool any = false;
    for (int i = 0; i < sys->nrpcs; i++)
        if (sys->rpcs[i].server == c && sys->rpcs[i].interface >= 0) {
            server_code(f, sys, &sys->rpcs[i], &ifaces[sys->rpcs[i].interface]);
            any = true;
        }
    if (!any)
        fprintf(f, "/* This component serves no rpc; everything it needs is inline in lark_glue.h. */\n"
                   "typedef int lark_glue_empty_unit;\n");
}

static bool make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return true;
    fprintf(stderr, "lark-compose: cannot create %s: %s\n", path, strerror(errno));
    return false;
}

static FILE *open_out(const char *dir, const char *comp, const char *file)
{
    char path[MAX_PATH_LEN * 2];
    snprintf(path, sizeof path, "%s/%s/%s", dir, comp, file);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "lark-compose: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

bool write_glue(const struct system *sys, const struct iface_def *ifaces, const char *dir)
{
    if (!make_dir(dir))
        return false;
    for (int c = 0; c < sys->ncomponents; c++) {
        char path[MAX_PATH_LEN * 2];
        snprintf(path, sizeof path, "%s/%s", dir, sys->components[c].name);
        if (!make_dir(path))
            return false;
        FILE *h = open_out(dir, sys->components[c].name, "lark_glue.h");
        FILE *s = open_out(dir, sys->components[c].name, "lark_glue.c");
        FILE *m = open_out(dir, sys->components[c].name, "glue.mk");
        if (!h || !s || !m) {
            if (h) fclose(h);
            if (s) fclose(s);
            if (m) fclose(m);
            return false;
        }
        write_header(h, sys, ifaces, c);
        write_source(s, sys, ifaces, c);
        /* Include paths a component build needs: its glue folder and its interfaces' folders. */
        fprintf(m, "# Generated by lark-compose. Include from the component's Makefile.\n");
        fprintf(m, "LARK_GLUE_DIR := %s\nLARK_GLUE_SRCS := %s/lark_glue.c\nLARK_GLUE_CFLAGS := -I%s", path, path, path);
        char dirs[MAX_ITEMS][MAX_PATH_LEN];
        int ndirs = 0;
        for (int i = 0; i < sys->ninterfaces; i++) {
            char tmp[MAX_PATH_LEN];
            snprintf(tmp, sizeof tmp, "%s", sys->interfaces[i].header_path);
            const char *d = dirname(tmp);
            bool seen = false;
            for (int k = 0; k < ndirs; k++)
                seen |= strcmp(dirs[k], d) == 0;
            if (!seen) {
                snprintf(dirs[ndirs++], MAX_PATH_LEN, "%s", d);
                fprintf(m, " -I%s", d);
            }
        }
        fprintf(m, "\n");
        bool ok = !ferror(h) && !ferror(s) && !ferror(m);
        ok &= fclose(h) == 0;
        ok &= fclose(s) == 0;
        ok &= fclose(m) == 0;
        if (!ok) {
            fprintf(stderr, "lark-compose: write error in %s\n", path);
            return false;
        }
    }
    return true;
}
