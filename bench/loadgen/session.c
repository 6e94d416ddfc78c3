/*
 * session.c - see session.h.
 */
#include <callout.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "driver.h"
#include "report.h"
#include "session.h"
#include "util.h"

struct worker **
session_workers(const struct lg_config *cfg)
{
	struct worker **ws = xcalloc((size_t)cfg->threads, sizeof(*ws));
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	for (int i = 0; i < cfg->threads; i++) {
		struct worker *w = aligned_alloc(64, sizeof(*w));

		if (w == NULL)
			lg_die("out of memory");
		memset(w, 0, sizeof(*w));
		w->index = i;
		w->nworkers = cfg->threads;
		w->cpu = cfg->manual_clock ? -1 : i % (int)(online > 0 ? online : 1);
		w->manual = cfg->manual_clock;
		ws[i] = w;
	}
	return ws;
}

static int
start_runtime(const struct lg_config *cfg)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct callout_config cc = {
		.backend = cfg->backend,
		.ncpus = cfg->threads,
		.hz = cfg->hz,
		/* The core pins base i to CPU i: possible only with a CPU per
		 * thread.  With more threads than CPUs, only ours are pinned. */
		.pin = !cfg->manual_clock && cfg->threads <= online,
		.manual_clock = cfg->manual_clock,
	};
	int error = callout_startup(&cc);

	if (error != 0)
		fprintf(stderr, "%s: cannot start the callout runtime (backend %s, %d "
		    "CPUs): %s\n", lg_prog, cfg->backend ? cfg->backend : "default",
		    cfg->threads, strerror(error));
	return error;
}

static bool
failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool
failed(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: check failed: ", lg_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

/* Fold what the callout functions counted into each worker's metrics and
 * check every worker's accounting, then the total's. */
static bool
check(struct results *r, const struct callout_stats *st)
{
	bool ok = true;
	char why[256];

	for (int i = 0; i < r->nworkers; i++) {
		struct worker *w = r->ws[i];

		w->m.c.fired = w->fire.fired;
		w->m.c.contradictions += w->fire.stale;
		hist_merge(&w->m.lateness, &w->fire.lateness);
		metrics_merge(&r->total, &w->m);
		if (w->why[0] != '\0')
			ok = failed("thread %d: %s", i, w->why);
		if (w->fire.stale > 0)
			ok = failed("thread %d: %" PRIu64 " callout functions ran with no "
			    "arm outstanding", i, w->fire.stale);
		if (!metrics_balanced(&w->m.c, why, sizeof(why)))
			ok = failed("thread %d: %s", i, why);
	}
	if (!metrics_balanced(&r->total.c, why, sizeof(why)))
		ok = failed("%s", why);
	if (st->fired != r->total.c.fired)
		ok = failed("the core called %" PRIu64 " functions, the timers counted %"
		    PRIu64, st->fired, r->total.c.fired);
	if (st->failed > 0)
		ok = failed("%" PRIu64 " resets failed for lack of memory", st->failed);
	if (conn_allocated() != 0)
		ok = failed("%" PRIu64 " connections were never freed (a drain "
		    "function did not run)", conn_allocated());
	return ok;
}

int
session_run(const char *command, const struct lg_config *cfg,
    struct worker **ws, uint64_t conns, uint64_t duration_ns)
{
	return session_run_quiet(command, cfg, ws, conns, duration_ns, NULL);
}

static void
summarise(const struct results *r, struct session_out *out)
{
	const struct metrics *m = &r->total;
	double s = (double)r->elapsed_ns / 1e9;

	out->ok = r->ok;
	out->elapsed_s = s;
	out->ops_per_sec = s > 0 ? (double)m->c.ops / s : 0;
	out->wakeups_per_sec = r->duration_ns > 0 ?
	    (double)r->wakeups * 1e9 / (double)r->duration_ns : 0;
	out->fired = m->c.fired;
	out->lateness_p50_ns = hist_percentile(&m->lateness, 50);
	out->lateness_p99_ns = hist_percentile(&m->lateness, 99);
	out->lateness_max_ns = m->lateness.max;
	out->reset_p99_ns = hist_percentile(&m->lat[LAT_RESET], 99);
}

int
session_run_quiet(const char *command, const struct lg_config *cfg,
    struct worker **ws, uint64_t conns, uint64_t duration_ns,
    struct session_out *out)
{
	struct results r = {
		.command = command, .cfg = cfg, .ws = ws, .nworkers = cfg->threads,
		.conns = conns, .duration_ns = duration_ns,
	};
	struct callout_stats st;

	if (start_runtime(cfg) != 0)
		return 1;
	r.backend = callout_backend_current();
	r.elapsed_ns = drive(ws, cfg->threads, cfg, duration_ns);
	if (cfg->speed == SPEED_MAX && !cfg->manual_clock)
		r.duration_ns = r.elapsed_ns;

	/* The state at the end of the plan, before the teardown. */
	callout_stats_get(&st);
	r.wakeups = st.wakeups;
	r.lock_biased = st.lock_biased;
	r.lock_revoked = st.lock_revoked;
	r.backend_bytes = st.backend_bytes;
	memory_sample(&r.mem);
	for (int i = 0; i < cfg->threads; i++)
		for (uint32_t k = 0; k < ws[i]->nconns; k++)
			ws[i]->m.c.live_conns += ws[i]->conns[k] != NULL;

	for (int i = 0; i < cfg->threads; i++)
		conn_teardown(ws[i]);
	/* Waits for the functions still running, async drains included. */
	callout_shutdown();
	callout_stats_get(&st);
	r.ok = check(&r, &st);
	if (out != NULL)
		summarise(&r, out);
	else if (cfg->json)
		report_json(&r);
	else
		report_text(&r);
	for (int i = 0; i < cfg->threads; i++)
		free(ws[i]);
	free(ws);
	return r.ok ? 0 : 1;
}
