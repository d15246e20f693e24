#include "tflite_build.h"
#include <string.h>

/* pending: a uoffset slot to point at the next object written (its table or vector start) */
typedef struct { uint8_t *b; size_t len, cap; int bad; size_t pending; } wr;

static size_t put(wr *w, const void *p, size_t n)
{
    size_t at = w->len;
    if (w->len + n > w->cap) { w->bad = 1; return at; }
    if (p) memcpy(w->b + w->len, p, n); else memset(w->b + w->len, 0, n);
    w->len += n;
    return at;
}
static void align(wr *w, size_t a) { while (w->len % a) put(w, NULL, 1); }
static void patch32(wr *w, size_t at, uint32_t v) { if (at + 4 <= w->cap) memcpy(w->b + at, &v, 4); }
static void resolve(wr *w, size_t target)
{
    if (w->pending != (size_t)-1) patch32(w, w->pending, (uint32_t)(target - w->pending));
    w->pending = (size_t)-1;
}

/* A table under construction: up to 16 fields, each a scalar or an offset to patch. */
typedef struct { int n; int id[16]; int size[16]; uint64_t val[16]; size_t pos[16]; size_t table; } tbl;

static void f_scalar(tbl *t, int id, int size, uint64_t v) { t->id[t->n] = id; t->size[t->n] = size; t->val[t->n++] = v; }
static void f_offset(tbl *t, int id) { t->id[t->n] = id; t->size[t->n] = 0; t->val[t->n++] = 0; }

static void t_write(wr *w, tbl *t)
{
    int maxid = -1;
    for (int i = 0; i < t->n; i++) if (t->id[i] > maxid) maxid = t->id[i];
    uint16_t vt[20] = { 0 };
    uint16_t vlen = (uint16_t)(4 + 2 * (maxid + 1));
    /* inline layout: soffset, then fields in order, each aligned to its size */
    uint16_t off = 4;
    uint16_t foff[16];
    for (int i = 0; i < t->n; i++) {
        int sz = t->size[i] ? t->size[i] : 4;
        while (off % (sz > 4 ? 4 : sz)) off++;
        foff[i] = off;
        vt[2 + t->id[i]] = off;
        off = (uint16_t)(off + sz);
    }
    vt[0] = vlen;
    vt[1] = off;
    align(w, 4);
    size_t vpos = put(w, vt, vlen);
    align(w, 4);
    t->table = put(w, NULL, off);
    resolve(w, t->table);
    int32_t so = (int32_t)(t->table - vpos);
    if (t->table + 4 <= w->cap) memcpy(w->b + t->table, &so, 4);
    for (int i = 0; i < t->n; i++) {
        t->pos[i] = t->table + foff[i];
        if (t->size[i] && t->pos[i] + (size_t)t->size[i] <= w->cap) memcpy(w->b + t->pos[i], &t->val[i], (size_t)t->size[i]);
    }
}

/* Points field id of t at the current position (the child written next). */
static void link(wr *w, tbl *t, int id)
{
    for (int i = 0; i < t->n; i++)
        if (t->id[i] == id && !t->size[i]) w->pending = t->pos[i];
}

static void vec_raw(wr *w, const void *p, uint32_t count, size_t elem)
{
    align(w, elem > 4 ? 8 : 4);
    if (elem > 4 && (w->len + 4) % 8) put(w, NULL, 4);
    resolve(w, put(w, &count, 4));
    put(w, p, count * elem);
}

/* Vector of n table offsets; returns position of the first slot. */
static size_t vec_slots(wr *w, uint32_t n)
{
    align(w, 4);
    resolve(w, put(w, &n, 4));
    return put(w, NULL, 4 * n);
}
static void link_slot(wr *w, size_t slot) { w->pending = slot; }

static void write_tensor(wr *w, const tb_tensor *t, int buffer)
{
    tbl tt = { 0 };
    f_offset(&tt, 0);
    f_scalar(&tt, 1, 1, (uint64_t)t->type);
    f_scalar(&tt, 2, 4, (uint64_t)buffer);
    if (t->nscale) f_offset(&tt, 4);
    t_write(w, &tt);
    link(w, &tt, 0);
    vec_raw(w, t->shape, (uint32_t)t->rank, 4);
    if (t->nscale) {
        link(w, &tt, 4);
        tbl q = { 0 };
        f_offset(&q, 2);
        f_offset(&q, 3);
        f_scalar(&q, 6, 4, (uint64_t)t->qdim);
        t_write(w, &q);
        link(w, &q, 2);
        vec_raw(w, t->scale, (uint32_t)t->nscale, 4);
        int64_t zps[512];
        for (int i = 0; i < t->nscale; i++) zps[i] = t->zp;
        link(w, &q, 3);
        vec_raw(w, zps, (uint32_t)t->nscale, 8);
    }
}

