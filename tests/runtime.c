/*
 * runtime.c - the lab additions around the API (DESIGN.md §1):
 * callout_startup() and its errors, backend names, the lazy start with
 * defaults, callout_shutdown() dropping what is pending, restarts, and the
 * counters.
 */
#include <stdlib.h>

#include "manpage.h"

static void
count_fn(void *arg)
{
	ainc(arg);
}

/*
 * DESIGN.md §1: "An unknown backend name makes callout_startup return an
 * error (no crash, no exit)"; callout.h: "EINVAL for an unknown backend
 * or a bad field, EALREADY when already started".
 */
static void
test_startup_errors(void)
{
	struct callout_config bad = { .backend = "no-such-backend", .manual_clock = 1 };
	const char *env = getenv("CALLOUT_BACKEND");
	char saved[64] = "";

	CHECK_EQ(callout_startup(&bad), EINVAL);
	CHECK(callout_backend_current() == NULL);

	/* The same name through $CALLOUT_BACKEND, with config.backend NULL. */
	if (env != NULL)
		snprintf(saved, sizeof(saved), "%s", env);
	setenv("CALLOUT_BACKEND", "no-such-backend", 1);
	bad.backend = NULL;
	CHECK_EQ(callout_startup(&bad), EINVAL);
	if (env != NULL)
		setenv("CALLOUT_BACKEND", saved, 1);
	else
		unsetenv("CALLOUT_BACKEND");

	struct callout_config neg_hz = { .hz = -1, .manual_clock = 1 };
	struct callout_config neg_cpus = { .ncpus = -2, .manual_clock = 1 };
	struct callout_config many_cpus = { .ncpus = 1 << 20, .manual_clock = 1 };
	CHECK_EQ(callout_startup(&neg_hz), EINVAL);
	CHECK_EQ(callout_startup(&neg_cpus), EINVAL);
	CHECK_EQ(callout_startup(&many_cpus), EINVAL);
	CHECK(callout_backend_current() == NULL);

	start_manual(1, 0);
	struct callout_config again = { .manual_clock = 1 };
	CHECK_EQ(callout_startup(&again), EALREADY);
	CHECK_EQ(callout_startup(NULL), EALREADY);
	callout_shutdown();
	callout_shutdown();		/* a second shutdown is harmless */
}

/*
 * DESIGN.md §1: callout_backend_names() is "NULL-terminated"; backend
 * names "list", "wheel", "hierarchical", "heap" (those compiled in);
 * config.backend "NULL: $CALLOUT_BACKEND, else the default"; and every
 * backend name starts a runtime that reports that name.
 */
static void
test_backend_names(void)
{
	const char *const *names = callout_backend_names();
	const char *env = getenv("CALLOUT_BACKEND");
	int n = 0, has_list = 0, has_env = env == NULL;

	CHECK(names != NULL);
	for (; names[n] != NULL; n++) {
		struct callout_config cfg = { .backend = names[n], .manual_clock = 1 };
		struct callout c;
		int calls = 0;

		has_list |= strcmp(names[n], "list") == 0;
		has_env |= env != NULL && strcmp(names[n], env) == 0;
		CHECK(callout_backend_description(names[n]) != NULL);
		CHECK_EQ(callout_startup(&cfg), 0);
		CHECK(callout_backend_current() != NULL &&
		    strcmp(callout_backend_current(), names[n]) == 0);
		callout_init(&c, 1);
		callout_reset(&c, 3, count_fn, &calls);
		callout_advance(SBT_1S);
		CHECK_EQ(calls, 1);
		callout_shutdown();
	}
	CHECK(n >= 1);
	CHECK(has_list);
	CHECK(has_env);		/* the backend this run is for is compiled in */
	CHECK(callout_backend_description("no-such-backend") == NULL);

	/* config.backend NULL picks $CALLOUT_BACKEND. */
	start_manual(1, 0);
	if (env != NULL)
		CHECK(strcmp(callout_backend_current(), env) == 0);
	callout_shutdown();
	CHECK(callout_backend_current() == NULL);
}

