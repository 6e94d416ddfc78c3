/*
 * model.h - the TCP-like workload: one generator per thread, producing that
 * thread's operations in planned-time order.
 *
 * The model is open-loop: what it does next depends on its seed and
 * settings only, never on which timers have fired.  So a run and the trace
 * `record` writes with the same settings are the same operations, and a
 * replay on any backend repeats them exactly.
 */
#ifndef LOADGEN_MODEL_H
#define LOADGEN_MODEL_H

#include "loadgen.h"

struct model;

/* The generator of thread `thread` of cfg->threads. */
struct model *model_new(const struct lg_config *cfg, int thread);
void model_free(struct model *m);

/* The next operation (conn is the thread's own connection index), or false
 * when the run's duration is over. */
bool model_next(struct model *m, struct op *op);

#endif
