/*
 * report.h - the results of a session, as one JSON object (--json) or as
 * a short text summary.
 */
#ifndef LOADGEN_REPORT_H
#define LOADGEN_REPORT_H

#include <callout.h>

#include "sysinfo.h"
#include "worker.h"

struct results {
	const char *command;		/* run, record, replay */
	const struct lg_config *cfg;
	const char *backend;
	struct worker **ws;
	int nworkers;
	struct metrics total;
	uint64_t conns;			/* connections at the start (replay: ids) */
	uint64_t duration_ns;		/* the plan's length */
	uint64_t elapsed_ns;		/* real time it took */
	uint64_t wakeups;		/* callout_stats: during the plan */
	uint64_t lock_biased;		/* callout_stats: base-lock bias grants */
	uint64_t lock_revoked;		/* ... and revocations */
	struct memory_sample mem;	/* when the plan was over */
	uint64_t backend_bytes;
	bool ok;			/* every check passed */
};

void report_json(const struct results *r);
void report_text(const struct results *r);

#endif
