/*
 * manpage_cpu.c - softclock threads and CPU assignment: the initial CPU,
 * the _on and _curcpu variants, the plain variants that keep the CPU,
 * pinning, and (DESIGN.md §2) a callout rescheduled onto another CPU
 * while it runs, which moves only after it returns.
 *
 * With config.pin the softclock thread of CPU i runs on CPU i only, so a
 * callout function's sched_getcpu() says which CPU's softclock runs it.
 */
#include <stdlib.h>

#include "manpage.h"

#include "heap/heap.h"		/* callout_heap_realloc: make growth fail */

static int online_cpus;

static int
start_pinned(void)
{
	struct callout_config cfg = { .ncpus = 2, .pin = 1 };
	int error = callout_startup(&cfg);

	CHECK_EQ(error, 0);
	return error == 0;
}

struct where {
	struct callout c;
	int n;		/* atomic: calls so far */
	int want;	/* calls scheduled so far (the test's count) */
	int cpu[8];	/* of call n % 8 */
	pthread_t thr[8];
};

static void
where_fn(void *arg)
{
	struct where *w = arg;
	int i = aload(&w->n) % 8;

	w->cpu[i] = sched_getcpu();
	w->thr[i] = pthread_self();
	ainc(&w->n);
}

/*
 * Wait for the invocation of w just scheduled (it may have run already)
 * and return its CPU.  Every scheduling of w is followed by one ran_on.
 */
static int
ran_on(struct where *w)
{
	int want = ++w->want;

	CHECK(WAIT_FOR(aload(&w->n) >= want));
	CHECK_EQ(callout_drain(&w->c), -1);
	CHECK_EQ(aload(&w->n), want);
	return w->cpu[(want - 1) % 8];
}

static void
pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu < 0) {
		for (int i = 0; i < online_cpus; i++)
			CPU_SET(i, &set);
	} else
		CPU_SET(cpu, &set);
	CHECK_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
}

/*
 * "The callout subsystem provides a softclock thread for each CPU in the
 * system. Callouts are assigned to a single CPU and are executed by the
 * softclock thread for that CPU. Initially, callouts are assigned to CPU
 * 0."
 */
static void
test_initially_cpu0_one_thread_per_cpu(void)
{
	struct where w0 = { 0 }, w1 = { 0 };

	if (!start_pinned())
		return;
	callout_init(&w0.c, 1);
	callout_init(&w1.c, 1);
	for (int k = 0; k < 3; k++) {
		callout_reset(&w0.c, 1, where_fn, &w0);		/* never assigned */
		CHECK_EQ(ran_on(&w0), 0);
		callout_reset_on(&w1.c, 1, where_fn, &w1, 1);
		CHECK_EQ(ran_on(&w1), 1);
	}
	/* One thread per CPU, the same for every call there. */
	CHECK(pthread_equal(w0.thr[0], w0.thr[1]) && pthread_equal(w0.thr[1], w0.thr[2]));
	CHECK(pthread_equal(w1.thr[0], w1.thr[1]) && pthread_equal(w1.thr[1], w1.thr[2]));
	CHECK(!pthread_equal(w0.thr[0], w1.thr[0]));
	CHECK(!pthread_equal(w0.thr[0], pthread_self()));
	callout_shutdown();
}

/*
 * "The callout_reset_on(), callout_reset_sbt_on(), callout_schedule_on()
 * and callout_schedule_sbt_on() functions assign the callout to CPU cpu.
 * ... The callout_reset(), callout_reset_sbt(), callout_schedule() and
 * callout_schedule_sbt() functions schedule the callout to execute in the
 * softclock thread of the CPU to which it is currently assigned."
 */
static void
test_on_variants_assign_and_plain_variants_keep(void)
{
	struct where w = { 0 };

	if (!start_pinned())
		return;
	callout_init(&w.c, 1);
	for (int cpu = 1; cpu >= 0; cpu--) {
		callout_reset_on(&w.c, 1, where_fn, &w, cpu);
		CHECK_EQ(ran_on(&w), cpu);
		callout_reset(&w.c, 1, where_fn, &w);
		CHECK_EQ(ran_on(&w), cpu);
		callout_reset_sbt(&w.c, SBT_1MS, 0, where_fn, &w, 0);
		CHECK_EQ(ran_on(&w), cpu);
		callout_schedule(&w.c, 1);
		CHECK_EQ(ran_on(&w), cpu);
		callout_schedule_sbt(&w.c, SBT_1MS, 0, 0);
		CHECK_EQ(ran_on(&w), cpu);

		callout_reset_sbt_on(&w.c, SBT_1MS, 0, where_fn, &w, 1 - cpu, 0);
		CHECK_EQ(ran_on(&w), 1 - cpu);
		callout_schedule_on(&w.c, 1, cpu);
		CHECK_EQ(ran_on(&w), cpu);
		callout_schedule_sbt_on(&w.c, SBT_1MS, 0, 1 - cpu, 0);
		CHECK_EQ(ran_on(&w), 1 - cpu);
		/* A pending callout moved by a reset onto the other CPU. */
		callout_reset_on(&w.c, 20, where_fn, &w, 1 - cpu);
		CHECK_EQ(callout_reset_on(&w.c, 1, where_fn, &w, cpu), 1);
		CHECK_EQ(ran_on(&w), cpu);
	}
	callout_shutdown();
}

