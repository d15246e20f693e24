#ifndef COMPOSE_SPEC_BUILD_H
#define COMPOSE_SPEC_BUILD_H

#include <stddef.h>

#include "elfs.h"
#include "model.h"

/* Builds the binary spec (lark_spec.h) in a malloc'd buffer; returns NULL on failure. */
void *build_spec(const struct system *sys, const struct elf_info *elfs, size_t *size);

#endif