/*
 * callout.h: "Calling the API without callout_startup() starts it with a
 * zeroed config on first use": the backend from $CALLOUT_BACKEND, hz 1000,
 * a base per online CPU, the real clock.  Stopping or draining something
 * that was never started does not need a runtime.
 */
static void
test_lazy_start_with_defaults(void)
{
	struct callout c;
	int calls = 0;
	const char *env = getenv("CALLOUT_BACKEND");
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	CHECK(callout_backend_current() == NULL);
	callout_init(&c, 1);
	CHECK_EQ(callout_stop(&c), -1);
	CHECK_EQ(callout_drain(&c), -1);
	CHECK(callout_backend_current() == NULL);	/* still not started */

	callout_reset_on(&c, 1, count_fn, &calls, (int)online - 1);
	CHECK(callout_backend_current() != NULL);
	if (env != NULL && callout_backend_current() != NULL)
		CHECK(strcmp(callout_backend_current(), env) == 0);
	CHECK_EQ(hz, 1000);
	CHECK_EQ(tick_sbt, SBT_1S / 1000);
	CHECK(WAIT_FOR(aload(&calls) == 1));	/* the real clock runs it */
	sbintime_t t = sbinuptime();
	sleep_us(2000);
	CHECK(sbinuptime() > t);
	callout_drain(&c);
	callout_shutdown();
}

/*
 * callout.h: "Calling the API without callout_startup() starts it with a
 * zeroed config on first use", and DESIGN.md §1: config.hz "0: 1000" - also
 * after a runtime with another hz, including the first callout_reset's
 * ticks (10 ticks are 10 ms at hz = 1000, not 100 ms as at hz = 100).
 */
static void
test_lazy_start_after_other_hz(void)
{
	struct callout c;
	int calls = 0;
	sbintime_t before, after;

	start_manual(1, 100);
	CHECK_EQ(hz, 100);
	callout_shutdown();

	callout_init(&c, 1);
	before = sbinuptime();
	callout_reset(&c, 10, count_fn, &calls);	/* starts the runtime */
	after = sbinuptime();
	CHECK_EQ(hz, 1000);
	/* Read back at once: 10 ticks of 1 ms from when the deadline was
	 * computed (plus at most one to reach a tick boundary; the window,
	 * 10 ms >> 4, is too short to coalesce), far from 100 ms. */
	CHECK(c.c_time - before >= 10 * tick_sbt);
	CHECK(c.c_time - after <= 11 * tick_sbt);
	callout_drain(&c);
	callout_shutdown();
}

struct lazy_racer {
	pthread_t t;
	struct callout c;
	int calls;
	int *go;
};

static void *
lazy_racer_main(void *arg)
{
	struct lazy_racer *r = arg;

	while (!aload(r->go))
		;
	callout_reset(&r->c, 1, count_fn, &r->calls);
	return NULL;
}

/*
 * callout.h: "Calling the API without callout_startup() starts it with a
 * zeroed config on first use" - from two threads at once: one runtime,
 * both callouts run (and under TSan, no data race on hz or tick_sbt).
 */
static void
test_concurrent_lazy_start(void)
{
	struct lazy_racer r[2];
	int go = 0;

	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].go = &go;
		callout_init(&r[i].c, 1);
		pthread_create(&r[i].t, NULL, lazy_racer_main, &r[i]);
	}
	astore(&go, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(r[i].t, NULL);
	for (int i = 0; i < 2; i++) {
		CHECK(WAIT_FOR(aload(&r[i].calls) == 1));
		callout_drain(&r[i].c);
	}
	callout_shutdown();
}

/*
 * callout.h: callout_shutdown() "drop[s] every callout still pending: it
 * is left not pending, and counted in callout_stats.discarded"; a second
 * startup after a shutdown works, and the dropped callouts can be used
 * again.  On both clocks, with callouts on every base, in the due queues
 * as well as in the backend.
 */
