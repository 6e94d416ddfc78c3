/*
 * report.c - see report.h.  The JSON keys are a contract with the scripts
 * that plot results: add keys, do not rename them.
 */
#include <stdio.h>

#include "conn.h"
#include "json.h"
#include "options.h"
#include "report.h"

static double
per_sec(uint64_t n, uint64_t ns)
{
	return ns > 0 ? (double)n * 1e9 / (double)ns : 0;
}

static void
json_percentiles(struct json *j, const char *key, const struct hist *h, bool p90)
{
	json_object_begin(j, key);
	json_u64(j, "count", h->count);
	json_u64(j, "p50", hist_percentile(h, 50));
	if (p90)
		json_u64(j, "p90", hist_percentile(h, 90));
	json_u64(j, "p99", hist_percentile(h, 99));
	json_u64(j, "p999", hist_percentile(h, 99.9));
	json_u64(j, "max", h->max);
	json_object_end(j);
}

/*
 * A histogram as points of its distribution, for CDF plots: [{"p": share
 * of the samples at or below ns, "ns": ...}, ...] at fixed percentiles, up
 * to the finest one that count resolves (1/count); the maximum is the
 * histogram's "max".  Values carry the histogram's 1/32 resolution.
 */
static void
json_cdf(struct json *j, const char *key, const struct hist *h)
{
	static const double pct[] = {
		1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 98, 99,
		99.5, 99.8, 99.9, 99.95, 99.98, 99.99, 99.995, 99.998, 99.999,
	};

	json_array_begin(j, key);
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		if (h->count == 0 || (100 - pct[i]) * (double)h->count < 100)
			break;
		json_object_begin(j, NULL);
		json_double(j, "p", pct[i] / 100);
		json_u64(j, "ns", hist_percentile(h, pct[i]));
		json_object_end(j);
	}
	json_array_end(j);
}

/* What a thread and the total both report. */
static void
json_metrics(struct json *j, const struct metrics *m, uint64_t elapsed_ns)
{
	const struct counts *c = &m->c;

	json_u64(j, "ops", c->ops);
	json_double(j, "ops_per_sec", per_sec(c->ops, elapsed_ns));
	json_object_begin(j, "timers");
	json_u64(j, "armed", c->armed);
	json_u64(j, "fired", c->fired);
	json_u64(j, "stopped", c->stopped);
	json_u64(j, "rearmed", c->rearmed);
	json_u64(j, "pending", c->pending);
	json_object_end(j);
	json_object_begin(j, "latency_ns");
	for (int i = 0; i < NLAT; i++)
		json_percentiles(j, lat_names[i], &m->lat[i], true);
	json_object_end(j);
	json_percentiles(j, "lateness_ns", &m->lateness, false);
	json_object_begin(j, "stop_results");
	json_u64(j, "one", c->stop_one);
	json_u64(j, "zero", c->stop_zero);
	json_u64(j, "minus_one", c->stop_minus_one);
	json_u64(j, "met_running", c->met_running);
	json_u64(j, "cancelled_waiting", c->cancelled_waiting);
	json_object_end(j);
	json_object_begin(j, "connections");
	json_u64(j, "opened", c->opens);
	json_u64(j, "closed", c->closes);
	json_u64(j, "live", c->live_conns);
	json_object_end(j);
	json_u64(j, "contradictions", c->contradictions);
}

static void
json_config(struct json *j, const struct results *r)
{
	const struct lg_config *cfg = r->cfg;
	char buf[32];

	json_int(j, "hz", cfg->hz);
	json_string(j, "clock", cfg->manual_clock ? "manual" : "real");
	if (cfg->trace != NULL) {
		json_string(j, "trace", cfg->trace);
		json_string(j, "speed", cfg->speed == SPEED_MAX ? "max" : "real");
		return;
	}
	json_string(j, "precision", options_precision_name(cfg->prec, buf, sizeof(buf)));
	json_u64(j, "seed", cfg->seed);
	json_double(j, "rate", cfg->rate);
	json_double(j, "churn", cfg->churn);
	json_double(j, "cross_cpu", cfg->cross_cpu);
	json_string(j, "drain", cfg->drain == DRAIN_ASYNC ? "async" : "sync");
	json_double(j, "time_wait", cfg->time_wait);
	json_object_begin(j, "timer_ns");
	for (int i = 0; i < NTIMERS; i++)
		json_int(j, timer_names[i], cfg->timer_ns[i]);
	json_object_end(j);
}

