/*
 * progress.c - see progress.h.
 */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

#define PROGRESS_PERIOD_NS 500000000u

void
progress_init(struct progress *p, bool json, double total_s)
{
	p->on = !json && isatty(STDERR_FILENO);
	p->total_s = total_s;
	p->last_ns = now_ns();
	p->last_ops = 0;
	p->shown = false;
}

void
progress_update(struct progress *p, double elapsed_s, uint64_t ops)
{
	uint64_t now;

	if (!p->on || (now = now_ns()) - p->last_ns < PROGRESS_PERIOD_NS)
		return;
	fprintf(stderr, "\r%s: %.1f of %.1f s, %.0f ops/s\033[K", lg_prog,
	    elapsed_s, p->total_s,
	    (double)(ops - p->last_ops) * 1e9 / (double)(now - p->last_ns));
	p->last_ns = now;
	p->last_ops = ops;
	p->shown = true;
}

void
progress_done(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