static void write_op(wr *w, const tb_op *o, int opcode_index)
{
    tbl ot = { 0 };
    f_scalar(&ot, 0, 4, (uint64_t)opcode_index);
    f_offset(&ot, 1);
    f_offset(&ot, 2);
    if (o->options_type) { f_scalar(&ot, 3, 1, (uint64_t)o->options_type); f_offset(&ot, 4); }
    t_write(w, &ot);
    link(w, &ot, 1);
    vec_raw(w, o->in, (uint32_t)o->nin, 4);
    link(w, &ot, 2);
    vec_raw(w, o->out, (uint32_t)o->nout, 4);
    if (o->options_type) {
        link(w, &ot, 4);
        tbl opt = { 0 };
        for (int i = 0; i < o->nopt; i++) {
            if (o->opt[i].size == 'f') {
                uint32_t bits;
                memcpy(&bits, &o->opt[i].fvalue, 4);
                f_scalar(&opt, o->opt[i].id, 4, bits);
            } else {
                f_scalar(&opt, o->opt[i].id, o->opt[i].size, (uint64_t)o->opt[i].value);
            }
        }
        t_write(w, &opt);
    }
}

size_t tb_build(const tb_model *m, uint8_t *out, size_t cap)
{
    wr w = { out, 0, cap, 0, (size_t)-1 };
    put(&w, NULL, 4);               /* root offset */
    put(&w, "TFL3", 4);
    /* distinct opcodes in order of first use */
    int codes[32], ncodes = 0, opidx[64];
    for (int i = 0; i < m->nops; i++) {
        int k = 0;
        while (k < ncodes && codes[k] != m->ops[i].code) k++;
        if (k == ncodes) codes[ncodes++] = m->ops[i].code;
        opidx[i] = k;
    }
    tbl root = { 0 };
    f_scalar(&root, 0, 4, 3);
    f_offset(&root, 1);
    f_offset(&root, 2);
    f_offset(&root, 4);
    t_write(&w, &root);
    patch32(&w, 0, (uint32_t)root.table);

    link(&w, &root, 1);
    size_t slots = vec_slots(&w, (uint32_t)ncodes);
    for (int i = 0; i < ncodes; i++) {
        link_slot(&w, slots + 4 * (size_t)i);
        tbl oc = { 0 };
        f_scalar(&oc, 0, 1, (uint64_t)(codes[i] < 127 ? codes[i] : 127));
        f_scalar(&oc, 2, 4, 1);
        f_scalar(&oc, 3, 4, (uint64_t)codes[i]);
        t_write(&w, &oc);
    }

    link(&w, &root, 2);
    slots = vec_slots(&w, 1);
    link_slot(&w, slots);
    tbl sg = { 0 };
    f_offset(&sg, 0);
    f_offset(&sg, 1);
    f_offset(&sg, 2);
    f_offset(&sg, 3);
    t_write(&w, &sg);
    link(&w, &sg, 0);
    size_t ts = vec_slots(&w, (uint32_t)m->ntensors);
    int buf = 1;
    for (int i = 0; i < m->ntensors; i++) {
        link_slot(&w, ts + 4 * (size_t)i);
        write_tensor(&w, &m->tensors[i], m->tensors[i].data ? buf++ : 0);
    }
    link(&w, &sg, 1);
    vec_raw(&w, m->in, (uint32_t)m->nin, 4);
    link(&w, &sg, 2);
    vec_raw(&w, m->out, (uint32_t)m->nout, 4);
    link(&w, &sg, 3);
    size_t os = vec_slots(&w, (uint32_t)m->nops);
    for (int i = 0; i < m->nops; i++) {
        link_slot(&w, os + 4 * (size_t)i);
        write_op(&w, &m->ops[i], opidx[i]);
    }

    link(&w, &root, 4);
    size_t bs = vec_slots(&w, (uint32_t)buf);
    link_slot(&w, bs);
    tbl empty = { 0 };
    t_write(&w, &empty);
    buf = 1;
    for (int i = 0; i < m->ntensors; i++) {
        if (!m->tensors[i].data) continue;
        link_slot(&w, bs + 4 * (size_t)buf++);
        tbl bt = { 0 };
        f_offset(&bt, 0);
        t_write(&w, &bt);
        link(&w, &bt, 0);
        vec_raw(&w, m->tensors[i].data, (uint32_t)m->tensors[i].data_len, 1);
    }
    return w.bad ? 0 : w.len;
}