/*
 * "The callout_reset_curcpu(), callout_reset_sbt_curcpu(),
 * callout_schedule_curcpu() and callout_schedule_sbt_curcpu() functions
 * assign the callout to the current CPU."  The test pins itself to each
 * CPU in turn.
 */
static void
test_curcpu_variants(void)
{
	struct where w = { 0 };

	if (!start_pinned())
		return;
	callout_init(&w.c, 1);
	callout_reset(&w.c, 1, where_fn, &w);
	CHECK_EQ(ran_on(&w), 0);
	for (int round = 0; round < 2; round++) {
		for (int cpu = 1; cpu >= 0; cpu--) {
			pin_self(cpu);
			CHECK_EQ(sched_getcpu(), cpu);
			switch (round * 2 + (cpu == 0)) {
			case 0: callout_reset_curcpu(&w.c, 1, where_fn, &w); break;
			case 1: callout_reset_sbt_curcpu(&w.c, SBT_1MS, 0, where_fn, &w, 0); break;
			case 2: callout_schedule_curcpu(&w.c, 1); break;
			default: callout_schedule_sbt_curcpu(&w.c, SBT_1MS, 0, 0); break;
			}
			pin_self(-1);
			CHECK_EQ(ran_on(&w), cpu);
		}
	}
	callout_shutdown();
}

struct affinity {
	struct callout c;
	int ncpu_allowed;
	int cpu;
	int done;
};

static void
affinity_fn(void *arg)
{
	struct affinity *a = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
	a->ncpu_allowed = CPU_COUNT(&set);
	a->cpu = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			a->cpu = i;
			break;
		}
	astore(&a->done, 1);
}

/*
 * "Softclock threads are not pinned to their respective CPUs by default.
 * The softclock thread for CPU 0 can be pinned to CPU 0 ... Softclock
 * threads for CPUs other than zero can be pinned to their respective
 * CPUs" (here: config.pin instead of the loader tunables).
 */
static void
test_pinning(void)
{
	struct affinity a;
	cpu_set_t mine;

	CPU_ZERO(&mine);
	sched_getaffinity(0, sizeof(mine), &mine);

	start_real(2, 0);	/* default: not pinned */
	for (int cpu = 0; cpu < 2; cpu++) {
		memset(&a, 0, sizeof(a));
		callout_init(&a.c, 1);
		callout_reset_on(&a.c, 1, affinity_fn, &a, cpu);
		CHECK(WAIT_FOR(aload(&a.done)));
		CHECK_EQ(a.ncpu_allowed, CPU_COUNT(&mine));
		callout_drain(&a.c);
	}
	callout_shutdown();

	if (!start_pinned())
		return;
	for (int cpu = 0; cpu < 2; cpu++) {
		memset(&a, 0, sizeof(a));
		callout_init(&a.c, 1);
		callout_reset_on(&a.c, 1, affinity_fn, &a, cpu);
		CHECK(WAIT_FOR(aload(&a.done)));
		CHECK_EQ(a.ncpu_allowed, 1);
		CHECK_EQ(a.cpu, cpu);
		callout_drain(&a.c);
	}
	callout_shutdown();
}

/* ------------------------------------------- migration while running */

struct mover {
	struct callout c;
	int calls, inside, max_inside;
	int started, gate;
	int cpu[4];
	pthread_t thr[4];
};

static void
mover_fn(void *arg)
{
	struct mover *m = arg;
	int i = aload(&m->calls);
	int in = ainc(&m->inside);

	if (in > aload(&m->max_inside))
		astore(&m->max_inside, in);
	if (i < 4) {
		m->cpu[i] = sched_getcpu();
		m->thr[i] = pthread_self();
	}
	ainc(&m->calls);
	if (i == 0) {
		astore(&m->started, 1);
		CHECK(WAIT_FOR(aload(&m->gate)));
	}
	__atomic_sub_fetch(&m->inside, 1, __ATOMIC_ACQ_REL);
}

