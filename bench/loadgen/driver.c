/*
 * driver.c - see driver.h.
 */
#include <callout.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "driver.h"
#include "progress.h"
#include "util.h"

/* How long before a planned time a worker stops sleeping and spins
 * (yielding): a sleep overshoots by tens of microseconds, which would be
 * charged to the operation. */
#define SPIN_NS 50000u

struct drive {
	struct worker **ws;
	int n;
	const struct lg_config *cfg;
	uint64_t duration_ns;
	pthread_barrier_t ready, go;
	uint64_t t0;		/* written between the two barriers */
	int finished;		/* atomic: workers done with their plan */
};

struct thread_arg {
	struct drive *d;
	struct worker *w;
};

static bool
peek(struct worker *w)
{
	if (!w->la_ok)
		w->la_ok = w->next(w->src, &w->la);
	return w->la_ok;
}

static struct op
take(struct worker *w)
{
	w->la_ok = false;
	return w->la;
}

/* Operations planned at time 0 set the run up: not measured. */
static void
run_setup(struct worker *w)
{
	while (peek(w) && w->la.t == 0) {
		struct op op = take(w);

		conn_exec(w, &op);
	}
}

/* Carry out op, measured from `intended`; returns when it ended. */
static uint64_t
run_op(struct worker *w, const struct op *op, uint64_t intended)
{
	static const int lat_of[NOPS] = {
		[OP_OPEN] = -1, [OP_RESET] = LAT_RESET, [OP_STOP] = LAT_STOP,
		[OP_DRAIN] = LAT_DRAIN, [OP_ASYNC_DRAIN] = LAT_ASYNC_DRAIN,
		[OP_CLOSE] = -1,
	};
	uint64_t end;

	conn_exec(w, op);
	end = now_ns();
	if (lat_of[op->kind] >= 0)
		hist_record(&w->m.lat[lat_of[op->kind]], end > intended ? end - intended : 0);
	w->m.c.ops++;
	__atomic_store_n(&w->ops_done, w->m.c.ops, __ATOMIC_RELAXED);
	return end;
}

static void
sleep_until(uint64_t t)
{
	uint64_t now = now_ns();

	if (t > now + SPIN_NS) {
		struct timespec ts = {
			.tv_sec = (time_t)((t - SPIN_NS) / 1000000000u),
			.tv_nsec = (long)((t - SPIN_NS) % 1000000000u),
		};

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	while (now_ns() < t)
		sched_yield();
}

static void
pin(int cpu)
{
	cpu_set_t set;
	int error;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	error = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (error != 0)
		lg_die("cannot pin a thread to CPU %d: %s", cpu, strerror(error));
}

static void *
worker_thread(void *arg)
{
	struct drive *d = ((struct thread_arg *)arg)->d;
	struct worker *w = ((struct thread_arg *)arg)->w;
	bool real = d->cfg->speed == SPEED_REAL;
	uint64_t t0, intended = 0, last_t = UINT64_MAX;

	pin(w->cpu);
	/* Timer slack: let clock_nanosleep wake us when asked (default 50 us). */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	run_setup(w);
	pthread_barrier_wait(&d->ready);
	pthread_barrier_wait(&d->go);
	t0 = d->t0;
	while (peek(w)) {
		struct op op = take(w);

		if (!real) {
			intended = now_ns();
		} else if (op.t != last_t) {
			last_t = op.t;
			intended = t0 + op.t;
			sleep_until(intended);
		}
		intended = run_op(w, &op, intended);
	}
	if (real)
		sleep_until(t0 + d->duration_ns);
	w->end_ns = now_ns();
	__atomic_fetch_add(&d->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static uint64_t
ops_done(struct worker **ws, int n)
{
	uint64_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += __atomic_load_n(&ws[i]->ops_done, __ATOMIC_RELAXED);
	return sum;
}

static uint64_t
drive_threads(struct drive *d, struct progress *p)
{
	struct thread_arg *args = xcalloc((size_t)d->n, sizeof(*args));
	pthread_t *thr = xcalloc((size_t)d->n, sizeof(*thr));
	uint64_t end = 0;
	int error;

	pthread_barrier_init(&d->ready, NULL, (unsigned)d->n + 1);
	pthread_barrier_init(&d->go, NULL, (unsigned)d->n + 1);
	for (int i = 0; i < d->n; i++) {
		args[i] = (struct thread_arg){ d, d->ws[i] };
		error = pthread_create(&thr[i], NULL, worker_thread, &args[i]);
		if (error != 0)
			lg_die("cannot create a thread: %s", strerror(error));
	}
	pthread_barrier_wait(&d->ready);
	d->t0 = now_ns();
	pthread_barrier_wait(&d->go);
	while (__atomic_load_n(&d->finished, __ATOMIC_ACQUIRE) < d->n) {
		usleep(50000);
		progress_update(p, (double)(now_ns() - d->t0) / 1e9, ops_done(d->ws, d->n));
	}
	for (int i = 0; i < d->n; i++) {
		pthread_join(thr[i], NULL);
		if (d->ws[i]->end_ns > end)
			end = d->ws[i]->end_ns;
	}
	pthread_barrier_destroy(&d->ready);
	pthread_barrier_destroy(&d->go);
	free(args);
	free(thr);
	return end - d->t0;
}

static void
advance_to(uint64_t t_ns)
{
	sbintime_t target = nstosbt((int64_t)t_ns), now = sbinuptime();

	if (target > now)
		callout_advance(target - now);
}

static uint64_t
drive_manual(struct drive *d, struct progress *p)
{
	uint64_t t0;

	for (int i = 0; i < d->n; i++)
		run_setup(d->ws[i]);
	t0 = now_ns();
	for (uint64_t k = 0;; k++) {
		struct worker *next = NULL;
		struct op op;

		/* The earliest planned operation; the lower thread on ties. */
		for (int i = 0; i < d->n; i++)
			if (peek(d->ws[i]) && (next == NULL || d->ws[i]->la.t < next->la.t))
				next = d->ws[i];
		if (next == NULL)
			break;
		op = take(next);
		advance_to(op.t);
		run_op(next, &op, now_ns());
		if (k % 1024 == 0)
			progress_update(p, (double)op.t / 1e9, ops_done(d->ws, d->n));
	}
	advance_to(d->duration_ns);
	return now_ns() - t0;
}

uint64_t
drive(struct worker **ws, int n, const struct lg_config *cfg, uint64_t duration_ns)
{
	struct drive d = { .ws = ws, .n = n, .cfg = cfg, .duration_ns = duration_ns };
	struct progress p;
	uint64_t elapsed;

	progress_init(&p, cfg->json, (double)duration_ns / 1e9);
	elapsed = cfg->manual_clock ? drive_manual(&d, &p) : drive_threads(&d, &p);
	progress_done(&p);
	return elapsed;
}
