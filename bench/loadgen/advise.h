/*
 * advise.h - `calloutlab advise`: measure every backend on the user's
 * workload and say which one to use, and when that answer would change.
 *
 *   advise_cmd.c     options, the workload, the order of the phases
 *   advise_work.c    the workload as one time-ordered array of operations
 *                    (from the TCP model or a trace) and what it is made of
 *   advise_replay.c  the manual-clock phase: every backend replays the same
 *                    operations R times; each operation's cost is its
 *                    minimum over the repetitions (the replay is
 *                    deterministic, so the minimum filters preemption)
 *   advise_real.c    the real-clock phase: a short `run`/`replay` session
 *   advise_rank.c    ranking and the recommendation, from the figures only
 *   advise_report.c  the table and the JSON
 *
 * Every figure printed is measured in the run.  What is not measured
 * (a backend over its budget, a phase skipped) is printed as such.
 */
#ifndef LOADGEN_ADVISE_H
#define LOADGEN_ADVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen.h"

#define ADV_MAX_BACKENDS 16

/* The workload: one array of operations in planned-time order. */
struct adv_workload {
	struct op *ops;
	size_t n;
	size_t nsetup;		/* operations at time 0: the set-up, not measured */
	int threads;		/* callout bases; op.thread % threads */
	uint32_t max_id;	/* highest connection id */
	uint64_t end_ns;	/* the simulated plan's length */
	uint64_t asked_ns;	/* the length asked for (end_ns may be cut) */
	uint64_t conns;		/* connections at the start (trace: ids seen) */
	/* Made of (counted over the measured operations): */
	uint64_t resets, stops, drains;
	uint64_t resets_past_rev;	/* delay longer than the wheel's revolution */
	uint64_t resets_past_l0;	/* delay past the hierarchical level 0 */
	uint64_t delay_p50_ns, delay_p99_ns;	/* of the resets' delays */
};

/* Structural facts from the build configuration (callout_build.h), not
 * measurements: what the recommendation's rules of thumb are about. */
struct adv_structure {
	double wheel_rev_s;		/* slots x granularity */
	int wheel_slots;
	double wheel_tick_ms;
	double hier_l0_s;		/* span of level 0 */
	double hier_range_s;		/* span of the top level */
	int hier_levels;
	int hier_slots;
	size_t callout_bytes;		/* sizeof(struct callout) */
};

/* One backend on the manual clock. */
struct adv_manual {
	bool measured;
	char why[200];			/* when not measured */
	int reps;			/* repetitions made */
	double clock_overhead_ns;	/* subtracted from every timing */
	/* Operations measured (the set-up excluded) and their mean cost,
	 * each the minimum over the repetitions: */
	uint64_t rearms, arms, stops, drains, steps, fired;
	double rearm_ns;	/* reset of a pending callout */
	double arm_ns;		/* reset of one that was not pending */
	double stop_ns;		/* callout_stop / callout_async_drain */
	double drain_ns;	/* callout_drain */
	double expire_ns;	/* callout_advance time per callout fired */
	double step_ns;		/* mean callout_advance step (<= 1 tick) */
	double worst_step_ns;	/* the longest single step */
	double allin_ns;	/* every timed call of the workload / operations */
	double spread;		/* noise: how much all-in could move with one
				   repetition less (advise_replay.c) */
	double cpu_ns_per_op;	/* thread CPU of the untimed repetition / ops */
	/* At the end of the plan: */
	uint64_t pending;
	double pending_mean;	/* sampled at every step */
	uint64_t backend_bytes;
	double bytes_per_timer;	/* sizeof(struct callout) + bytes / pending */
	double wall_s;		/* this backend's manual phase, wall time */
};

/* One backend on the real clock. */
struct adv_real {
	bool measured;
	char why[200];
	bool ok;
	double seconds;		/* planned length */
	double ops_per_sec, wakeups_per_sec;
	uint64_t fired;
	uint64_t lateness_p50_ns, lateness_p99_ns, lateness_max_ns;
	uint64_t reset_p99_ns;
};

struct adv_backend {
	const char *name;
	const char *description;
	struct adv_manual m;
	struct adv_real r;
	int rank;		/* 1 = recommended order; 0: not ranked */
};

#define ADV_MAX_NOTES 8

struct adv_advice {
	int pick;		/* index into backends; -1: none measured */
	int runner_up;		/* -1: none */
	bool tie;		/* pick and runner-up within the noise */
	int ntied;		/* backends within the noise of the cheapest */
	char why[768];
	char notes[ADV_MAX_NOTES][640];	/* when the answer would change */
	int nnotes;
};

struct adv_run {
	const struct lg_config *cfg;
	struct adv_workload w;
	struct adv_structure st;
	struct adv_backend b[ADV_MAX_BACKENDS];
	int nb;
	struct adv_advice a;
	double load_avg[2];	/* before and after */
	double wall_s;
};

/* advise_work.c */
int adv_workload_build(const struct lg_config *cfg, size_t max_ops,
    struct adv_workload *w);
void adv_workload_describe(struct adv_workload *w, const struct adv_structure *st);
void adv_workload_free(struct adv_workload *w);
void adv_structure_get(struct adv_structure *st);

/* advise_replay.c */
void adv_manual_measure(const struct lg_config *cfg, const struct adv_workload *w,
    const char *backend, struct adv_manual *m);

/* advise_real.c */
void adv_real_measure(const struct lg_config *cfg, const struct adv_workload *w,
    const char *backend, struct adv_real *r);

/* advise_rank.c */
void adv_rank(struct adv_run *run);

/* advise_report.c */
void adv_report_text(const struct adv_run *run);
void adv_report_json(const struct adv_run *run);

#endif
