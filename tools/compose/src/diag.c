/* Diagnostics and name lookups shared by every stage. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

const char *const held_cap_names[HOLD_COUNT] = {"untyped", "asid_pool", "sched_control", "domain"};

static int problems;

void diag(const struct system *sys, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", sys->file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    problems++;
}

int diag_count(void)
{
    return problems;
}

int find_component(const struct system *sys, const char *name)
{
    for (int i = 0; i < sys->ncomponents; i++)
        if (strcmp(sys->components[i].name, name) == 0)
            return i;
    return -1;
}

int find_thread(const struct component *c, const char *name)
{
    for (int i = 0; i < c->nthreads; i++)
        if (strcmp(c->threads[i].name, name) == 0)
            return i;
    return -1;
}

int find_interface(const struct system *sys, const char *name)
{
    for (int i = 0; i < sys->ninterfaces; i++)
        if (strcmp(sys->interfaces[i].name, name) == 0)
            return i;
    return -1;
}

int find_device(const struct system *sys, const char *name)
{
    for (int i = 0; i < sys->ndevices; i++)
        if (strcmp(sys->devices[i].name, name) == 0)
            return i;
    return -1;
}
