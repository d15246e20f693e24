#ifndef COMPOSE_GRAPH_H
#define COMPOSE_GRAPH_H

#include <stdio.h>

#include "model.h"

/* The authority graph: who may call, signal, map or hold what. Same content, two notations. */
void write_graph_json(FILE *f, const struct system *sys);
void write_graph_dot(FILE *f, const struct system *sys);

#endif
