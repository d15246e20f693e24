/* Bounds-checked FlatBuffers access. Every read goes through these helpers, which check the
 * position against the file length first; nothing here trusts a value from the file. */
#ifndef ML_FB_H
#define ML_FB_H
#include <stdint.h>
#include <stddef.h>
#include "lark_ml.h"

typedef struct {
    const uint8_t *base;
    uint32_t len;
} fb_file;

typedef struct {
    uint32_t pos;     /* table start */
    uint32_t vt;      /* vtable start */
    uint16_t vt_len;  /* vtable bytes */
    uint16_t tbl_len; /* inline table bytes */
} fb_table;

typedef struct {
    uint32_t pos;     /* first element */
    uint32_t count;
} fb_vec;

/* What is being read, for error messages: "Tensor 7" + field "shape". */
typedef struct {
    const char *table;
    int64_t index;  /* -1: no index */
    lark_ml_error *err;
    int op;         /* operator index for the error, -1 if none */
} fb_ctx;

static inline uint32_t fb_u32(const fb_file *f, uint32_t pos)
{
    const uint8_t *p = f->base + pos;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint16_t fb_u16(const fb_file *f, uint32_t pos)
{
    const uint8_t *p = f->base + pos;
    return (uint16_t)(p[0] | p[1] << 8);
}

lark_ml_status fb_root(const fb_file *f, fb_table *t, fb_ctx *c);
lark_ml_status fb_table_at(const fb_file *f, uint32_t pos, fb_table *t, fb_ctx *c);
/* Scalar field of 1, 2, 4 or 8 bytes (little-endian, zero-extended); def if absent. */
lark_ml_status fb_scalar(const fb_file *f, const fb_table *t, int field, int size,
                         uint64_t def, uint64_t *out, const char *name, fb_ctx *c);
/* Offset field to a sub-table; *present = 0 if absent. */
lark_ml_status fb_subtable(const fb_file *f, const fb_table *t, int field, fb_table *out,
                           int *present, const char *name, fb_ctx *c);
/* Offset field to a vector of elem_size-byte elements; absent = empty vector. */
lark_ml_status fb_vector(const fb_file *f, const fb_table *t, int field, uint32_t elem_size,
                         fb_vec *out, int *present, const char *name, fb_ctx *c);
/* String field: bytes and length, terminator not required. */
lark_ml_status fb_string(const fb_file *f, const fb_table *t, int field, const char **s,
                         uint32_t *len, const char *name, fb_ctx *c);
/* Element i of a vector of tables. */
lark_ml_status fb_vec_table(const fb_file *f, const fb_vec *v, uint32_t i, fb_table *out,
                            const char *name, fb_ctx *c);

static inline int32_t fb_vec_i32(const fb_file *f, const fb_vec *v, uint32_t i)
{
    return (int32_t)fb_u32(f, v->pos + 4 * i);
}
static inline float fb_vec_f32(const fb_file *f, const fb_vec *v, uint32_t i)
{
    union { uint32_t u; float x; } b = { fb_u32(f, v->pos + 4 * i) };
    return b.x;
}
static inline int64_t fb_vec_i64(const fb_file *f, const fb_vec *v, uint32_t i)
{
    return (int64_t)((uint64_t)fb_u32(f, v->pos + 8 * i) |
                     (uint64_t)fb_u32(f, v->pos + 8 * i + 4) << 32);
}

#endif
