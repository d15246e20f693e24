#ifndef COMPOSE_GLUE_H
#define COMPOSE_GLUE_H

#include "iface.h"
#include "model.h"

/* Writes DIR/<component>/{lark_glue.h, lark_glue.c, glue.mk} for every component. */
bool write_glue(const struct system *sys, const struct iface_def *ifaces, const char *dir);

#endif
