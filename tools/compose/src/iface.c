/* Reader for interface headers. Accepts exactly the declared form of iface.h, which is also
 * valid C, so the same file is what clients and servers #include. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iface.h"

#define MAX_TOKENS 4096
#define MAX_HEADER_BYTES (256 * 1024)

struct token {
    char text[MAX_NAME];
    int line;
    bool ident, number;
};

struct lexer {
    const char *path;
    struct token toks[MAX_TOKENS];
    int n, pos;
    int errors;
};

static void iface_error(struct lexer *lx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void iface_error(struct lexer *lx, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", lx->path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    lx->errors++;
}

static bool tokenize(struct lexer *lx, const char *src)
{
    int line = 1;
    bool line_start = true;
    for (const char *p = src; *p;) {
        if (*p == '\n') {
            line++;
            line_start = true;
            p++;
        } else if (isspace((unsigned char)*p)) {
            p++;
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            int start = line;
            for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
                line += *p == '\n';
            if (!*p) {
                iface_error(lx, start, "unterminated comment");
                return false;
            }
            p += 2;
        } else if (*p == '#' && line_start) {
            /* Preprocessor lines (guards, #include <stdint.h>) carry no interface facts. */
            while (*p && *p != '\n') {
                if (p[0] == '\\' && p[1] == '\n') {
                    line++;
                    p++;
                }
                p++;
            }
        } else {
            line_start = false;
            if (lx->n == MAX_TOKENS) {
                iface_error(lx, line, "header too long");
                return false;
            }
            struct token *t = &lx->toks[lx->n++];
            memset(t, 0, sizeof *t);
            t->line = line;
            size_t len = 0;
            if (isalpha((unsigned char)*p) || *p == '_' || isdigit((unsigned char)*p)) {
                t->ident = !isdigit((unsigned char)*p);
                t->number = !t->ident;
                while (isalnum((unsigned char)p[len]) || p[len] == '_')
                    len++;
            } else {
                len = 1;
            }
            if (len >= sizeof t->text) {
                iface_error(lx, line, "token too long");
                return false;
            }
            memcpy(t->text, p, len);
            p += len;
        }
    }
    return true;
}

static struct token *peek(struct lexer *lx)
{
    static struct token end = {"<end of file>", 0, false, false};
    if (lx->pos < lx->n)
        return &lx->toks[lx->pos];
    end.line = lx->n ? lx->toks[lx->n - 1].line : 1;
    return &end;
}

static bool accept(struct lexer *lx, const char *text)
{
    if (strcmp(peek(lx)->text, text) != 0)
        return false;
    lx->pos++;
    return true;
}

static bool expect(struct lexer *lx, const char *text)
{
    if (accept(lx, text))
        return true;
    iface_error(lx, peek(lx)->line, "expected '%s' but found '%s'", text, peek(lx)->text);
    return false;
}

static bool expect_ident(struct lexer *lx, char *out)
{
    struct token *t = peek(lx);
    if (!t->ident) {
        iface_error(lx, t->line, "expected a name but found '%s'", t->text);
        return false;
    }
    strcpy(out, t->text);
    lx->pos++;
    return true;
}

static bool expect_number(struct lexer *lx, uint64_t *out)
{
    struct token *t = peek(lx);
    char *end;
    if (t->number && !(t->text[0] == '0' && isdigit((unsigned char)t->text[1]))) {
        unsigned long long v = strtoull(t->text, &end, 0);
        /* allow the C suffixes u/U/ul/ULL on constants */
        while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
            end++;
        if (!*end) {
            *out = v;
            lx->pos++;
            return true;
        }
    }
    iface_error(lx, t->line, "expected a number but found '%s'", t->text);
    return false;
}

struct enum_item {
    char name[MAX_NAME];
    uint64_t value;
    int line;
};

static int parse_enum_body(struct lexer *lx, struct enum_item *items, int max)
{
    int n = 0;
    if (!expect(lx, "{"))
        return -1;
    while (!accept(lx, "}")) {
        if (n == max) {
            iface_error(lx, peek(lx)->line, "too many enumerators (max %d)", max);
            return -1;
        }
        items[n].line = peek(lx)->line;
        if (!expect_ident(lx, items[n].name))
            return -1;
        if (!accept(lx, "=")) {
            iface_error(lx, items[n].line, "enumerator '%s' needs an explicit value (the label is ABI)", items[n].name);
            return -1;
        }
        if (!expect_number(lx, &items[n].value))
            return -1;
        n++;
        if (!accept(lx, ",") && strcmp(peek(lx)->text, "}") != 0) {
            iface_error(lx, peek(lx)->line, "expected ',' or '}' but found '%s'", peek(lx)->text);
            return -1;
        }
    }
    return expect(lx, ";") ? n : -1;
}

