/*
 * advise_rank.c - the ranking and the recommendation.
 *
 * Rank: the all-in CPU cost per operation of the workload on the manual
 * clock (every re-arm, stop, drain and clock step the workload made,
 * divided by its operations), lowest first; backends not measured last.
 * The first two are a tie when they differ by less than the larger of
 * their repetitions' spreads; a tie goes to the shorter worst tick.
 *
 * The sentences that say when the answer would change combine the
 * figures of this run with what the structures are known to do (the
 * list's insert walks the list, the heap deepens with log2 N, the wheel's
 * revolution and the hierarchical wheel's levels come from the build
 * configuration).  No performance figure is typed in here.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advise.h"

/* A time in ns, with a unit that keeps 2 or 3 digits. */
static const char *
t_ns(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.3g us", ns / 1e3);
	else
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	return buf;
}

#define T(ns) t_ns((ns), (char[32]){ 0 }, 32)

static int
find(const struct adv_run *run, const char *name)
{
	for (int i = 0; i < run->nb; i++)
		if (strcmp(run->b[i].name, name) == 0)
			return i;
	return -1;
}

static bool
measured(const struct adv_run *run, int i)
{
	return i >= 0 && run->b[i].m.measured;
}

/* m costs the same as the cheaper best, within their noise. */
static bool
tied(const struct adv_manual *best, const struct adv_manual *m)
{
	/* Unknown noise (one repetition) ties nothing: fmax ignores a NaN. */
	return (m->allin_ns - best->allin_ns) / best->allin_ns <=
	    fmax(best->spread, m->spread);
}

