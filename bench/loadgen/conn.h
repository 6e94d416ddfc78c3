/*
 * conn.h - connections and their timers: carrying out an operation through
 * the callout API, with the accounting of metrics.h.
 */
#ifndef LOADGEN_CONN_H
#define LOADGEN_CONN_H

#include "worker.h"

/* Carry out op on w's connections (called by w's thread only). */
void conn_exec(struct worker *w, const struct op *op);

/* End of run: count what is still pending, then stop, drain and free
 * every connection w still has open. */
void conn_teardown(struct worker *w);

/* Bytes one open connection holds. */
size_t conn_bytes(void);

/* Connections allocated and not yet freed, all workers together. */
uint64_t conn_allocated(void);

#endif
