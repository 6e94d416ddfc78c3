/*
 * cmd_run.c - `calloutlab run` (the TCP model through the callout API) and
 * `calloutlab record` (the same, also writing its operations as a trace).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "model.h"
#include "wholefile.h"
#include "options.h"
#include "session.h"
#include "trace.h"
#include "util.h"

#define MODEL_OPTIONS \
	O_BACKEND, O_THREADS, O_CONNS, O_DURATION, O_RATE, O_CHURN, O_CROSS_CPU, \
	O_DRAIN, O_HZ, O_PRECISION, O_SEED, O_TIME_WAIT, O_RTO, O_DELACK, \
	O_PERSIST, O_KEEPIDLE, O_MSL, O_MANUAL_CLOCK, O_JSON

#define MODEL_ABOUT \
    "Connections with the five timers of a TCP control block (rexmt, delack,\n" \
    "persist, keep, 2msl), each a callout tied to the connection's mutex.\n" \
    "Segments arrive at --rate per connection; almost every one re-arms or\n" \
    "stops a timer long before it fires.  Connections close and are replaced\n" \
    "at --churn: every timer is stopped under the lock, then drained (or\n" \
    "async-drained) before the connection is freed.  Each thread owns its\n" \
    "connections, is pinned to a CPU and follows a constant-rate plan; the\n" \
    "latency of an operation counts from its planned time.  At the end the\n" \
    "timers are accounted for: armed = fired + stopped + rearmed + pending,\n" \
    "or the exit status is 1."

static bool
source_model(void *src, struct op *op)
{
	return model_next(src, op);
}

static int
model_session(const char *command, const struct lg_config *cfg)
{
	struct worker **ws = session_workers(cfg);
	struct model **models = xcalloc((size_t)cfg->threads, sizeof(*models));
	int status;

	for (int i = 0; i < cfg->threads; i++) {
		models[i] = model_new(cfg, i);
		ws[i]->next = source_model;
		ws[i]->src = models[i];
	}
	status = session_run(command, cfg, ws, cfg->conns, cfg->duration_ns);
	for (int i = 0; i < cfg->threads; i++)
		model_free(models[i]);
	free(models);
	return status;
}

int
cmd_run(int argc, char **argv)
{
	static const enum opt_id opts[] = { MODEL_OPTIONS, O_END };
	static const struct subcommand_usage usage = {
		"[OPTIONS]", MODEL_ABOUT, opts, 0, NULL,
	};
	struct lg_config cfg;

	options_defaults(&cfg);
	switch (options_parse(argc, argv, &usage, &cfg, NULL)) {
	case OPTS_HELP:
		return 0;
	case OPTS_ERROR:
		return 2;
	}
	return model_session("run", &cfg);
}

/*
 * Can a trace name every connection of the plan?  A connection's id in the
 * trace is its index in its thread times --threads plus the thread, at
 * most LG_MAX_CONN_ID, and an index is reused only after its connection's
 * teardown (2MSL after an active close): only the model knows the highest.
 * Run it dry, writing nothing, up to the first id too high, so that a
 * record that cannot be written is refused before it writes gigabytes.
 */
static bool
ids_fit(const struct lg_config *cfg)
{
	struct op op;
	bool fit = true;

	for (int i = 0; i < cfg->threads && fit; i++) {
		struct model *m = model_new(cfg, i);

		while (fit && model_next(m, &op))
			fit = (uint64_t)op.conn * (uint64_t)cfg->threads + (uint64_t)i <=
			    LG_MAX_CONN_ID;
		model_free(m);
	}
	return fit;
}

/* The threads' operations merged in planned-time order (the lower thread
 * first on ties), as the manual clock carries them out.  0, or the errno
 * of the first write that failed: the rest is not written. */
static int
write_trace(FILE *f, const struct lg_config *cfg)
{
	struct model **m = xcalloc((size_t)cfg->threads, sizeof(*m));
	struct op *la = xcalloc((size_t)cfg->threads, sizeof(*la));
	bool *ok = xcalloc((size_t)cfg->threads, sizeof(*ok));
	char prec[32];
	int error = 0;

	fprintf(f, "%s\n# calloutlab record: threads %d conns %" PRIu64
	    " duration_ns %" PRIu64 " rate %g churn %g cross-cpu %g drain %s"
	    " precision %s seed %" PRIu64 " time-wait %g\n", TRACE_HEADER,
	    cfg->threads, cfg->conns, cfg->duration_ns, cfg->rate, cfg->churn,
	    cfg->cross_cpu, cfg->drain == DRAIN_ASYNC ? "async" : "sync",
	    options_precision_name(cfg->prec, prec, sizeof(prec)), cfg->seed,
	    cfg->time_wait);
	for (int i = 0; i < cfg->threads; i++) {
		m[i] = model_new(cfg, i);
		ok[i] = model_next(m[i], &la[i]);
	}
	for (;;) {
		int next = -1;

		for (int i = 0; i < cfg->threads; i++)
			if (ok[i] && (next < 0 || la[i].t < la[next].t))
				next = i;
		if (next < 0) {
			trace_write_end(f, cfg->duration_ns);
			break;
		}
		trace_write_op(f, &la[next]);
		if (ferror(f))
			break;
		ok[next] = model_next(m[next], &la[next]);
	}
	if (ferror(f))
		error = errno != 0 ? errno : EIO;
	for (int i = 0; i < cfg->threads; i++)
		model_free(m[i]);
	free(m);
	free(la);
	free(ok);
	return error;
}

int
cmd_record(int argc, char **argv)
{
	static const enum opt_id opts[] = { O_OUT, MODEL_OPTIONS, O_END };
	static const struct subcommand_usage usage = {
		"--out FILE [OPTIONS]",
		"Write the operations of a model run to FILE as a trace (see TRACE.md),\n"
		"then carry out that run and report it as `run` does.  `replay FILE`\n"
		"repeats exactly these operations, on any backend.  The trace is\n"
		"written to FILE.XXXXXX, renamed to FILE when whole: a record that\n"
		"fails leaves FILE as it was.\n\n" MODEL_ABOUT,
		opts, 0, NULL,
	};
	struct lg_config cfg;
	FILE *f;

	options_defaults(&cfg);
	switch (options_parse(argc, argv, &usage, &cfg, NULL)) {
	case OPTS_HELP:
		return 0;
	case OPTS_ERROR:
		return 2;
	}
	if (cfg.out == NULL) {
		fprintf(stderr, "%s: missing --out FILE (see %s --help)\n", lg_prog, lg_prog);
		return 2;
	}
	if (!ids_fit(&cfg)) {
		fprintf(stderr, "%s: more connections than a trace can name (ids 0 "
		    "to %d, shared by the threads): lower --conns, --churn or "
		    "--time-wait, or shorten --msl or --duration\n", lg_prog,
		    LG_MAX_CONN_ID);
		return 2;
	}
	if ((f = wholefile_open(cfg.out)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", lg_prog, cfg.out, strerror(errno));
		return 1;
	}
	if (wholefile_close(f, cfg.out, write_trace(f, &cfg)) != 0)
		return 1;
	return model_session("record", &cfg);
}