static bool parse_struct_body(struct lexer *lx, struct iface_struct *st)
{
    if (!expect(lx, "{"))
        return false;
    while (!accept(lx, "}")) {
        int line = peek(lx)->line;
        if (st->nfields == IFACE_MAX_FIELDS) {
            iface_error(lx, line, "too many fields (max %d)", IFACE_MAX_FIELDS);
            return false;
        }
        struct iface_field *f = &st->fields[st->nfields];
        if (!expect_ident(lx, f->type))
            return false;
        f->is_cap = strcmp(f->type, "seL4_CPtr") == 0;
        if (!f->is_cap && strcmp(f->type, "uint64_t") != 0 && strcmp(f->type, "int64_t") != 0) {
            iface_error(lx, line, "field type '%s' is not a 64-bit word (uint64_t or int64_t) or seL4_CPtr", f->type);
            return false;
        }
        if (f->is_cap && st->has_cap) {
            iface_error(lx, line, "only one seL4_CPtr field per struct (one extra cap per message)");
            return false;
        }
        if (!expect_ident(lx, f->name))
            return false;
        uint64_t count = 0;
        if (accept(lx, "[")) {
            if (!expect_number(lx, &count) || !expect(lx, "]"))
                return false;
            if (count == 0 || count > IFACE_MAX_WORDS) {
                iface_error(lx, line, "array '%s' length must be 1..%d", f->name, IFACE_MAX_WORDS);
                return false;
            }
        }
        if (!expect(lx, ";"))
            return false;
        if (f->is_cap && count) {
            iface_error(lx, line, "a seL4_CPtr field cannot be an array");
            return false;
        }
        f->count = (unsigned)count;
        if (f->is_cap)
            st->has_cap = true;
        else
            st->words += count ? (unsigned)count : 1;
        st->nfields++;
        if (st->words > IFACE_MAX_WORDS) {
            iface_error(lx, line, "struct is larger than %d message words", IFACE_MAX_WORDS);
            return false;
        }
    }
    if (st->nfields == 0) {
        iface_error(lx, peek(lx)->line, "struct has no fields");
        return false;
    }
    return expect(lx, ";");
}