static void
test_shutdown_drops_pending_and_restart_works(void)
{
	enum { N = 50 };
	static struct callout c[N];
	int calls = 0;
	struct callout_stats st;

	for (int manual = 1; manual >= 0; manual--) {
		start_runtime(manual, 2, 0);
		for (int i = 0; i < N; i++) {
			callout_init(&c[i], i % 3 == 0 ? 0 : 1);
			mtx_lock(&Giant);
			callout_reset_on(&c[i], 100000 + i, count_fn, &calls, i % 2);
			mtx_unlock(&Giant);
		}
		callout_stats_get(&st);
		CHECK_EQ(st.pending, N);
		callout_shutdown();
		callout_stats_get(&st);		/* the totals of the last runtime */
		CHECK_EQ(st.discarded, N);
		CHECK_EQ(st.pending, 0);
		for (int i = 0; i < N; i++)
			CHECK(!callout_pending(&c[i]));
		CHECK_EQ(aload(&calls), 0);

		/* Again, and the same callouts work. */
		start_runtime(manual, 1, 0);
		for (int i = 0; i < N; i++) {
			mtx_lock(&Giant);
			CHECK_EQ(callout_reset(&c[i], 1 + i % 3, count_fn, &calls), 0);
			mtx_unlock(&Giant);
		}
		if (manual)
			callout_advance(SBT_1S);
		CHECK(WAIT_FOR(aload(&calls) == N));
		for (int i = 0; i < N; i++)
			CHECK_EQ(callout_drain(&c[i]), -1);
		callout_stats_get(&st);
		CHECK_EQ(st.fired, N);
		CHECK_EQ(st.discarded, 0);
		callout_shutdown();
		calls = 0;
	}
}

static void
nop_fn(void *arg)
{
	(void)arg;
}

/*
 * "The callout_stop() and callout_drain() functions always clear both the
 * active and pending flags before returning" - also with no runtime
 * running.  Callouts that expired normally keep their active flag ("it
 * does not clear it when a callout expires normally"), and so through
 * callout_shutdown(); then stop, drain and async drain return -1 (not
 * set, or already serviced), clear the flag, and start no runtime.
 */
static void
test_stop_and_drain_after_shutdown(void)
{
	struct callout c[3];
	int calls = 0;

	start_manual(1, 0);
	for (int i = 0; i < 3; i++) {
		callout_init(&c[i], 1);
		callout_reset(&c[i], 1, count_fn, &calls);
	}
	callout_advance(SBT_1S);
	CHECK_EQ(calls, 3);
	callout_shutdown();
	for (int i = 0; i < 3; i++) {
		CHECK(callout_active(&c[i]));
		CHECK(!callout_pending(&c[i]));
	}
	CHECK_EQ(callout_stop(&c[0]), -1);
	CHECK_EQ(callout_drain(&c[1]), -1);
	CHECK_EQ(callout_async_drain(&c[2], nop_fn), -1);
	for (int i = 0; i < 3; i++)
		CHECK(!callout_active(&c[i]));
	CHECK(callout_backend_current() == NULL);	/* none started */
	CHECK_EQ(calls, 3);
}

static void *
shutdown_main(void *arg)
{
	callout_shutdown();
	astore(arg, 1);
	return NULL;
}

/*
 * callout.h: callout_shutdown() stops the threads "after the functions
 * they are running return".
 */
static void
test_shutdown_waits_for_running_function(void)
{
	struct blocker b = { 0 };
	pthread_t t;
	int returned = 0;

	start_real(2, 0);
	callout_init(&b.c, 1);
	callout_reset(&b.c, 1, blocking_fn, &b);
	CHECK(WAIT_FOR(aload(&b.started)));
	pthread_create(&t, NULL, shutdown_main, &returned);
	sleep_us(5000);
	CHECK(!aload(&returned));
	astore(&b.gate, 1);
	pthread_join(t, NULL);
	CHECK(aload(&b.done));
}

/*
 * callout.h: "Runtime counters, summed over the per-CPU bases": scheduled,
 * "successful resets and schedules"; fired, "callout functions called";
 * pending, "callouts pending now" - on the manual clock, where every
 * number is known.
 */
