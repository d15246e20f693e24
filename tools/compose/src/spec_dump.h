#ifndef COMPOSE_SPEC_DUMP_H
#define COMPOSE_SPEC_DUMP_H

#include <stdio.h>

/* Reads a spec file through the validating reader and prints every table as text. Returns the
 * process exit status (0 valid, 1 invalid, 2 unreadable). */
int dump_spec_file(const char *path, FILE *out);

#endif