static void upper(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

static char *read_file(const char *path, struct lexer *lx)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        iface_error(lx, 0, "cannot open interface header");
        return NULL;
    }
    char *buf = malloc(MAX_HEADER_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_HEADER_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf || n > MAX_HEADER_BYTES) {
        iface_error(lx, 0, "interface header larger than %d bytes", MAX_HEADER_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    if (memchr(buf, 0, n)) {
        iface_error(lx, 0, "interface header contains a NUL byte");
        free(buf);
        return NULL;
    }
    return buf;
}

struct pending_struct {
    char tag[MAX_NAME];
    int line;
    struct iface_struct body;
};

bool iface_load(struct iface_def *def, const char *name, const char *path, const char *shown)
{
    static struct lexer lx;
    static struct pending_struct structs[IFACE_MAX_METHODS * 2];
    struct enum_item labels[IFACE_MAX_METHODS], errors[64];
    int nlabels = -1, nerrors = -1, nstructs = 0;
    char tag[MAX_NAME], want_label[MAX_NAME + 8], want_error[MAX_NAME + 8], prefix[MAX_NAME + 2];

    memset(&lx, 0, sizeof lx);
    memset(def, 0, sizeof *def);
    lx.path = shown;
    snprintf(def->name, sizeof def->name, "%s", name);
    char *src = read_file(path, &lx);
    if (!src)
        return false;
    bool ok = tokenize(&lx, src);
    free(src);
    if (!ok)
        return false;

    snprintf(want_label, sizeof want_label, "%s_label", name);
    snprintf(want_error, sizeof want_error, "%s_error", name);
    upper(prefix, name, sizeof prefix - 1);
    strcat(prefix, "_");
    while (lx.pos < lx.n && lx.errors == 0) {
        int line = peek(&lx)->line;
        if (accept(&lx, "enum")) {
            if (!expect_ident(&lx, tag))
                break;
            if (strcmp(tag, want_label) == 0 && nlabels < 0)
                nlabels = parse_enum_body(&lx, labels, IFACE_MAX_METHODS);
            else if (strcmp(tag, want_error) == 0 && nerrors < 0)
                nerrors = parse_enum_body(&lx, errors, 64);
            else if (strcmp(tag, want_label) == 0 || strcmp(tag, want_error) == 0)
                iface_error(&lx, line, "enum '%s' declared twice", tag);
            else {
                /* Other enums (argument values, flags) are the interface's own business. */
                struct enum_item scratch[64];
                if (parse_enum_body(&lx, scratch, 64) < 0)
                    break;
            }
        } else if (accept(&lx, "struct")) {
            if (!expect_ident(&lx, tag))
                break;
            if (nstructs == IFACE_MAX_METHODS * 2) {
                iface_error(&lx, line, "too many structs");
                break;
            }
            struct pending_struct *ps = &structs[nstructs++];
            memset(ps, 0, sizeof *ps);
            strcpy(ps->tag, tag);
            ps->line = line;
            if (!parse_struct_body(&lx, &ps->body))
                break;
            ps->body.present = true;
        } else {
            iface_error(&lx, line, "only enum and struct declarations may appear in an interface header, found '%s'",
                        peek(&lx)->text);
        }
    }
    if (lx.errors)
        return false;
    if (nlabels <= 0)
        iface_error(&lx, 1, "missing or empty 'enum %s'", want_label);
    if (nerrors <= 0)
        iface_error(&lx, 1, "missing 'enum %s' (with %sOK = 0)", want_error, prefix);
    if (lx.errors)
        return false;

    bool have_ok = false;
    for (int i = 0; i < nerrors; i++) {
        char ok_name[MAX_NAME + 4];
        snprintf(ok_name, sizeof ok_name, "%sOK", prefix);
        if (strcmp(errors[i].name, ok_name) == 0 && errors[i].value == 0)
            have_ok = true;
        else if (errors[i].value == 0 || errors[i].value >= IFACE_ERROR_LIMIT)
            iface_error(&lx, errors[i].line, "error '%s' must be 1..0x%x (0 is %sOK)", errors[i].name,
                        IFACE_ERROR_LIMIT - 1, prefix);
        for (int j = 0; j < i; j++)
            if (errors[j].value == errors[i].value)
                iface_error(&lx, errors[i].line, "error value %llu used twice", (unsigned long long)errors[i].value);
    }
    if (!have_ok)
        iface_error(&lx, 1, "'enum %s' needs %sOK = 0", want_error, prefix);
    def->nerrors = nerrors;

    for (int i = 0; i < nlabels; i++) {
        struct iface_method *m = &def->methods[def->nmethods];
        if (strncmp(labels[i].name, prefix, strlen(prefix)) != 0 || !labels[i].name[strlen(prefix)]) {
            iface_error(&lx, labels[i].line, "label '%s' must be named %s<METHOD>", labels[i].name, prefix);
            continue;
        }
        if (labels[i].value == 0 || labels[i].value >= (1ull << 52)) {
            iface_error(&lx, labels[i].line, "label '%s' must be 1..2^52-1 (it is the seL4 message label)",
                        labels[i].name);
            continue;
        }
        for (int j = 0; j < i; j++)
            if (labels[j].value == labels[i].value)
                iface_error(&lx, labels[i].line, "label value %llu used twice", (unsigned long long)labels[i].value);
        static const char *const reserved[] = {"ops", "dispatch", "dispatch_request", "serve", "auto", "break",
            "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for",
            "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
            "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", 0};
        char lower[MAX_NAME];
        size_t n = 0;
        for (const char *p = labels[i].name + strlen(prefix); *p && n + 1 < sizeof lower; p++)
            lower[n++] = (char)tolower((unsigned char)*p);
        lower[n] = 0;
        bool clash = false;
        for (int r = 0; reserved[r]; r++)
            clash |= strcmp(lower, reserved[r]) == 0;
        if (clash) {
            iface_error(&lx, labels[i].line, "method name '%s' is a C keyword or a glue name", lower);
            continue;
        }
        strcpy(m->constant, labels[i].name);
        m->label = labels[i].value;
        const char *suffix = labels[i].name + strlen(prefix);
        size_t k = 0;
        for (; suffix[k] && k + 1 < sizeof m->name; k++)
            m->name[k] = (char)tolower((unsigned char)suffix[k]);
        m->name[k] = 0;
        def->nmethods++;
    }
    /* Every struct must belong to a method: a stray struct is usually a misspelt name. */
    for (int s = 0; s < nstructs; s++) {
        bool used = false;
        for (int i = 0; i < def->nmethods; i++) {
            struct iface_method *m = &def->methods[i];
            char req[MAX_NAME * 3], rep[MAX_NAME * 3];
            snprintf(req, sizeof req, "%s_%s_request", name, m->name);
            snprintf(rep, sizeof rep, "%s_%s_reply", name, m->name);
            if (strcmp(structs[s].tag, req) == 0) {
                m->request = structs[s].body;
                def->carries_caps |= m->request.has_cap;
                used = true;
            } else if (strcmp(structs[s].tag, rep) == 0) {
                if (structs[s].body.has_cap)
                    iface_error(&lx, structs[s].line, "replies cannot carry a capability (seL4_CPtr) yet");
                m->reply = structs[s].body;
                used = true;
            }
        }
        if (!used)
            iface_error(&lx, structs[s].line, "struct '%s' matches no method (want %s_<method>_request or _reply)",
                        structs[s].tag, name);
    }
    return lx.errors == 0;
}
