/* lark-compose: checks a LarkOS system description and writes its glue, graph and spec. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfs.h"
#include "glue.h"
#include "graph.h"
#include "iface.h"
#include "lark_spec.h"
#include "model.h"
#include "spec_build.h"
#include "spec_dump.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lark-compose [options] SYSTEM.xml\n"
            "       lark-compose --dump-spec SPEC\n"
            "Checks the description (structure, overlaps, IRQs, call cycles, lint rules); then:\n"
            "  --glue DIR    write DIR/<component>/{lark_glue.h,lark_glue.c,glue.mk}\n"
            "  --json FILE   write the authority graph as JSON\n"
            "  --dot FILE    write the authority graph as Graphviz DOT\n"
            "  --elfs DIR    read the component ELFs (program paths are relative to DIR)\n"
            "  --spec FILE   write the binary capDL-style spec (needs --elfs)\n"
            "Exit status: 0 ok, 1 the description (or an ELF) is wrong, 2 usage or I/O error.\n");
}

static bool write_text(const char *path, const struct system *sys, void (*fn)(FILE *, const struct system *))
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "lark-compose: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    fn(f, sys);
    bool ok = !ferror(f);
    ok &= fclose(f) == 0;
    if (!ok)
        fprintf(stderr, "lark-compose: write error on %s\n", path);
    return ok;
}

int main(int argc, char **argv)
{
    const char *glue = NULL, *json = NULL, *dot = NULL, *elfs = NULL, *spec = NULL, *desc = NULL;
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (!strcmp(argv[i], "--glue")) slot = &glue;
        else if (!strcmp(argv[i], "--json")) slot = &json;
        else if (!strcmp(argv[i], "--dot")) slot = &dot;
        else if (!strcmp(argv[i], "--elfs")) slot = &elfs;
        else if (!strcmp(argv[i], "--spec")) slot = &spec;
        else if (!strcmp(argv[i], "--dump-spec")) {
            if (i + 1 >= argc) {
                usage(stderr);
                return 2;
            }
            return dump_spec_file(argv[i + 1], stdout);
        } else if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "lark-compose: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (desc) {
            fprintf(stderr, "lark-compose: only one description file, got %s and %s\n", desc, argv[i]);
            return 2;
        } else {
            desc = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "lark-compose: %s needs an argument\n", argv[i]);
            return 2;
        }
        *slot = argv[++i];
    }
    if (!desc) {
        usage(stderr);
        return 2;
    }
    if (spec && !elfs) {
        fprintf(stderr, "lark-compose: --spec needs --elfs DIR (the spec holds the ELFs' segments)\n");
        return 2;
    }

    FILE *probe = fopen(desc, "r");
    if (!probe) {
        fprintf(stderr, "lark-compose: cannot open %s: %s\n", desc, strerror(errno));
        return 2;
    }
    fclose(probe);
    static struct system sys;
    if (!parse_system(&sys, desc))
        return 1;
    bool ok = check_system(&sys);
    ok &= check_lints(&sys);
    static struct iface_def ifaces[MAX_ITEMS];
    for (int i = 0; i < sys.ninterfaces; i++) {
        ok &= iface_load(&ifaces[i], sys.interfaces[i].name, sys.interfaces[i].header_path,
                         sys.interfaces[i].header_shown);
        sys.interfaces[i].carries_caps = ifaces[i].carries_caps;
    }
    ok &= layout_system(&sys);
    if (!ok)
        return 1;

    static struct elf_info elf_infos[MAX_COMPONENTS];
    if (elfs && !load_elfs(&sys, elfs, elf_infos))
        return 1;
    if (glue && !write_glue(&sys, ifaces, glue))
        return 2;
    if (json && !write_text(json, &sys, write_graph_json))
        return 2;
    if (dot && !write_text(dot, &sys, write_graph_dot))
        return 2;
    if (spec) {
        size_t size;
        void *bytes = build_spec(&sys, elf_infos, &size);
        struct lark_spec check;
        const char *why;
        /* Never write a spec our own reader would refuse. */
        if (!lark_spec_open(&check, bytes, size, &why)) {
            fprintf(stderr, "lark-compose: internal error: generated spec invalid: %s\n", why);
            free(bytes);
            return 2;
        }
        FILE *f = fopen(spec, "wb");
        bool wrote = f && fwrite(bytes, 1, size, f) == size;
        if (f)
            wrote &= fclose(f) == 0;
        free(bytes);
        if (!wrote) {
            fprintf(stderr, "lark-compose: cannot write %s\n", spec);
            return 2;
        }
    }
    return 0;
}
