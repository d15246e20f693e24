#include "fb.h"
#include "../core/err.h"

static lark_ml_status bad(fb_ctx *c, const char *field, const char *what, uint64_t a, uint64_t b)
{
    if (c->index >= 0)
        return ml_fail(c->err, LARK_ML_E_FORMAT, c->op, "%s %ld field %s: %s (%lu, %lu)",
                       c->table, c->index, field, what, a, b);
    return ml_fail(c->err, LARK_ML_E_FORMAT, c->op, "%s field %s: %s (%lu, %lu)", c->table,
                   field, what, a, b);
}

lark_ml_status fb_table_at(const fb_file *f, uint32_t pos, fb_table *t, fb_ctx *c)
{
    if ((uint64_t)pos + 4 > f->len)
        return bad(c, "(table)", "table offset outside file", pos, f->len);
    int64_t vt = (int64_t)pos - (int32_t)fb_u32(f, pos);
    if (vt < 0 || vt + 4 > (int64_t)f->len)
        return bad(c, "(vtable)", "vtable offset outside file", (uint64_t)vt, f->len);
    uint16_t vt_len = fb_u16(f, (uint32_t)vt);
    uint16_t tbl_len = fb_u16(f, (uint32_t)vt + 2);
    if (vt_len < 4 || (vt_len & 1) || vt + vt_len > (int64_t)f->len)
        return bad(c, "(vtable)", "vtable length invalid", vt_len, f->len);
    if (tbl_len < 4 || (uint64_t)pos + tbl_len > f->len)
        return bad(c, "(table)", "table length invalid", tbl_len, f->len);
    t->pos = pos;
    t->vt = (uint32_t)vt;
    t->vt_len = vt_len;
    t->tbl_len = tbl_len;
    return LARK_ML_OK;
}

lark_ml_status fb_root(const fb_file *f, fb_table *t, fb_ctx *c)
{
    if (f->len < 8)
        return ml_fail(c->err, LARK_ML_E_FORMAT, -1, "file too short for a flatbuffer (%u bytes)",
                       (unsigned)f->len);
    return fb_table_at(f, fb_u32(f, 0), t, c);
}

/* Position of a field inside the table, 0 if absent. Checks size fits the table. */
static lark_ml_status field_pos(const fb_file *f, const fb_table *t, int field, int size,
                                uint32_t *pos, const char *name, fb_ctx *c)
{
    uint32_t slot = 4 + 2 * (uint32_t)field;
    *pos = 0;
    if (slot + 2 > t->vt_len) return LARK_ML_OK;
    uint16_t off = fb_u16(f, t->vt + slot);
    if (off == 0) return LARK_ML_OK;
    if (off < 4 || (uint32_t)off + (uint32_t)size > t->tbl_len)
        return bad(c, name, "field outside its table", off, t->tbl_len);
    *pos = t->pos + off;
    return LARK_ML_OK;
}

lark_ml_status fb_scalar(const fb_file *f, const fb_table *t, int field, int size,
                         uint64_t def, uint64_t *out, const char *name, fb_ctx *c)
{
    uint32_t pos;
    lark_ml_status s = field_pos(f, t, field, size, &pos, name, c);
    if (s) return s;
    if (!pos) { *out = def; return LARK_ML_OK; }
    uint64_t v = 0;
    for (int i = size - 1; i >= 0; i--) v = v << 8 | f->base[pos + (uint32_t)i];
    *out = v;
    return LARK_ML_OK;
}

/* Follows the uoffset stored in a field; *target = 0 if absent. */
static lark_ml_status follow(const fb_file *f, const fb_table *t, int field, uint32_t *target,
                             const char *name, fb_ctx *c)
{
    uint32_t pos;
    lark_ml_status s = field_pos(f, t, field, 4, &pos, name, c);
    if (s) return s;
    *target = 0;
    if (!pos) return LARK_ML_OK;
    uint64_t tgt = (uint64_t)pos + fb_u32(f, pos);
    if (fb_u32(f, pos) == 0 || tgt + 4 > f->len)
        return bad(c, name, "offset outside file", tgt, f->len);
    *target = (uint32_t)tgt;
    return LARK_ML_OK;
}

lark_ml_status fb_subtable(const fb_file *f, const fb_table *t, int field, fb_table *out,
                           int *present, const char *name, fb_ctx *c)
{
    uint32_t tgt;
    lark_ml_status s = follow(f, t, field, &tgt, name, c);
    if (s) return s;
    *present = tgt != 0;
    if (!tgt) return LARK_ML_OK;
    return fb_table_at(f, tgt, out, c);
}

lark_ml_status fb_vector(const fb_file *f, const fb_table *t, int field, uint32_t elem_size,
                         fb_vec *out, int *present, const char *name, fb_ctx *c)
{
    uint32_t tgt;
    lark_ml_status s = follow(f, t, field, &tgt, name, c);
    if (s) return s;
    if (present) *present = tgt != 0;
    out->pos = 0;
    out->count = 0;
    if (!tgt) return LARK_ML_OK;
    uint32_t n = fb_u32(f, tgt);
    uint64_t end = (uint64_t)tgt + 4 + (uint64_t)n * elem_size;
    if (end > f->len) return bad(c, name, "vector runs past end of file", n, f->len);
    out->pos = tgt + 4;
    out->count = n;
    return LARK_ML_OK;
}

lark_ml_status fb_string(const fb_file *f, const fb_table *t, int field, const char **str,
                         uint32_t *len, const char *name, fb_ctx *c)
{
    fb_vec v;
    lark_ml_status s = fb_vector(f, t, field, 1, &v, NULL, name, c);
    if (s) return s;
    *str = v.count ? (const char *)f->base + v.pos : "";
    *len = v.count;
    return LARK_ML_OK;
}

lark_ml_status fb_vec_table(const fb_file *f, const fb_vec *v, uint32_t i, fb_table *out,
                            const char *name, fb_ctx *c)
{
    uint32_t pos = v->pos + 4 * i;
    uint64_t tgt = (uint64_t)pos + fb_u32(f, pos);
    if (fb_u32(f, pos) == 0 || tgt + 4 > f->len)
        return bad(c, name, "element offset outside file", i, tgt);
    return fb_table_at(f, (uint32_t)tgt, out, c);
}