static void
note(struct adv_advice *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(struct adv_advice *a, const char *fmt, ...)
{
	va_list ap;

	if (a->nnotes == ADV_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(a->notes[a->nnotes++], sizeof(a->notes[0]), fmt, ap);
	va_end(ap);
}

/* A backend's re-arm, or its first arm when it never re-armed. */
static double
rearm_of(const struct adv_manual *m)
{
	return m->rearms > 0 ? m->rearm_ns : m->arm_ns;
}

/* "211 ns per callout fired", or the steps' cost when nothing fired. */
static const char *
expiry(const struct adv_manual *m, char *buf, size_t len)
{
	char t[32];

	if (m->fired > 0)
		snprintf(buf, len, "%s per callout fired", t_ns(m->expire_ns, t, sizeof(t)));
	else
		snprintf(buf, len, "nothing fired; %s per clock step",
		    t_ns(m->step_ns, t, sizeof(t)));
	return buf;
}

#define E(m) expiry((m), (char[64]){ 0 }, 64)

static const struct adv_run *sort_run;

static int
by_cost(const void *pa, const void *pb)
{
	const struct adv_backend *a = &sort_run->b[*(const int *)pa];
	const struct adv_backend *b = &sort_run->b[*(const int *)pb];

	if (a->m.measured != b->m.measured)
		return a->m.measured ? -1 : 1;
	if (!a->m.measured)
		return *(const int *)pa - *(const int *)pb;
	return (a->m.allin_ns > b->m.allin_ns) - (a->m.allin_ns < b->m.allin_ns);
}

static void
why_pick(struct adv_run *run, const int *order)
{
	struct adv_advice *a = &run->a;
	const struct adv_backend *p = &run->b[a->pick];
	size_t n = 0, len = sizeof(a->why);

	if (a->runner_up < 0) {
		n += (size_t)snprintf(a->why + n, len - n, "%s is the only backend "
		    "measured: %s per operation all-in", p->name, T(p->m.allin_ns));
	} else if (a->tie) {
		double lo = p->m.allin_ns, hi = p->m.allin_ns, noise = 0;

		n += (size_t)snprintf(a->why + n, len - n, "%d backends cost the same "
		    "within the noise (", a->ntied);
		for (int k = 0; k < a->ntied && n < len; k++) {
			const struct adv_manual *m = &run->b[order[k]].m;

			lo = fmin(lo, m->allin_ns);
			hi = fmax(hi, m->allin_ns);
			noise = fmax(noise, m->spread);
			n += (size_t)snprintf(a->why + n, len - n, "%s%s %s", k ? ", " : "",
			    run->b[order[k]].name, T(m->allin_ns));
		}
		if (n < len)
			n += (size_t)snprintf(a->why + n, len - n, " per operation all-in, "
			    "%.1f%% apart; one repetition more or less moves them up to "
			    "%.1f%%); %s has the shortest worst tick among them, %s",
			    100 * (hi - lo) / lo, 100 * noise, p->name, T(p->m.worst_step_ns));
	} else {
		const struct adv_backend *q = &run->b[a->runner_up];

		double noise = fmax(p->m.spread, q->m.spread);
		char ratio[32] = "", nz[64];

		if (p->m.allin_ns > 0)	/* 0: every call took less than the clock */
			snprintf(ratio, sizeof(ratio), "%.2fx, ", q->m.allin_ns / p->m.allin_ns);
		if (isnan(noise))
			snprintf(nz, sizeof(nz), "noise unknown: one repetition");
		else
			snprintf(nz, sizeof(nz), "beyond the noise of %.1f%%", 100 * noise);
		n += (size_t)snprintf(a->why + n, len - n, "%s costs the least CPU "
		    "per operation of this workload: %s all-in (re-arm %s, expiry: %s), "
		    "against %s for %s, the next (%s%s)",
		    p->name, T(p->m.allin_ns), T(rearm_of(&p->m)), E(&p->m),
		    T(q->m.allin_ns), q->name, ratio, nz);
	}
	if (p->r.measured && p->r.fired > 0 && n < len)
		snprintf(a->why + n, len - n, ".  On the real clock (%.3g s) its callouts "
		    "fired with p99 lateness %s, at %.0f clock wake-ups/s", p->r.seconds,
		    T((double)p->r.lateness_p99_ns), p->r.wakeups_per_sec);
	else if (p->r.measured && n < len)
		snprintf(a->why + n, len - n, ".  On the real clock (%.3g s) no callout "
		    "fell due", p->r.seconds);
}

/* list: its re-arm against the pick's, scaled linearly with N. */
static void
note_list(struct adv_run *run)
{
	struct adv_advice *a = &run->a;
	int l = find(run, "list");
	const struct adv_backend *p = &run->b[a->pick];

	if (l < 0)
		return;
	if (!measured(run, l)) {
		note(a, "list: not measured (%s); its insert walks a sorted list, O(n), "
		    "and this workload keeps ~%.0f callouts pending", run->b[l].m.why,
		    p->m.pending_mean);
		return;
	}
	const struct adv_manual *lm = &run->b[l].m;
	double n = lm->pending_mean;

	/* Nothing armed after the set-up (or faster than the clock shows):
	 * no cost of the list's insert to scale. */
	if (!(rearm_of(lm) > 0))
		return;

	if (l == a->pick) {
		if (a->runner_up < 0)
			return;
		const struct adv_backend *q = &run->b[a->runner_up];
		double cross = n * rearm_of(&q->m) / rearm_of(lm);

		if (rearm_of(lm) < rearm_of(&q->m))
			note(a, "list wins because few callouts are pending (~%.0f): its "
			    "re-arm measured %s, %s's %s; the list's insert walks the list "
			    "(cost grows linearly with N), so above ~%.0f pending callouts "
			    "prefer %s", n, T(rearm_of(lm)), q->name, T(rearm_of(&q->m)),
			    cross, q->name);
		else
			note(a, "list ranks first with ~%.0f callouts pending although its "
			    "re-arm (%s) is already slower than %s's (%s): its insert walks "
			    "the list, a cost that grows linearly with N, so with more "
			    "callouts pending prefer %s", n, T(rearm_of(lm)), q->name,
			    T(rearm_of(&q->m)), q->name);
		return;
	}
	double cross = n * rearm_of(&p->m) / rearm_of(lm);

	if (rearm_of(lm) > rearm_of(&p->m))
		note(a, "list: only if fewer than ~%.0f callouts are pending: its re-arm "
		    "measured %s here with ~%.0f pending and grows linearly with N (the "
		    "insert walks the sorted list); %s's measured %s", cross,
		    T(rearm_of(lm)), n, p->name, T(rearm_of(&p->m)));
	else
		note(a, "list: its re-arm measured %s with ~%.0f pending, %s's %s, but it "
		    "grows linearly with N: by ~%.0f pending callouts it is the slower; "
		    "all-in it already costs %s against %s", T(rearm_of(lm)), n, p->name,
		    T(rearm_of(&p->m)), cross, T(lm->allin_ns), T(p->m.allin_ns));
}

/* The hashed wheel's revolution against the hierarchical wheel. */
static void
note_revolution(struct adv_run *run)
{
	struct adv_advice *a = &run->a;
	const struct adv_workload *w = &run->w;
	const struct adv_structure *st = &run->st;
	int wh = find(run, "wheel"), hi = find(run, "hierarchical");

	if (!measured(run, wh) || !measured(run, hi) || w->resets == 0)
		return;
	const struct adv_manual *wm = &run->b[wh].m, *hm = &run->b[hi].m;
	double f = (double)w->resets_past_rev / (double)w->resets;
	const char *better = wm->allin_ns <= hm->allin_ns ? "wheel" : "hierarchical";
	bool same = tied(wm->allin_ns <= hm->allin_ns ? wm : hm,
	    wm->allin_ns <= hm->allin_ns ? hm : wm);
	char cmp[160];
	int n = 0;
	char s[640];

	n += snprintf(s + n, sizeof(s) - (size_t)n, "wheel or hierarchical: %.1f%% of "
	    "this workload's arms are longer than the hashed wheel's revolution "
	    "(%.3g s = %d slots x %g ms, from the build); the wheel passes over such "
	    "a callout each revolution until it is due, the hierarchical wheel moves "
	    "it down at most %d levels.  Measured: expiry %s, worst tick %s (wheel); "
	    "%s, %s (hierarchical).  ", 100 * f,
	    st->wheel_rev_s, st->wheel_slots, st->wheel_tick_ms, st->hier_levels - 1,
	    E(wm), T(wm->worst_step_ns), E(hm), T(hm->worst_step_ns));
	if (same)
		snprintf(cmp, sizeof(cmp), "the two cost the same all-in within the "
		    "noise (wheel %s, hierarchical %s)", T(wm->allin_ns), T(hm->allin_ns));
	else
		snprintf(cmp, sizeof(cmp), "%s costs less all-in (%s against %s)",
		    better, T(fmin(wm->allin_ns, hm->allin_ns)),
		    T(fmax(wm->allin_ns, hm->allin_ns)));
	if (f > 0.5)
		n += snprintf(s + n, sizeof(s) - (size_t)n, "Most arms here exceed the "
		    "revolution, and %s", cmp);
	else
		n += snprintf(s + n, sizeof(s) - (size_t)n, "If most timeouts exceeded "
		    "%.3g s, the wheel's sweeps would revisit them: prefer hierarchical "
		    "then; here %s", st->wheel_rev_s, cmp);
	if ((double)w->end_ns / 1e9 < 2 * st->wheel_rev_s && n < (int)sizeof(s))
		snprintf(s + n, sizeof(s) - (size_t)n, ".  This replay covered %.3g s of "
		    "simulated time, under two revolutions: use --duration %.0fs or more "
		    "to see those passes", (double)w->end_ns / 1e9, ceil(2 * st->wheel_rev_s));
	note(a, "%s", s);
}

/* One note for the heaps: on the pick if it is one, else on the heap
 * whose run cost the least. */
static void
note_heap(struct adv_run *run)
{
	struct adv_advice *a = &run->a;
	static const char *const heaps[] = { "heap", "heap4" };
	int h = -1;

	for (size_t k = 0; k < sizeof(heaps) / sizeof(heaps[0]); k++) {
		int i = find(run, heaps[k]);

		if (!measured(run, i))
			continue;
		if (i == a->pick || h < 0 ||
		    (h != a->pick && run->b[i].m.allin_ns < run->b[h].m.allin_ns))
			h = i;
	}
	if (h < 0)
		return;
	const struct adv_manual *hm = &run->b[h].m;
	double lg = hm->pending_mean > 1 ? log2(hm->pending_mean) : 0;

	if (h == a->pick)
		note(a, "%s wins here with ~%.0f callouts pending, but its re-arm (%s) "
		    "and expiry (%s) grow with log N (log2 N = %.1f here) and the "
		    "wheels' do not: for many more connections run advise again with "
		    "that --conns", run->b[h].name, hm->pending_mean,
		    T(rearm_of(hm)), E(hm), lg);
	else
		note(a, "%s: re-arm %s, expiry %s, with ~%.0f pending; both grow "
		    "with log N (log2 N = %.1f here) as the heap deepens, and the "
		    "wheels' do not: for many more connections run advise again "
		    "with that --conns", run->b[h].name, T(rearm_of(hm)), E(hm),
		    hm->pending_mean, lg);
}

static void
note_memory(struct adv_run *run)
{
	struct adv_advice *a = &run->a;
	const struct adv_backend *p = &run->b[a->pick];
	int least = -1, wh = find(run, "wheel"), h = find(run, "heap");

	for (int i = 0; i < run->nb; i++)
		if (measured(run, i) && run->b[i].m.pending > 0 &&
		    (least < 0 || run->b[i].m.bytes_per_timer < run->b[least].m.bytes_per_timer))
			least = i;
	if (least < 0 || p->m.pending == 0)
		return;
	char s[640];
	int n = snprintf(s, sizeof(s), "memory: %s holds %.1f bytes per pending "
	    "callout here (%zu of struct callout plus %.1f of structure)", p->name,
	    p->m.bytes_per_timer, run->st.callout_bytes,
	    p->m.bytes_per_timer - (double)run->st.callout_bytes);
	if (least != a->pick)
		n += snprintf(s + n, sizeof(s) - (size_t)n, ", %s the least, %.1f",
		    run->b[least].name, run->b[least].m.bytes_per_timer);
	if (measured(run, wh) && measured(run, h) && run->b[h].m.pending > 0 &&
	    run->b[h].m.backend_bytes > 0 && n < (int)sizeof(s)) {
		double per = (double)run->b[h].m.backend_bytes / (double)run->b[h].m.pending;

		/* The wheel's part is its bucket heads, fixed per base, plus
		 * arrays that grow with the callouts: one figure for both. */
		snprintf(s + n, sizeof(s) - (size_t)n, ".  The wheel's structure "
		    "holds %llu bytes (%d bases: bucket heads and their arrays), the "
		    "heap's array %.1f bytes per pending callout",
		    (unsigned long long)run->b[wh].m.backend_bytes, run->w.threads, per);
	}
	note(a, "%s", s);
}

static void
note_tail(struct adv_run *run)
{
	struct adv_advice *a = &run->a;
	int least = -1;

	for (int i = 0; i < run->nb; i++)
		if (measured(run, i) && (least < 0 ||
		    run->b[i].m.worst_step_ns < run->b[least].m.worst_step_ns))
			least = i;
	if (least < 0 || least == a->pick)
		return;
	note(a, "if the longest single clock step matters more than throughput (a "
	    "budget per tick): %s's worst step was %s, %s's %s",
	    run->b[least].name, T(run->b[least].m.worst_step_ns),
	    run->b[a->pick].name, T(run->b[a->pick].m.worst_step_ns));
}

static void
note_real(struct adv_run *run)
{
	bool any = false;
	double secs = 0;

	for (int i = 0; i < run->nb; i++)
		if (run->b[i].r.measured) {
			any = true;
			secs = run->b[i].r.seconds;
		}
	if (any)
		note(&run->a, "the real-clock figures come from %.3g s per backend with "
		    "load average %.2f on %ld CPUs: their lateness includes the "
		    "scheduler's; the ranking uses the manual clock", secs,
		    run->load_avg[0], sysconf(_SC_NPROCESSORS_ONLN));
}

void
adv_rank(struct adv_run *run)
{
	struct adv_advice *a = &run->a;
	int order[ADV_MAX_BACKENDS], nt = 1;

	memset(a, 0, sizeof(*a));
	a->pick = a->runner_up = -1;
	for (int i = 0; i < run->nb; i++)
		order[i] = i;
	sort_run = run;
	qsort(order, (size_t)run->nb, sizeof(order[0]), by_cost);
	if (run->nb == 0 || !measured(run, order[0]))
		return;
	/* The tied group, by worst tick. */
	while (nt < run->nb && measured(run, order[nt]) &&
	    tied(&run->b[order[0]].m, &run->b[order[nt]].m))
		nt++;
	for (int i = 1; i < nt; i++)
		for (int k = i; k > 0 && run->b[order[k]].m.worst_step_ns <
		    run->b[order[k - 1]].m.worst_step_ns; k--) {
			int t = order[k];

			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	for (int k = 0; k < run->nb; k++)
		run->b[order[k]].rank = run->b[order[k]].m.measured ? k + 1 : 0;
	a->pick = order[0];
	a->ntied = nt;
	a->tie = nt > 1;
	if (run->nb > 1 && measured(run, order[1]))
		a->runner_up = order[1];
	why_pick(run, order);
	note_list(run);
	note_revolution(run);
	note_heap(run);
	note_memory(run);
	note_tail(run);
	note_real(run);
}
