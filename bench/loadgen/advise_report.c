/*
 * advise_report.c - advise's results: a ranked table and the
 * recommendation for a reader, or one JSON object (--json) for a program.
 * A figure that was not measured prints as "-" (text) or null (JSON).
 */
#include <callout.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise.h"
#include "json.h"
#include "options.h"
#include "sysinfo.h"

/* ---------------------------------------------------------------- text */

static const char *
cell(char *buf, size_t len, bool ok, const char *fmt, double v)
{
	if (!ok || !isfinite(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fmt, v);
	return buf;
}

#define C(ok, fmt, v) cell((char[24]){ 0 }, 24, (ok), (fmt), (v))

/* Print s wrapped at 78 columns, the first line after `first`, the others
 * after `indent`. */
static void
wrap(const char *first, const char *indent, const char *s)
{
	size_t col = strlen(first);
	bool start = true;

	fputs(first, stdout);
	while (*s) {
		size_t w = strcspn(s, " ");

		if (!start && col + 1 + w > 78) {
			printf("\n%s", indent);
			col = strlen(indent);
			start = true;
		}
		if (!start) {
			putchar(' ');
			col++;
		}
		fwrite(s, 1, w, stdout);
		col += w;
		start = false;
		s += w;
		while (*s == ' ')
			s++;
	}
	putchar('\n');
}

/* A delay in ns with a unit. */
static const char *
dur(double ns, char *buf, size_t len)
{
	if (ns >= 3600e9)
		snprintf(buf, len, "%.3g h", ns / 3600e9);
	else if (ns >= 1e9)
		snprintf(buf, len, "%.3g s", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3g us", ns / 1e3);
	return buf;
}

#define D(ns) dur((double)(ns), (char[32]){ 0 }, 32)

static void
text_workload(const struct adv_run *run)
{
	const struct lg_config *cfg = run->cfg;
	const struct adv_workload *w = &run->w;
	char prec[32], line[640], cut[96] = "";

	if (w->end_ns < w->asked_ns)
		snprintf(cut, sizeof(cut), " (of %.3g s asked: cut at the operation "
		    "limit)", (double)w->asked_ns / 1e9);

	if (cfg->trace != NULL)
		printf("calloutlab advise: trace %s, %llu connections, %d threads\n",
		    cfg->trace, (unsigned long long)w->conns, w->threads);
	else
		printf("calloutlab advise: TCP model, %llu connections on %d threads, "
		    "%g segments/s each, churn %g/s, precision %s\n  delays: rto %s, "
		    "delack %s, persist %s, keepidle %s, msl %s\n",
		    (unsigned long long)cfg->conns, cfg->threads, cfg->rate, cfg->churn,
		    options_precision_name(cfg->prec, prec, sizeof(prec)),
		    D(cfg->timer_ns[T_REXMT]), D(cfg->timer_ns[T_DELACK]),
		    D(cfg->timer_ns[T_PERSIST]), D(cfg->timer_ns[T_KEEP]),
		    D(cfg->timer_ns[T_2MSL]));
	snprintf(line, sizeof(line), "%.3g s simulated%s, %zu operations after the "
	    "set-up (%llu resets, %llu stops, %llu drains); reset delays p50 %s, "
	    "p99 %s; %.1f%% of them longer than the wheel's revolution (%.3g s)",
	    (double)w->end_ns / 1e9, cut,
	    w->n - w->nsetup, (unsigned long long)w->resets, (unsigned long long)w->stops,
	    (unsigned long long)w->drains, D(w->delay_p50_ns), D(w->delay_p99_ns),
	    w->resets ? 100.0 * (double)w->resets_past_rev / (double)w->resets : 0,
	    run->st.wheel_rev_s);
	wrap("workload: ", "  ", line);
}

static void
text_table(const struct adv_run *run)
{
	const struct adv_workload *w = &run->w;
	double real_s = 0, planned;
	size_t k = w->nsetup;

	for (int i = 0; i < run->nb; i++)
		if (run->b[i].r.measured)
			real_s = run->b[i].r.seconds;
	/* The plan's own rate over the real-clock run: what ops/s is if the
	 * machine kept up. */
	while (k < w->n && (double)w->ops[k].t < real_s * 1e9)
		k++;
	planned = real_s > 0 ? (double)(k - w->nsetup) / real_s : 0;
	printf("\n%-4s %-13s %7s %7s %7s %7s %8s %8s %8s %7s | %9s %9s %9s\n",
	    "rank", "backend", "all-in", "re-arm", "arm", "stop", "expire", "worst",
	    "pending", "bytes/", "ops/s", "p99 late", "wake-ups");
	printf("%-4s %-13s %7s %7s %7s %7s %8s %8s %8s %7s | %9s %9s %9s\n",
	    "", "", "ns/op", "ns", "ns", "ns", "ns/fired", "tick us", "(mean)", "timer",
	    "", "us", "per s");
	printf("%-4s %-13s %-66s | real clock, %.3g s; plan %.0f ops/s\n", "", "",
	    "manual clock: each call's minimum over the repetitions", real_s, planned);
	for (int r = 1; r <= run->nb + 1; r++) {
		for (int i = 0; i < run->nb; i++) {
			const struct adv_backend *b = &run->b[i];
			const struct adv_manual *m = &b->m;
			bool mo = m->measured, ro = b->r.measured;

			if ((r <= run->nb && b->rank != r) || (r > run->nb && b->rank != 0))
				continue;
			printf("%-4s %-13s %7s %7s %7s %7s %8s %8s %8s %7s | %9s %9s %9s\n",
			    b->rank ? C(true, "%.0f", b->rank) : "-", b->name,
			    C(mo, "%.0f", m->allin_ns), C(mo && m->rearms, "%.0f", m->rearm_ns),
			    C(mo && m->arms, "%.0f", m->arm_ns), C(mo && m->stops, "%.0f", m->stop_ns),
			    C(mo && m->fired, "%.0f", m->expire_ns),
			    C(mo, "%.1f", m->worst_step_ns / 1e3), C(mo, "%.0f", m->pending_mean),
			    C(mo && m->pending, "%.1f", m->bytes_per_timer),
			    C(ro, "%.0f", b->r.ops_per_sec),
			    C(ro && b->r.fired, "%.1f", (double)b->r.lateness_p99_ns / 1e3),
			    C(ro, "%.0f", b->r.wakeups_per_sec));
			if (!mo)
				printf("     %s: %s\n", b->name, m->why);
			if (!ro && b->r.why[0])
				printf("     %s, real clock: %s\n", b->name, b->r.why);
		}
	}
}

void
adv_report_text(const struct adv_run *run)
{
	const struct adv_advice *a = &run->a;
	double ovh = 0;

	text_workload(run);
	text_table(run);
	for (int i = 0; i < run->nb; i++)
		if (run->b[i].m.measured)
			ovh = run->b[i].m.clock_overhead_ns;
	printf("\n");
	if (a->pick < 0) {
		printf("recommendation: none: no backend could be measured\n");
		return;
	}
	printf("recommendation: %s\n", run->b[a->pick].name);
	wrap("  why: ", "    ", a->why);
	if (a->nnotes > 0)
		printf("  when the answer would change:\n");
	for (int i = 0; i < a->nnotes; i++)
		wrap("  - ", "    ", a->notes[i]);
	printf("\n(all-in: every timed callout call and clock step of the workload per "
	    "operation;\n %d repetitions, %.0f ns of clock overhead subtracted per "
	    "timing; %.1f s in all)\n", run->cfg->reps, ovh, run->wall_s);
	for (int i = 0; i < run->nb; i++)
		if (run->b[i].m.measured && run->b[i].m.reps < run->cfg->reps)
			printf(" %s: %d repetition%s of %d, all the budget left room for\n",
			    run->b[i].name, run->b[i].m.reps, run->b[i].m.reps > 1 ? "s" : "",
			    run->cfg->reps);
}

/* ---------------------------------------------------------------- JSON */

static void
num(struct json *j, const char *key, bool ok, double v)
{
	json_double(j, key, ok ? v : NAN);
}

static void
json_manual(struct json *j, const struct adv_manual *m)
{
	bool ok = m->measured;

	json_object_begin(j, "manual");
	json_bool(j, "measured", ok);
	json_string(j, "why", ok ? NULL : m->why);
	json_int(j, "reps", m->reps);
	num(j, "allin_ns_per_op", ok, m->allin_ns);
	num(j, "rearm_ns", ok && m->rearms, m->rearm_ns);
	num(j, "arm_ns", ok && m->arms, m->arm_ns);
	num(j, "stop_ns", ok && m->stops, m->stop_ns);
	num(j, "drain_ns", ok && m->drains, m->drain_ns);
	num(j, "expire_ns_per_fired", ok && m->fired, m->expire_ns);
	num(j, "step_ns", ok && m->steps, m->step_ns);
	num(j, "worst_tick_ns", ok, m->worst_step_ns);
	num(j, "cpu_ns_per_op", ok, m->cpu_ns_per_op);
	num(j, "spread", ok, m->spread);
	num(j, "pending_mean", ok, m->pending_mean);
	num(j, "pending", ok, (double)m->pending);
	num(j, "backend_bytes", ok, (double)m->backend_bytes);
	num(j, "bytes_per_timer", ok && m->pending, m->bytes_per_timer);
	json_u64(j, "rearms", m->rearms);
	json_u64(j, "arms", m->arms);
	json_u64(j, "stops", m->stops);
	json_u64(j, "drains", m->drains);
	json_u64(j, "steps", m->steps);
	json_u64(j, "fired", m->fired);
	num(j, "clock_overhead_ns", ok, m->clock_overhead_ns);
	json_double(j, "wall_s", m->wall_s);
	json_object_end(j);
}

static void
json_real(struct json *j, const struct adv_real *r)
{
	bool ok = r->measured;

	json_object_begin(j, "real");
	json_bool(j, "measured", ok);
	json_string(j, "why", ok ? NULL : r->why);
	num(j, "seconds", ok, r->seconds);
	json_bool(j, "ok", r->ok);
	num(j, "ops_per_sec", ok, r->ops_per_sec);
	num(j, "wakeups_per_sec", ok, r->wakeups_per_sec);
	num(j, "fired", ok, (double)r->fired);
	num(j, "lateness_p50_ns", ok && r->fired, (double)r->lateness_p50_ns);
	num(j, "lateness_p99_ns", ok && r->fired, (double)r->lateness_p99_ns);
	num(j, "lateness_max_ns", ok && r->fired, (double)r->lateness_max_ns);
	num(j, "reset_p99_ns", ok, (double)r->reset_p99_ns);
	json_object_end(j);
}

static void
json_workload(struct json *j, const struct adv_run *run)
{
	const struct lg_config *cfg = run->cfg;
	const struct adv_workload *w = &run->w;
	char prec[32];

	json_object_begin(j, "workload");
	json_string(j, "source", cfg->trace ? "trace" : "model");
	json_string(j, "trace", cfg->trace);
	json_int(j, "threads", w->threads);
	json_u64(j, "conns", w->conns);
	if (cfg->trace == NULL) {
		json_double(j, "rate", cfg->rate);
		json_double(j, "churn", cfg->churn);
		json_double(j, "cross_cpu", cfg->cross_cpu);
		json_double(j, "time_wait", cfg->time_wait);
		json_string(j, "drain", cfg->drain == DRAIN_ASYNC ? "async" : "sync");
		json_string(j, "precision", options_precision_name(cfg->prec, prec, sizeof(prec)));
		json_u64(j, "seed", cfg->seed);
		json_object_begin(j, "timer_ns");
		for (int i = 0; i < NTIMERS; i++)
			json_int(j, timer_names[i], cfg->timer_ns[i]);
		json_object_end(j);
	}
	json_double(j, "simulated_s", (double)w->end_ns / 1e9);
	json_double(j, "asked_s", (double)w->asked_ns / 1e9);
	json_u64(j, "operations", w->n - w->nsetup);
	json_u64(j, "setup_operations", w->nsetup);
	json_u64(j, "resets", w->resets);
	json_u64(j, "stops", w->stops);
	json_u64(j, "drains", w->drains);
	json_u64(j, "resets_past_wheel_revolution", w->resets_past_rev);
	json_u64(j, "resets_past_hier_level0", w->resets_past_l0);
	json_u64(j, "delay_p50_ns", w->delay_p50_ns);
	json_u64(j, "delay_p99_ns", w->delay_p99_ns);
	json_object_end(j);
}

void
adv_report_json(const struct adv_run *run)
{
	const struct adv_advice *a = &run->a;
	const struct adv_structure *st = &run->st;
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "command", "advise");
	json_workload(&j, run);
	json_object_begin(&j, "structure");
	json_double(&j, "wheel_revolution_s", st->wheel_rev_s);
	json_int(&j, "wheel_slots", st->wheel_slots);
	json_double(&j, "wheel_tick_ms", st->wheel_tick_ms);
	json_int(&j, "hier_levels", st->hier_levels);
	json_int(&j, "hier_slots", st->hier_slots);
	json_double(&j, "hier_level0_s", st->hier_l0_s);
	json_u64(&j, "callout_bytes", st->callout_bytes);
	json_object_end(&j);
	json_object_begin(&j, "method");
	json_int(&j, "reps", run->cfg->reps);
	json_double(&j, "budget_s", (double)run->cfg->budget_ns / 1e9);
	json_double(&j, "real_s", (double)run->cfg->real_ns / 1e9);
	json_bool(&j, "quick", run->cfg->quick);
	json_object_end(&j);
	json_array_begin(&j, "backends");
	for (int r = 1; r <= run->nb + 1; r++)
		for (int i = 0; i < run->nb; i++) {
			const struct adv_backend *b = &run->b[i];

			if ((r <= run->nb && b->rank != r) || (r > run->nb && b->rank != 0))
				continue;
			json_object_begin(&j, NULL);
			json_string(&j, "name", b->name);
			json_string(&j, "description", b->description);
			if (b->rank)
				json_int(&j, "rank", b->rank);
			else
				json_double(&j, "rank", NAN);
			json_manual(&j, &b->m);
			json_real(&j, &b->r);
			json_object_end(&j);
		}
	json_array_end(&j);
	json_object_begin(&j, "recommendation");
	json_string(&j, "backend", a->pick >= 0 ? run->b[a->pick].name : NULL);
	json_string(&j, "runner_up", a->runner_up >= 0 ? run->b[a->runner_up].name : NULL);
	json_bool(&j, "tie", a->tie);
	json_string(&j, "why", a->pick >= 0 ? a->why : NULL);
	json_array_begin(&j, "would_change");
	for (int i = 0; i < a->nnotes; i++)
		json_string(&j, NULL, a->notes[i]);
	json_array_end(&j);
	json_object_end(&j);
	json_array_begin(&j, "load_avg");
	json_double(&j, NULL, run->load_avg[0]);
	json_double(&j, NULL, run->load_avg[1]);
	json_array_end(&j);
	json_double(&j, "wall_s", run->wall_s);
	json_provenance(&j);
	json_object_end(&j);
}
