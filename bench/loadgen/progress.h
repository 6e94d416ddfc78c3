/*
 * progress.h - the progress line of long runs: on stderr, updated in place,
 * only when stderr is a terminal and the output is not JSON.
 */
#ifndef LOADGEN_PROGRESS_H
#define LOADGEN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;
	double total_s;		/* the run's length */
	uint64_t last_ns;	/* real time of the last update */
	uint64_t last_ops;
	bool shown;
};

void progress_init(struct progress *p, bool json, double total_s);
/* At most twice a second: "elapsed of total, current ops/s". */
void progress_update(struct progress *p, double elapsed_s, uint64_t ops);
/* Erase the line. */
void progress_done(struct progress *p);

#endif
