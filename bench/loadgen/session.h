/*
 * session.h - one measured session, the part run, record and replay share:
 * start the callout runtime, carry out the workers' operations, tear down,
 * check the accounting, report.
 */
#ifndef LOADGEN_SESSION_H
#define LOADGEN_SESSION_H

#include "worker.h"

/* Workers for cfg->threads threads, without their operation source. */
struct worker **session_workers(const struct lg_config *cfg);

/*
 * Run a session on workers ws (cfg->threads of them, sources set): conns
 * and duration_ns describe the workload for the report.  Frees ws.
 * Returns the exit status: 0, or 1 when the runtime could not start or a
 * check failed (each failure explained on stderr).
 */
int session_run(const char *command, const struct lg_config *cfg,
    struct worker **ws, uint64_t conns, uint64_t duration_ns);

#endif
