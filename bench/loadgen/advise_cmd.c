/*
 * advise_cmd.c - `calloutlab advise`: the options, the workload, and the
 * phases, one backend at a time (see advise.h).
 */
#include <callout.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advise.h"
#include "commands.h"
#include "options.h"
#include "util.h"

/* Operations after the set-up that one replay carries at most: the
 * simulated time is cut there (and the report says so). */
#define MAX_OPS		8000000
#define MAX_OPS_QUICK	2000000
/* --quick without --budget: the whole measurement within this. */
#define QUICK_TOTAL	50000000000ULL

static void
load_avg(double *out)
{
	FILE *f = fopen("/proc/loadavg", "r");

	*out = -1;
	if (f != NULL) {
		if (fscanf(f, "%lf", out) != 1)
			*out = -1;
		fclose(f);
	}
}

/* --quick sets what the user did not. */
static void
quick_defaults(struct lg_config *cfg)
{
	if (!cfg->quick)
		return;
	if (!OPT_SEEN(cfg, O_DURATION))
		cfg->duration_ns = 10000000000ULL;
	if (!OPT_SEEN(cfg, O_REPS))
		cfg->reps = 3;
	if (!OPT_SEEN(cfg, O_REAL))
		cfg->real_ns = 300000000ULL;
	if (!OPT_SEEN(cfg, O_BUDGET))
		cfg->budget_ns = 20000000000ULL;
}

/* The model's options mean nothing with --trace: say so rather than
 * ignore them. */
static int
check_trace_options(const struct lg_config *cfg)
{
	static const enum opt_id model_only[] = {
		O_CONNS, O_RATE, O_CHURN, O_CROSS_CPU, O_DRAIN, O_PRECISION, O_SEED,
		O_TIME_WAIT, O_MIX, O_RTO, O_DELACK, O_PERSIST, O_KEEPIDLE, O_MSL,
		O_DURATION,
	};
	static const char *const names[] = {
		"conns", "rate", "churn", "cross-cpu", "drain", "precision", "seed",
		"time-wait", "mix", "rto", "delack", "persist", "keepidle", "msl",
		"duration",
	};

	if (cfg->trace == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(model_only) / sizeof(model_only[0]); i++)
		if (OPT_SEEN(cfg, model_only[i])) {
			fprintf(stderr, "%s: --%s describes the TCP model: it cannot be "
			    "used with --trace\n", lg_prog, names[i]);
			return -1;
		}
	return 0;
}

/* Every figure is per operation after the set-up (time 0): a workload
 * without one has nothing to measure, and no backend to recommend.  The
 * model's options are to blame (2), or the trace (1). */
static int
check_workload(const struct lg_config *cfg, const struct adv_workload *w)
{
	if (w->n > w->nsetup)
		return 0;
	if (cfg->trace != NULL) {
		fprintf(stderr, "%s: %s: no operation after time 0 (the set-up): "
		    "nothing to measure\n", lg_prog, cfg->trace);
		return 1;
	}
	fprintf(stderr, "%s: --rate, --churn and --duration give no operation "
	    "after time 0 (the set-up): nothing to measure\n", lg_prog);
	return 2;
}

static void
say(const struct lg_config *cfg, const char *fmt, const char *name)
{
	if (isatty(STDERR_FILENO) && !cfg->json) {
		fprintf(stderr, fmt, name);
		fflush(stderr);
	}
}