static void
test_stats(void)
{
	struct callout a, b;
	int calls = 0;
	struct callout_stats st;

	start_manual(2, 0);
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_reset(&a, 1, count_fn, &calls);
	callout_reset_on(&b, 5, count_fn, &calls, 1);
	callout_reset(&a, 2, count_fn, &calls);
	callout_stats_get(&st);
	CHECK_EQ(st.scheduled, 3);
	CHECK_EQ(st.pending, 2);
	CHECK_EQ(st.fired, 0);
	callout_advance(3 * tick_sbt);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, 1);
	CHECK_EQ(st.pending, 1);
	callout_stop(&b);
	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
	CHECK_EQ(st.direct, 0);
	CHECK_EQ(st.cancelled, 0);
	CHECK(st.backend_bytes > 0);
	callout_shutdown();
}

static void
reset_on_missing_cpu(void *arg)
{
	struct callout c;
	int calls = 0;

	(void)arg;
	start_manual(3, 0);
	callout_init(&c, 1);
	callout_reset_on(&c, 1, count_fn, &calls, 2);	/* the third CPU: fine */
	callout_advance(SBT_1S);
	if (calls != 1)
		_exit(3);
	callout_reset_on(&c, 1, count_fn, &calls, 3);	/* there is no fourth */
}

/*
 * DESIGN.md §1, config.ncpus: "per-CPU bases and softclock threads; 0:
 * online CPUs": that many bases, and a CPU outside them is a panic.
 */
static void
test_ncpus(void)
{
	CHECK_PANICS(reset_on_missing_cpu, NULL, "out of range");
}

/*
 * "ticks" counts the ticks since callout_startup; on the real clock there
 * is no tick interrupt, so it is brought up to date when the core reads
 * the clock for ticks (callout_reset's tick arithmetic, callout_when with
 * C_HARDCLOCK) and by the clock thread.  A 10 ms sleep is at least 10 ms,
 * so at least 9 whole ticks more (whatever the load; no upper bound).
 */
static void
test_ticks_on_the_real_clock(void)
{
	sbintime_t w, p;
	int before, after;

	start_real(1, 0);
	callout_when(tick_sbt, 0, C_HARDCLOCK, &w, &p);
	before = ticks_now();
	CHECK(before >= 0);
	sleep_us(10000);
	callout_when(tick_sbt, 0, C_HARDCLOCK, &w, &p);
	after = ticks_now();
	CHECK(after - before >= 9);
	callout_shutdown();
}

/*
 * callout.h: callout_shutdown() leaves a dropped callout "not pending";
 * a new callout_startup() follows.  A callout last assigned to a CPU that
 * the new runtime does not have (restarted with fewer CPUs) is adopted by
 * CPU 0 and works as before.
 */
static void
test_restart_with_fewer_cpus(void)
{
	struct callout c;
	int calls = 0;

	start_manual(3, 0);
	callout_init(&c, 1);
	callout_reset_on(&c, 5, count_fn, &calls, 2);
	callout_shutdown();		/* dropped while on CPU 2 */
	CHECK(!callout_pending(&c));

	start_manual(1, 0);
	CHECK_EQ(callout_stop(&c), -1);
	CHECK_EQ(callout_reset(&c, 5, count_fn, &calls), 0);
	CHECK_EQ(callout_reset(&c, 5, count_fn, &calls), 1);
	callout_advance(SBT_1S);
	CHECK_EQ(calls, 1);
	CHECK_EQ(callout_drain(&c), -1);
	callout_shutdown();
}

int
main(void)
{
	RUN(test_startup_errors);
	RUN(test_backend_names);
	RUN(test_lazy_start_with_defaults);
	RUN(test_lazy_start_after_other_hz);
	RUN(test_concurrent_lazy_start);
	RUN(test_shutdown_drops_pending_and_restart_works);
	RUN(test_stop_and_drain_after_shutdown);
	RUN(test_shutdown_waits_for_running_function);
	RUN(test_stats);
	RUN(test_ncpus);
	RUN(test_ticks_on_the_real_clock);
	RUN(test_restart_with_fewer_cpus);
	return CHECK_EXIT();
}