/*
 * DESIGN.md §2: "A callout runs on at most one CPU at a time, also when it
 * is rescheduled to another CPU while running (FreeBSD defers that
 * migration)."  Rescheduled onto CPU 1 while running on CPU 0, the next
 * run waits for the first to return (it is due long before), then runs on
 * CPU 1.  A second reset meanwhile replaces the deferred one (returns 1).
 */
static void
test_migration_while_running_is_deferred(void)
{
	struct mover m = { 0 };
	struct callout_stats st0, st1;

	if (!start_pinned())
		return;
	callout_stats_get(&st0);
	callout_init(&m.c, 1);
	callout_reset_on(&m.c, 1, mover_fn, &m, 0);
	CHECK(WAIT_FOR(aload(&m.started)));
	CHECK_EQ(callout_reset_on(&m.c, 1, mover_fn, &m, 1), 0);
	CHECK(callout_pending(&m.c));
	CHECK_EQ(callout_reset_sbt_on(&m.c, 0, 0, mover_fn, &m, 1, 0), 1);
	CHECK(callout_pending(&m.c));
	sleep_us(10000);		/* long past due on CPU 1... */
	CHECK_EQ(aload(&m.calls), 1);	/* ...but not while it runs on 0 */
	astore(&m.gate, 1);
	CHECK(WAIT_FOR(aload(&m.calls) == 2));
	CHECK_EQ(callout_drain(&m.c), -1);
	CHECK_EQ(aload(&m.max_inside), 1);
	CHECK_EQ(m.cpu[0], 0);
	CHECK_EQ(m.cpu[1], 1);
	CHECK(!pthread_equal(m.thr[0], m.thr[1]));
	/* And it stays on CPU 1. */
	callout_schedule(&m.c, 1);
	CHECK(WAIT_FOR(aload(&m.calls) == 3));
	CHECK_EQ(callout_drain(&m.c), -1);
	CHECK_EQ(m.cpu[2], 1);
	callout_stats_get(&st1);
	CHECK_EQ(st1.migrated - st0.migrated, 1);
	callout_shutdown();
}

static void *
drain_main(void *arg)
{
	return (void *)(intptr_t)callout_drain(arg);
}

/*
 * "If the callout is currently being serviced and cannot be stopped, and
 * at the same time a next invocation of the same callout is also
 * scheduled, then callout_stop() unschedules the next run and returns
 * zero."  A deferred migration (DESIGN.md §2) is such a next run:
 * callout_stop() unschedules it and returns 0, callout_drain() removes it
 * (0); it never runs.
 */
static void
test_deferred_migration_can_be_stopped(void)
{
	if (!start_pinned())
		return;
	for (int k = 0; k < 2; k++) {
		struct mover m = { 0 };

		callout_init(&m.c, 1);
		callout_reset_on(&m.c, 1, mover_fn, &m, 0);
		CHECK(WAIT_FOR(aload(&m.started)));
		CHECK_EQ(callout_reset_on(&m.c, 1, mover_fn, &m, 1), 0);
		if (k == 0) {
			CHECK_EQ(callout_stop(&m.c), 0);
			CHECK(!callout_pending(&m.c));
			astore(&m.gate, 1);
			CHECK_EQ(callout_drain(&m.c), -1);
		} else {
			pthread_t t;
			void *r;

			pthread_create(&t, NULL, drain_main, &m.c);
			/* Drain removes the next run before it waits. */
			CHECK(WAIT_FOR(!callout_pending(&m.c)));
			astore(&m.gate, 1);
			pthread_join(t, &r);
			CHECK_EQ((intptr_t)r, 0);
		}
		sleep_us(5000);
		CHECK_EQ(aload(&m.calls), 1);
	}
	callout_shutdown();
}

/* The manual clock's deferred migration, observed through c_cpu. */
static struct callout self_mover;
static int self_mover_calls;

static void
self_mover_fn(void *arg)
{
	(void)arg;
	self_mover_calls++;
	if (self_mover_calls == 1) {
		callout_reset_sbt_on(&self_mover, 0, 0, self_mover_fn, NULL, 1, 0);
		CHECK_EQ(self_mover.c_cpu, 0);	/* not yet: it runs on 0 */
	}
}

