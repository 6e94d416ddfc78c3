/*
 * runtime.c - callout_startup() and callout_shutdown(): choosing the
 * backend, building the per-CPU bases and their threads, and the counters.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

struct callout_runtime callout__rt = {
	.advance_lock = PTHREAD_MUTEX_INITIALIZER,
};

/* Serialises startup and shutdown, including the lazy start. */
static pthread_mutex_t startup_lock = PTHREAD_MUTEX_INITIALIZER;

void
callout__panic(const char *fmt, ...)
{
	va_list ap;

	fputs("callout: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static const char *
backend_name(const struct callout_config *cfg)
{
	const char *name = cfg->backend;

	if (name == NULL || *name == '\0')
		name = getenv("CALLOUT_BACKEND");
	if (name == NULL || *name == '\0')
		name = callout_backend_find(CALLOUT_DEFAULT_BACKEND) != NULL ?
		    CALLOUT_DEFAULT_BACKEND : callout_backends[0]->name;
	return name;
}

static int
base_init(struct callout_cpu *cc, int cpu, sbintime_t now)
{
	memset(cc, 0, sizeof(*cc));
	biased_lock_init(&cc->cc_lock);
	cc->cc_cpu = cpu;
	cc->cc_be = callout__rt.ops->create(now);
	if (cc->cc_be == NULL)
		return ENOMEM;
	TAILQ_INIT(&cc->cc_softq);
	TAILQ_INIT(&cc->cc_directq);
	for (int i = 0; i < CE_NSLOTS; i++)
		cc->cc_exec[i].ce_migr_cpu = CPUBLOCK;
	cc->cc_lastexpire = now;
	cc->cc_wake = CC_AWAKE;
	return 0;
}

/* Drop whatever is still pending, then free the base. */
static void
base_fini(struct callout_cpu *cc)
{
	struct callout_tailq left = TAILQ_HEAD_INITIALIZER(left);
	struct callout *c;

	callout__rt.ops->expire(cc->cc_be, SBT_MAX, &left);
	TAILQ_CONCAT(&left, &cc->cc_directq, c_links.tqe);
	TAILQ_CONCAT(&left, &cc->cc_softq, c_links.tqe);
	while ((c = TAILQ_FIRST(&left)) != NULL) {
		TAILQ_REMOVE(&left, c, c_links.tqe);
		ci_clear(c, CALLOUT_PENDING | CI_QUEUED | CI_DIRECT);
		cc->cc_stats.pending--;
		cc->cc_stats.discarded++;
		if (ci_get(c) & CI_LOCAL_ALLOC) {
			ci_clear(c, CI_LOCAL_ALLOC);
			callout__pool_put(c);
		}
	}
	callout__rt.ops->destroy(cc->cc_be);
}

static int
start_thread(pthread_t *t, void *(*fn)(void *), void *arg, int pin_cpu)
{
	pthread_attr_t a;
	int error;

	pthread_attr_init(&a);
	if (pin_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(pin_cpu, &set);
		pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	}
	error = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return error;
}

static void
stop_threads(int nstarted)
{
	struct callout_runtime *rt = &callout__rt;

	for (int i = 0; i < rt->ncpus; i++) {
		struct callout_cpu *cc = &rt->cpus[i];

		cc_lock(cc);
		cc->cc_exiting = true;
		cc_event_signal(&cc->cc_clock_ev, true);
		cc_event_signal(&cc->cc_soft_ev, true);
		cc_unlock(cc);
	}
	for (int i = 0; i < nstarted; i++) {
		pthread_join(rt->cpus[i].cc_clock_thr, NULL);
		pthread_join(rt->cpus[i].cc_soft_thr, NULL);
	}
}

static int
start_threads(int pin)
{
	struct callout_runtime *rt = &callout__rt;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (pin && rt->ncpus > online)
		return EINVAL;
	for (int i = 0; i < rt->ncpus; i++) {
		struct callout_cpu *cc = &rt->cpus[i];
		int error;

		error = start_thread(&cc->cc_clock_thr, callout__clock_thread, cc,
		    pin ? i : -1);
		if (error == 0) {
			error = start_thread(&cc->cc_soft_thr,
			    callout__softclock_thread, cc, pin ? i : -1);
			if (error != 0) {
				stop_threads(i);
				cc_lock(cc);
				cc->cc_exiting = true;
				cc_event_signal(&cc->cc_clock_ev, true);
				cc_unlock(cc);
				pthread_join(cc->cc_clock_thr, NULL);
				return error;
			}
		} else {
			stop_threads(i);
			return error;
		}
	}
	return 0;
}

static int
startup_locked(const struct callout_config *cfg)
{
	struct callout_runtime *rt = &callout__rt;
	static const struct callout_config defaults;
	const struct callout_backend_ops *ops;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	sbintime_t now;
	int ncpus, error, i;

	if (callout__started())
		return EALREADY;
	if (cfg == NULL)
		cfg = &defaults;
	ops = callout_backend_find(backend_name(cfg));
	if (ops == NULL)
		return EINVAL;
	ncpus = cfg->ncpus != 0 ? cfg->ncpus : (int)(online > 0 ? online : 1);
	if (ncpus < 1 || ncpus > 4096 || cfg->hz < 0 || cfg->hz > 1000000)
		return EINVAL;

	rt->ops = ops;
	rt->ncpus = ncpus;
	hz = cfg->hz != 0 ? cfg->hz : 1000;
	tick_sbt = SBT_1S / hz;
	__atomic_store_n(&rt->manual, cfg->manual_clock != 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rt->manual_now, 0, __ATOMIC_RELAXED);
	now = sbinuptime();
	rt->epoch = now;
	callout__ticks_reset();
	memset(&rt->final, 0, sizeof(rt->final));

	rt->cpus = aligned_alloc(64, sizeof(*rt->cpus) * (size_t)ncpus);
	if (rt->cpus == NULL)
		return ENOMEM;
	for (i = 0; i < ncpus; i++) {
		if (base_init(&rt->cpus[i], i, now) != 0) {
			while (--i >= 0)
				base_fini(&rt->cpus[i]);
			free(rt->cpus);
			return ENOMEM;
		}
	}
	if (!cfg->manual_clock && (error = start_threads(cfg->pin)) != 0) {
		for (i = 0; i < ncpus; i++)
			base_fini(&rt->cpus[i]);
		free(rt->cpus);
		return error;
	}
	__atomic_store_n(&rt->started, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&rt->fast, !cfg->manual_clock ||
	    ops->reschedule == NULL ? CC_FAST_OFF :
	    ops->keeps ? CC_FAST_KEEPS : CC_FAST_CALLS, __ATOMIC_RELEASE);
	return 0;
}

int
callout_startup(const struct callout_config *cfg)
{
	int error;

	pthread_mutex_lock(&startup_lock);
	error = startup_locked(cfg);
	pthread_mutex_unlock(&startup_lock);
	return error;
}

void
callout__autostart(void)
{
	int error = callout_startup(NULL);

	if (error == EINVAL) {
		static const struct callout_config defaults;
		callout__panic("cannot start: unknown backend \"%s\" "
		    "(set $CALLOUT_BACKEND to one of callout_backend_names())",
		    backend_name(&defaults));
	}
	if (error != 0 && error != EALREADY)
		callout__panic("cannot start: %s", strerror(error));
}

static void
stats_add(struct callout_stats *sum, const struct callout_stats *s)
{
	sum->scheduled += s->scheduled;
	sum->fired += s->fired;
	sum->direct += s->direct;
	sum->cancelled += s->cancelled;
	sum->migrated += s->migrated;
	sum->wakeups += s->wakeups;
	sum->failed += s->failed;
	sum->pending += s->pending;
	sum->discarded += s->discarded;
	sum->backend_bytes += s->backend_bytes;
	sum->lock_biased += s->lock_biased;
	sum->lock_revoked += s->lock_revoked;
}

/* The base's counters with its lock's; base lock held. */
static const struct callout_stats *
base_stats(struct callout_cpu *cc)
{
	cc_assert_locked(cc, __func__);
	cc->cc_stats.lock_biased = cc->cc_lock.grants;
	cc->cc_stats.lock_revoked = cc->cc_lock.revokes;
	return &cc->cc_stats;
}

static void
stats_locked(struct callout_stats *st)
{
	struct callout_runtime *rt = &callout__rt;

	memset(st, 0, sizeof(*st));
	if (!callout__started()) {
		*st = rt->final;
		return;
	}
	for (int i = 0; i < rt->ncpus; i++) {
		struct callout_cpu *cc = &rt->cpus[i];

		cc_lock(cc);
		cc->cc_stats.backend_bytes = rt->ops->footprint(cc->cc_be);
		stats_add(st, base_stats(cc));
		cc_unlock(cc);
	}
}

void
callout_stats_get(struct callout_stats *st)
{
	pthread_mutex_lock(&startup_lock);
	stats_locked(st);
	pthread_mutex_unlock(&startup_lock);
}

void
callout_shutdown(void)
{
	struct callout_runtime *rt = &callout__rt;
	struct callout_stats total = { 0 };

	pthread_mutex_lock(&startup_lock);
	if (!callout__started()) {
		pthread_mutex_unlock(&startup_lock);
		return;
	}
	__atomic_store_n(&rt->fast, CC_FAST_OFF, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&rt->manual, __ATOMIC_RELAXED))
		stop_threads(rt->ncpus);
	for (int i = 0; i < rt->ncpus; i++) {
		struct callout_cpu *cc = &rt->cpus[i];

		cc_lock(cc);
		base_stats(cc);
		cc_unlock(cc);
		base_fini(cc);
		stats_add(&total, &cc->cc_stats);
	}
	biased_lock_forget_homes();
	free(rt->cpus);
	rt->cpus = NULL;
	rt->final = total;
	__atomic_store_n(&rt->manual, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rt->started, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&startup_lock);
}

/* ------------------------------------------------------ backend names */

static const char *names[16];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void
names_fill(void)
{
	for (int i = 0; callout_backends[i] != NULL && i < 15; i++)
		names[i] = callout_backends[i]->name;
}

const char *const *
callout_backend_names(void)
{
	pthread_once(&names_once, names_fill);
	return names;
}

const char *
callout_backend_description(const char *name)
{
	const struct callout_backend_ops *ops = callout_backend_find(name);

	return ops != NULL ? ops->description : NULL;
}

const char *
callout_backend_current(void)
{
	return callout__started() ? callout__rt.ops->name : NULL;
}
