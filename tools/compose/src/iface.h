/* Interface definitions: a C header per interface in a small declared form (see README.md):
 *   enum <iface>_label { <IFACE>_<METHOD> = n, ... };
 *   enum <iface>_error { <IFACE>_OK = 0, <IFACE>_<ERROR> = n, ... };
 *   struct <iface>_<method>_request { uint64_t field; uint64_t array[4]; };   (optional)
 *   struct <iface>_<method>_reply { ... };                                    (optional)
 * Fields are 64-bit words (uint64_t or int64_t, optionally fixed arrays); they travel in
 * message registers, so a struct holds at most 120 words. A request may also have one
 * seL4_CPtr field: that capability travels as the message's extra cap, and the server's
 * handler sees it in a receive slot (LARK_SLOT_RECV_<rpc>) that the glue empties afterwards. */
#ifndef COMPOSE_IFACE_H
#define COMPOSE_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#define IFACE_MAX_METHODS 32
#define IFACE_MAX_FIELDS 32
#define IFACE_MAX_WORDS 120 /* seL4_MsgMaxLength */
#define IFACE_ERROR_LIMIT 0xff00u /* error codes above this are the glue's own (LARK_RPC_E*) */

struct iface_field {
    char name[MAX_NAME];
    char type[16];
    unsigned count; /* 0 = scalar, else array length */
    bool is_cap;    /* seL4_CPtr: an extra cap, not a message word */
};

struct iface_struct {
    bool present;
    int nfields;
    unsigned words; /* message words; the cap field is not one */
    bool has_cap;
    struct iface_field fields[IFACE_MAX_FIELDS];
};

struct iface_method {
    char name[MAX_NAME];     /* lower case, e.g. write */
    char constant[MAX_NAME * 2]; /* the label constant, e.g. UART_IO_WRITE */
    uint64_t label;
    struct iface_struct request, reply;
};

struct iface_def {
    char name[MAX_NAME];
    int nmethods;
    struct iface_method methods[IFACE_MAX_METHODS];
    int nerrors;
    bool carries_caps; /* some request has a seL4_CPtr field */
};

/* Reads and checks one interface header; problems are reported as "header:line: ...". */
bool iface_load(struct iface_def *def, const char *name, const char *path, const char *shown);

#endif