/*
 * DESIGN.md §2: "A callout runs on at most one CPU at a time, also when it
 * is rescheduled to another CPU while running (FreeBSD defers that
 * migration)."  On the manual clock, from the function itself: still on
 * CPU 0 while it runs, on CPU 1 right after (seen through c_cpu), and due
 * at once, so it runs again in the same callout_advance.
 */
static void
test_manual_clock_migration_from_own_function(void)
{
	start_manual(2, 0);
	self_mover_calls = 0;
	callout_init(&self_mover, 1);
	CHECK_EQ(self_mover.c_cpu, 0);
	callout_reset(&self_mover, 1, self_mover_fn, NULL);
	callout_advance(SBT_1S);
	CHECK_EQ(self_mover_calls, 2);		/* ran again, at once */
	CHECK_EQ(self_mover.c_cpu, 1);		/* on CPU 1 */
	callout_shutdown();
}


/* ------------------------- a deferred migration that cannot be inserted */

static struct callout nomem_c;
static int nomem_calls, nomem_ret;

static void *
failing_realloc(void *p, size_t n)
{
	(void)p;
	(void)n;
	return NULL;
}

static void
nomem_fn(void *arg)
{
	(void)arg;
	nomem_calls++;
	if (nomem_calls == 1)
		nomem_ret = callout_reset_sbt_on(&nomem_c, SBT_1MS, 0, nomem_fn,
		    NULL, 1, 0);
}

/*
 * callout.h, callout_stats.failed: "resets refused for lack of memory
 * (heap growth)"; core: a refused insert leaves "the callout stopped".
 * That must hold for a reset onto another CPU while the function runs,
 * whose insert happens later, after the function returns: the callout is
 * then neither pending nor in any structure, and stopping it is a no-op
 * (-1), not a remove of something the heap does not hold.  Only the heap
 * backends (heap, heap4) can refuse an insert.
 */
static void
test_deferred_migration_refused_for_lack_of_memory(void)
{
	enum { FILL = 64 };	/* heap.c: HEAP_INITIAL, the first capacity */
	static struct callout fill[FILL];
	const char *be;
	struct callout_stats st;
	int n = 0;

	start_manual(2, 0);
	be = callout_backend_current();
	if (strcmp(be, "heap") != 0 && strcmp(be, "heap4") != 0) {
		printf("  (%s never refuses an insert: only the heaps can)\n", be);
		callout_shutdown();
		return;
	}
	/* Base 1's heap full: its next insert must grow the array. */
	for (int i = 0; i < FILL; i++) {
		callout_init(&fill[i], 1);
		callout_reset_sbt_on(&fill[i], SBT_1S * (100 + i), 0, nomem_fn,
		    NULL, 1, 0);
	}
	nomem_calls = 0;
	callout_init(&nomem_c, 1);
	callout_reset(&nomem_c, 1, nomem_fn, NULL);
	callout_heap_realloc = failing_realloc;
	callout_advance(10 * SBT_1MS);
	callout_heap_realloc = realloc;
	CHECK_EQ(nomem_calls, 1);
	CHECK_EQ(nomem_ret, 0);
	callout_stats_get(&st);
	CHECK_EQ(st.failed, 1);
	CHECK_EQ(st.pending, FILL);
	CHECK(!callout_pending(&nomem_c));	/* stopped, as refused */
	if (!callout_pending(&nomem_c)) {	/* (else a stop would corrupt) */
		CHECK_EQ(callout_stop(&nomem_c), -1);
		/* The callout and the heap work on. */
		CHECK_EQ(callout_reset_on(&nomem_c, 1, nomem_fn, NULL, 1), 0);
		callout_advance(10 * SBT_1MS);
		CHECK_EQ(nomem_calls, 2);
	}
	for (int i = 0; i < FILL; i++)
		n += callout_stop(&fill[i]) == 1;
	CHECK_EQ(n, FILL);
	callout_shutdown();
}

int
main(void)
{
	online_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (online_cpus < 2) {
		printf("one CPU online: the CPU tests need two\n");
		return 77;
	}
	RUN(test_initially_cpu0_one_thread_per_cpu);
	RUN(test_on_variants_assign_and_plain_variants_keep);
	RUN(test_curcpu_variants);
	RUN(test_pinning);
	RUN(test_migration_while_running_is_deferred);
	RUN(test_deferred_migration_can_be_stopped);
	RUN(test_manual_clock_migration_from_own_function);
	RUN(test_deferred_migration_refused_for_lack_of_memory);
	return CHECK_EXIT();
}