void
report_json(const struct results *r)
{
	struct json j;
	uint64_t live = r->total.c.live_conns;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "command", r->command);
	json_string(&j, "backend", r->backend);
	json_int(&j, "threads", r->nworkers);
	json_u64(&j, "conns", r->conns);
	json_double(&j, "duration_s", (double)r->duration_ns / 1e9);
	json_double(&j, "elapsed_s", (double)r->elapsed_ns / 1e9);
	json_config(&j, r);
	json_metrics(&j, &r->total, r->elapsed_ns);
	json_cdf(&j, "lateness_cdf", &r->total.lateness);
	json_u64(&j, "wakeups", r->wakeups);
	json_double(&j, "wakeups_per_sec", per_sec(r->wakeups, r->duration_ns));
	json_u64(&j, "lock_biased", r->lock_biased);
	json_u64(&j, "lock_revoked", r->lock_revoked);
	json_object_begin(&j, "memory");
	json_string(&j, "source", r->mem.source);
	json_u64(&j, "bytes", r->mem.bytes);
	json_u64(&j, "backend_bytes", r->backend_bytes);
	json_u64(&j, "conn_bytes", live * conn_bytes());
	json_object_end(&j);
	json_array_begin(&j, "per_thread");
	for (int i = 0; i < r->nworkers; i++) {
		const struct worker *w = r->ws[i];

		json_object_begin(&j, NULL);
		json_int(&j, "thread", w->index);
		json_int(&j, "cpu", w->cpu);
		json_metrics(&j, &w->m, r->elapsed_ns);
		json_object_begin(&j, "memory");
		json_u64(&j, "conn_bytes", w->m.c.live_conns * conn_bytes());
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_bool(&j, "ok", r->ok);
	json_provenance(&j);
	json_object_end(&j);
}

static void
text_latency(const char *name, const struct hist *h)
{
	if (h->count == 0)
		return;
	printf("  %-12s %10llu  p50 %8llu  p90 %8llu  p99 %8llu  p99.9 %9llu  max %10llu\n",
	    name, (unsigned long long)h->count,
	    (unsigned long long)hist_percentile(h, 50),
	    (unsigned long long)hist_percentile(h, 90),
	    (unsigned long long)hist_percentile(h, 99),
	    (unsigned long long)hist_percentile(h, 99.9),
	    (unsigned long long)h->max);
}

void
report_text(const struct results *r)
{
	const struct counts *c = &r->total.c;

	printf("%s on %s: %d threads, %llu connections, %.3f s (%s clock), %.3f s real\n",
	    r->command, r->backend, r->nworkers, (unsigned long long)r->conns,
	    (double)r->duration_ns / 1e9, r->cfg->manual_clock ? "manual" : "real",
	    (double)r->elapsed_ns / 1e9);
	printf("operations   %llu, %.0f per second\n", (unsigned long long)c->ops,
	    per_sec(c->ops, r->elapsed_ns));
	printf("timers       armed %llu = fired %llu + stopped %llu + rearmed %llu + pending %llu\n",
	    (unsigned long long)c->armed, (unsigned long long)c->fired,
	    (unsigned long long)c->stopped, (unsigned long long)c->rearmed,
	    (unsigned long long)c->pending);
	printf("stops        1: %llu  0: %llu  -1: %llu  met running: %llu  "
	    "cancelled waiting: %llu\n",
	    (unsigned long long)c->stop_one, (unsigned long long)c->stop_zero,
	    (unsigned long long)c->stop_minus_one, (unsigned long long)c->met_running,
	    (unsigned long long)c->cancelled_waiting);
	printf("wake-ups     %.1f per second\n", per_sec(r->wakeups, r->duration_ns));
	printf("base locks   %llu bias grants, %llu revocations\n",
	    (unsigned long long)r->lock_biased, (unsigned long long)r->lock_revoked);
	printf("memory       %llu bytes (%s)\n", (unsigned long long)r->mem.bytes,
	    r->mem.source);
	printf("latency, ns  %10s\n", "count");
	for (int i = 0; i < NLAT; i++)
		text_latency(lat_names[i], &r->total.lat[i]);
	text_latency("lateness", &r->total.lateness);
}