int
cmd_advise(int argc, char **argv)
{
	static const enum opt_id opts[] = {
		O_TRACE, O_THREADS, O_CONNS, O_RATE, O_CHURN, O_CROSS_CPU, O_DRAIN,
		O_TIME_WAIT, O_PRECISION, O_MIX, O_RTO, O_DELACK, O_PERSIST,
		O_KEEPIDLE, O_MSL, O_SEED, O_HZ, O_DURATION, O_QUICK, O_REPS,
		O_BUDGET, O_REAL, O_JSON, O_END,
	};
	static const struct subcommand_usage usage = {
		"[OPTIONS]",
		"Measure every backend on one workload and say which to use.  The\n"
		"workload is the TCP model (the options of `run`, or --mix) or a trace\n"
		"(--trace).  Each backend replays the same operations on the manual\n"
		"clock --reps times: re-arm, stop and expiry cost per call (each\n"
		"call's minimum over the repetitions), the longest single clock step\n"
		"(at most one tick), bytes per pending timer; then runs the first\n"
		"--real seconds of it on the real clock: operations/s, p99 lateness,\n"
		"wake-ups/s.  It prints the backends ranked by the all-in cost per\n"
		"operation on the manual clock, the recommendation and when it would\n"
		"change.  Every figure printed is measured in the run.  Exit status 1\n"
		"when no backend could be measured or a run failed its checks.  A\n"
		"workload with no operation after time 0 (the set-up) is refused.",
		opts, 0, NULL,
	};
	struct lg_config cfg;
	struct adv_run *run = xcalloc(1, sizeof(*run));
	const char *const *names = callout_backend_names();
	uint64_t t0 = now_ns();
	int status = 0, nnames;

	options_defaults(&cfg);
	switch (options_parse(argc, argv, &usage, &cfg, NULL)) {
	case OPTS_HELP:
		free(run);
		return 0;
	case OPTS_ERROR:
		free(run);
		return 2;
	}
	if (check_trace_options(&cfg) != 0) {
		free(run);
		return 2;
	}
	quick_defaults(&cfg);
	run->cfg = &cfg;
	load_avg(&run->load_avg[0]);
	adv_structure_get(&run->st);
	if (adv_workload_build(&cfg, cfg.quick ? MAX_OPS_QUICK : MAX_OPS, &run->w) != 0) {
		free(run);
		return 1;
	}
	if ((status = check_workload(&cfg, &run->w)) != 0) {
		adv_workload_free(&run->w);
		free(run);
		return status;
	}
	if (cfg.trace != NULL && OPT_SEEN(&cfg, O_THREADS))
		run->w.threads = cfg.threads;
	adv_workload_describe(&run->w, &run->st);

	for (nnames = 0; names[nnames] != NULL; nnames++)
		;
	for (int i = 0; names[i] != NULL && run->nb < ADV_MAX_BACKENDS; i++) {
		struct adv_backend *b = &run->b[run->nb++];
		struct lg_config bcfg = cfg;

		/* --quick without --budget: the whole run within QUICK_TOTAL;
		 * each backend gets its share of what is left, three quarters
		 * of it for the manual clock. */
		if (cfg.quick && !OPT_SEEN(&cfg, O_BUDGET)) {
			uint64_t spent = now_ns() - t0;
			uint64_t left = spent < QUICK_TOTAL ? QUICK_TOTAL - spent : 0;
			uint64_t share = left / (uint64_t)(nnames - i) * 3 / 4;

			bcfg.budget_ns = share < cfg.budget_ns ? share : cfg.budget_ns;
			if (bcfg.budget_ns == 0)
				bcfg.budget_ns = 1;
		}
		b->name = names[i];
		b->description = callout_backend_description(names[i]);
		say(&cfg, "advise: %s, manual clock ...", b->name);
		adv_manual_measure(&bcfg, &run->w, b->name, &b->m);
		if (!b->m.measured) {
			snprintf(b->r.why, sizeof(b->r.why), "not run: not measured on "
			    "the manual clock");
		} else {
			say(&cfg, " real clock ...", b->name);
			adv_real_measure(&cfg, &run->w, b->name, &b->r);
			if (cfg.real_ns > 0 && (!b->r.measured || !b->r.ok))
				status = 1;
		}
		say(&cfg, " done\n", b->name);
	}
	load_avg(&run->load_avg[1]);
	run->wall_s = (double)(now_ns() - t0) / 1e9;
	adv_rank(run);
	if (cfg.json)
		adv_report_json(run);
	else
		adv_report_text(run);
	if (run->a.pick < 0)
		status = 1;
	adv_workload_free(&run->w);
	free(run);
	return status;
}
