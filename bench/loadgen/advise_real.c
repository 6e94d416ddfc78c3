/*
 * advise_real.c - the real-clock phase of advise: the workload's first
 * --real seconds as a `run` (or `replay`) session on pinned threads, with
 * the clock and softclock threads of the core: throughput, lateness of
 * the callouts that fired, and clock wake-ups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "session.h"
#include "util.h"

/* A worker's share of the operations. */
struct share {
	struct op *ops;
	size_t n, cap, next;
};

static bool
share_next(void *src, struct op *op)
{
	struct share *s = src;

	if (s->next == s->n)
		return false;
	*op = s->ops[s->next++];
	return true;
}

void
adv_real_measure(const struct lg_config *cfg, const struct adv_workload *w,
    const char *backend, struct adv_real *r)
{
	struct lg_config c = *cfg;
	struct share *shares;
	uint32_t *local, *nlocal;
	struct worker **ws;
	struct session_out out = { 0 };
	uint64_t end = cfg->real_ns < w->end_ns ? cfg->real_ns : w->end_ns;
	int status;

	memset(r, 0, sizeof(*r));
	if (cfg->real_ns == 0) {
		snprintf(r->why, sizeof(r->why), "skipped (--real 0)");
		return;
	}
	c.backend = backend;
	c.threads = w->threads;
	c.manual_clock = false;
	c.json = true;			/* no progress line */
	c.speed = SPEED_REAL;

	/* The operations planned before `end`, split by thread; each worker
	 * numbers its connections 0, 1, ... as `replay` does. */
	shares = xcalloc((size_t)c.threads, sizeof(*shares));
	local = xcalloc((size_t)w->max_id + 1, sizeof(*local));
	nlocal = xcalloc((size_t)c.threads, sizeof(*nlocal));
	for (size_t k = 0; k < w->n && w->ops[k].t < end; k++) {
		struct op op = w->ops[k];
		int t = op.thread % c.threads;
		struct share *s = &shares[t];

		if (local[op.id] == 0)
			local[op.id] = ++nlocal[t];
		op.conn = local[op.id] - 1;
		if (s->n == s->cap)
			s->ops = xrealloc(s->ops, s->cap = s->cap ? 2 * s->cap : 1024,
			    sizeof(*s->ops));
		s->ops[s->n++] = op;
	}
	free(local);
	free(nlocal);

	ws = session_workers(&c);
	for (int i = 0; i < c.threads; i++) {
		ws[i]->next = share_next;
		ws[i]->src = &shares[i];
	}
	status = session_run_quiet("advise", &c, ws, w->conns, end, &out);
	for (int i = 0; i < c.threads; i++)
		free(shares[i].ops);
	free(shares);

	r->seconds = (double)end / 1e9;
	if (status != 0 && !out.ok) {
		snprintf(r->why, sizeof(r->why), "the real-clock run failed its checks "
		    "(see the messages above)");
		return;
	}
	r->measured = true;
	r->ok = out.ok;
	r->ops_per_sec = out.ops_per_sec;
	r->wakeups_per_sec = out.wakeups_per_sec;
	r->fired = out.fired;
	r->lateness_p50_ns = out.lateness_p50_ns;
	r->lateness_p99_ns = out.lateness_p99_ns;
	r->lateness_max_ns = out.lateness_max_ns;
	r->reset_p99_ns = out.reset_p99_ns;
}
