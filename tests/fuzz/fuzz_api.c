/*
 * fuzz_api.c - libFuzzer target: a sequence of callout(9) API calls,
 * decoded from the input, replayed on `list` and on every other backend
 * (manual clock); every backend must do exactly what list does.
 *
 * Input (bytes past the end read as 0):
 *   byte 0           bit 0: ncpus 1 or 2; bits 1-2: hz 1000, 100, 1024, 250
 *   then ops         [op] [target] operands...   (at most MAXOPS)
 *     op % NOP       reset ticks | reset sbt | schedule ticks | schedule sbt
 *                    | stop | drain | async drain | deactivate | advance
 *     target         bits 0-2: callout (of NCALLOUT), bit 3: CPU,
 *                    bits 4-6: what its function does when it fires
 *                    (nothing, re-arm itself (reset or schedule, maybe
 *                    onto the other CPU), re-arm then stop, re-arm then
 *                    async-drain, deactivate, stop) and, in the next byte,
 *                    how often (1-4 times per arming) and with what delay
 *   operands         a delay class and value (sub-tick to ~2^63, negative,
 *                    SBT_MAX - x), flags (C_ABSOLUTE in the future or the
 *                    past, C_HARDCLOCK, C_DIRECT_EXEC on the callouts
 *                    with no lock, C_PREL(n), C_PRECALC through
 *                    callout_when), a precision; for an advance: small,
 *                    ticks, ms, s, 5e6 ticks, days, 2^30 s units, or up to
 *                    SBT_MAX.
 * The callouts: 0-3 mpsafe, 4 a mutex, 5 a mutex with
 * CALLOUT_RETURNUNLOCKED, 6 an rwlock with CALLOUT_SHAREDLOCK, 7 Giant.
 * Calls from outside are made holding the callout's lock (drain without).
 *
 * Each run records a log: every firing and async-drain callback (callout,
 * simulated time), every return value, callout_pending/active after each
 * call, and at the end the flags and the counters.  Within an instant the
 * entries are put in one canonical order (as tests/differential.c does):
 * callouts due together may run in any order.  A function only acts on its
 * own callout, so that order cannot change what happens.
 *
 * Checked within each run (abort() on failure: libFuzzer reports it):
 *   - a callout fires only when armed, exactly at its deadline (the time
 *     callout_when() gave when it was armed, or the time of arming if that
 *     was earlier, below SBT_MAX);
 *   - return values from outside are the page's: reset/schedule 1 iff it
 *     was pending; stop/drain/async drain 1 if pending, else -1; from its
 *     own function, stop and async drain return 0;
 *   - armed == fired + stopped + rearmed + pending at the end, and
 *     callout_shutdown() discards exactly the pending ones;
 *   - the backend's check() after every advance;
 * and across runs: the canonical logs of every backend equal list's.
 *
 * Without libFuzzer, tests/fuzz/replay_main.c feeds files to
 * LLVMFuzzerTestOneInput (the 'fuzz-corpus' test suite); with
 * FUZZ_API_TRACE set in the environment it prints list's log.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../backends_intact.h"
#include "../firelog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCALLOUT	8
#define MAXOPS		400

enum op {
	OP_RESET_TICKS, OP_RESET_SBT, OP_SCHED_TICKS, OP_SCHED_SBT, OP_STOP,
	OP_DRAIN, OP_ASYNC_DRAIN, OP_DEACTIVATE, OP_ADVANCE, OP_ADVANCE2, NOP
};

/* What a callout's function does when it fires. */
enum act {
	A_NONE, A_RESET, A_SCHEDULE, A_RESET_STOP, A_RESET_ASYNC, A_DEACTIVATE,
	A_STOP, A_RESET_OTHER_CPU
};

enum kind {
	K_FIRE, K_DRAINFN, K_STATE, K_RET, K_END = K_RET + NOP + 16, K_STATS
};

struct log {
	struct fire_event *ev;
	size_t n, cap;
};

struct timer {
	struct callout c;
	int id;
	int act, left;		/* what its function does, how often more */
	int act_cpu;		/* CPU for A_RESET_OTHER_CPU */
	int act_spec;		/* delay of its re-arms */
	bool armed;		/* shadow: pending as far as we know */
	bool drain_due;		/* async drain asked while running */
	sbintime_t due;		/* shadow: when it must fire */
};

struct count {
	long armed, fired, stopped, rearmed;
};

static struct timer timers[NCALLOUT];
static struct mtx mtx_a;
static struct rwlock rw_a;
static struct log logs[2];	/* [0]: list, [1]: the backend compared */
static struct log *cur;
static struct count cnt;
static int in_callout;
static int ncpus;
static const char *backend;

static void __attribute__((format(printf, 1, 2), noreturn))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_api [%s, %d cpu]: ", backend, ncpus);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void
record(int kind, int id, long long value, bool timed)
{
	if (cur->n == cur->cap) {
		cur->cap = cur->cap ? cur->cap * 2 : 1024;
		cur->ev = realloc(cur->ev, cur->cap * sizeof(*cur->ev));
		if (cur->ev == NULL)
			abort();
	}
	cur->ev[cur->n++] = (struct fire_event){ timed ? sbinuptime() : -1, id, kind,
	    value };
}

/* ------------------------------------------------------------ input */

struct input {
	const uint8_t *p;
	size_t n, i;
};

static unsigned
u8(struct input *in)
{
	return in->i < in->n ? in->p[in->i++] : 0;
}

static unsigned
u16(struct input *in)
{
	unsigned v = u8(in);

	return v | u8(in) << 8;
}

static uint32_t
u32(struct input *in)
{
	uint32_t v = u16(in);

	return v | (uint32_t)u16(in) << 16;
}

static sbintime_t
add_sat(sbintime_t a, sbintime_t b)
{
	if (b > 0 && a > SBT_MAX - b)
		return SBT_MAX;
	return a + b;
}

static sbintime_t
decode_sbt(struct input *in)
{
	unsigned cls = u8(in) % 8;

	switch (cls) {
	case 0: return 0;
	case 1: return (sbintime_t)u16(in) << 4;		/* sub-tick */
	case 2: return (sbintime_t)(u16(in) % 5000) * SBT_1MS;
	case 3: return (sbintime_t)u16(in) * SBT_1S;		/* to 18 h */
	case 4: return (sbintime_t)u16(in) * 3600 * SBT_1S;	/* to 7 years */
	case 5: return (sbintime_t)u32(in) << 31;		/* to ~2^63 */
	case 6: return SBT_MAX - (sbintime_t)u16(in);
	default: return -(sbintime_t)u16(in) * SBT_1MS;		/* negative */
	}
}

static int
decode_ticks(struct input *in)
{
	switch (u8(in) % 4) {
	case 0: return (int)u8(in);
	case 1: return (int)u16(in);
	case 2: return (int)u32(in);		/* any int, INT_MAX, negative */
	default: return -(int)u8(in);
	}
}

static sbintime_t
decode_advance(struct input *in)
{
	sbintime_t now = sbinuptime();

	switch (u8(in) % 8) {
	case 0: return (sbintime_t)u16(in) << 8;
	case 1: return (sbintime_t)(u8(in) % 100) * tick_sbt;
	case 2: return (sbintime_t)u8(in) * SBT_1MS;
	case 3: return (sbintime_t)u16(in) * SBT_1S;
	case 4: return 5000000 * tick_sbt;
	case 5: return (sbintime_t)u8(in) * 86400 * SBT_1S;
	case 6: return (sbintime_t)(u8(in) & 7) << 60;
	default: {
		unsigned back = u8(in);

		/* Up to SBT_MAX, or just short of it. */
		return SBT_MAX - now > (sbintime_t)back ? SBT_MAX - now - back : 0;
	}
	}
}

/* ------------------------------------------------------ the callouts */

static void
lock(struct timer *t)
{
	switch (t->id) {
	case 4: case 5: mtx_lock(&mtx_a); break;
	case 6: rw_wlock(&rw_a); break;
	case 7: mtx_lock(&Giant); break;
	}
}

static void
unlock(struct timer *t)
{
	switch (t->id) {
	case 4: case 5: mtx_unlock(&mtx_a); break;
	case 6: rw_wunlock(&rw_a); break;
	case 7: mtx_unlock(&Giant); break;
	}
}

static void fire(void *arg);
static void drained(void *arg);

/* The deadline the core must keep for an arming made now with `when`
 * (callout_when's result): a past one is due now, and deadlines stay
 * below SBT_MAX unless the clock is there already. */
static sbintime_t
expected_due(sbintime_t when)
{
	sbintime_t now = sbinuptime();

	if (when > SBT_MAX - 1)
		when = SBT_MAX - 1;
	return when < now ? now : when;
}

static void
after_arm(struct timer *t, int ret, bool pending_before, sbintime_t when,
    int opkind)
{
	bool pending = callout_pending(&t->c) != 0;

	record(K_RET + opkind, t->id, ret, in_callout);
	if (ret != (pending_before ? 1 : 0))
		fail("callout %d: reset/schedule returned %d, pending before: %d",
		    t->id, ret, pending_before);
	if (pending_before)
		cnt.rearmed++;
	if (pending) {
		cnt.armed++;
		t->armed = true;
		t->due = expected_due(when);
	} else {
		t->armed = false;
	}
}

/* callout_reset_sbt_on / callout_schedule_sbt_on with flags decoded from
 * f; C_PRECALC goes through callout_when first. */
static void
arm_sbt(struct timer *t, bool sched, sbintime_t sbt, sbintime_t pr, unsigned f,
    unsigned prel, int cpu)
{
	int flags = 0, ret;
	sbintime_t when, prec;
	bool before = callout_pending(&t->c) != 0;

	if (f & 1) {
		flags |= C_ABSOLUTE;
		sbt = (f & 0x20) ? sbinuptime() - (sbt < 0 ? -sbt : sbt) :
		    add_sat(sbinuptime(), sbt < 0 ? -sbt : sbt);
	}
	if (f & 2)
		flags |= C_HARDCLOCK;
	if ((f & 4) && t->c.c_lock == NULL)	/* a tied lock refuses it */
		flags |= C_DIRECT_EXEC;
	if (f & 8)
		flags |= C_PREL(prel % 64);
	callout_when(sbt, pr, flags, &when, &prec);
	if (f & 0x40) {
		sbt = when;
		pr = prec;
		flags |= C_PRECALC;
	}
	if (sched)
		ret = callout_schedule_sbt_on(&t->c, sbt, pr, cpu, flags);
	else
		ret = callout_reset_sbt_on(&t->c, sbt, pr, fire, t, cpu, flags);
	after_arm(t, ret, before, when, sched ? OP_SCHED_SBT : OP_RESET_SBT);
}

static void
arm_ticks(struct timer *t, bool sched, int n, int cpu)
{
	sbintime_t when, prec;
	bool before = callout_pending(&t->c) != 0;
	int ret;

	callout_when(tick_sbt * n, 0, C_HARDCLOCK, &when, &prec);
	if (sched)
		ret = callout_schedule_on(&t->c, n, cpu);
	else
		ret = callout_reset_on(&t->c, n, fire, t, cpu);
	after_arm(t, ret, before, when, sched ? OP_SCHED_TICKS : OP_RESET_TICKS);
}

/* stop, drain, async drain: returns what the call returned. */
static int
stop_like(struct timer *t, enum op op)
{
	bool before = callout_pending(&t->c) != 0;
	int ret;

	switch (op) {
	case OP_STOP: ret = callout_stop(&t->c); break;
	case OP_DRAIN: ret = callout_drain(&t->c); break;
	default: ret = callout_async_drain(&t->c, drained); break;
	}
	record(K_RET + op, t->id, ret, in_callout);
	if (before) {
		cnt.stopped++;
		t->armed = false;
	}
	if (callout_pending(&t->c) || callout_active(&t->c))
		fail("callout %d: pending or active after op %d", t->id, op);
	if (!in_callout && ret != (before ? 1 : -1))
		fail("callout %d: op %d returned %d, pending before: %d", t->id, op,
		    ret, before);
	if (in_callout && ret != 0)
		fail("callout %d: op %d from its own function returned %d", t->id,
		    op, ret);
	return ret;
}

/* callout_async_drain's function: once, after the running call. */
static void
drained(void *arg)
{
	struct timer *t = arg;

	if (!t->drain_due)
		fail("callout %d: drain function called unasked", t->id);
	t->drain_due = false;
	record(K_DRAINFN, t->id, 0, true);
}

static void
fire(void *arg)
{
	struct timer *t = arg;
	sbintime_t now = sbinuptime();

	if (!t->armed)
		fail("callout %d fired at %lld but was not armed", t->id,
		    (long long)now);
	if (now != t->due)
		fail("callout %d fired at %lld, due at %lld", t->id, (long long)now,
		    (long long)t->due);
	t->armed = false;
	cnt.fired++;
	record(K_FIRE, t->id, 0, true);

	in_callout++;
	if (t->left > 0) {
		int spec = t->act_spec, k = spec & 3, v = spec >> 2;
		sbintime_t d = k == 0 ? 0 : k == 1 ? v * SBT_1MS :
		    k == 2 ? v * tick_sbt : v * SBT_1S;

		t->left--;
		switch (t->act) {
		case A_RESET:
			arm_sbt(t, false, d, 0, (unsigned)spec & 6, 0, -1);
			break;
		case A_SCHEDULE:
			arm_ticks(t, true, v, -1);
			break;
		case A_RESET_STOP:
			arm_sbt(t, false, d, 0, 0, 0, -1);
			stop_like(t, OP_STOP);
			break;
		case A_RESET_ASYNC:
			arm_sbt(t, false, d, 0, 0, 0, -1);
			stop_like(t, OP_ASYNC_DRAIN);
			t->drain_due = true;
			/* A drain is now pending: a reset does not arm. */
			arm_sbt(t, false, d, 0, 0, 0, -1);
			break;
		case A_DEACTIVATE:
			callout_deactivate(&t->c);
			record(K_RET + NOP + A_DEACTIVATE, t->id, 0, true);
			break;
		case A_STOP:
			stop_like(t, OP_STOP);
			break;
		case A_RESET_OTHER_CPU:
			arm_sbt(t, false, d, 0, (unsigned)spec & 4, 0, t->act_cpu);
			break;
		}
	}
	in_callout--;
	if (t->id == 5)
		mtx_unlock(&mtx_a);	/* CALLOUT_RETURNUNLOCKED */
}

static void
record_state(struct timer *t)
{
	record(K_STATE, t->id, (callout_pending(&t->c) ? 2 : 0) |
	    (callout_active(&t->c) ? 1 : 0), false);
}

static void
check_backends(void)
{
	int cpu;
	const char *why = backends_broken(&cpu);

	if (why != NULL)
		fail("check: %s", why);
}

/* ---------------------------------------------------------- one run */

static void
one_op(struct input *in)
{
	enum op op = (enum op)(u8(in) % NOP);
	unsigned tb, extra;
	struct timer *t;
	int cpu;

	if (op == OP_ADVANCE || op == OP_ADVANCE2) {
		callout_advance(decode_advance(in));
		record(K_RET + OP_ADVANCE, -1, sbinuptime(), false);
		check_backends();
		return;
	}
	tb = u8(in);
	t = &timers[tb % NCALLOUT];
	cpu = (int)((tb >> 3) & 1) % ncpus;
	switch (op) {
	case OP_RESET_TICKS:
	case OP_RESET_SBT:
		extra = u8(in);
		t->act = (tb >> 4) & 7;
		t->left = 1 + (extra & 3);
		t->act_spec = (int)(extra >> 2);
		t->act_cpu = (cpu + 1) % ncpus;
		lock(t);
		if (op == OP_RESET_TICKS) {
			arm_ticks(t, false, decode_ticks(in), cpu);
		} else {
			sbintime_t sbt = decode_sbt(in);
			unsigned f = u8(in), prel = u8(in);
			sbintime_t pr = (sbintime_t)u16(in) << (f >> 7 ? 20 : 4);

			arm_sbt(t, false, sbt, pr, f, prel, cpu);
		}
		unlock(t);
		break;
	case OP_SCHED_TICKS:
	case OP_SCHED_SBT:
		if (t->c.c_func == NULL)	/* callout_reset first */
			break;
		lock(t);
		if (op == OP_SCHED_TICKS) {
			arm_ticks(t, true, decode_ticks(in), cpu);
		} else {
			sbintime_t sbt = decode_sbt(in);
			unsigned f = u8(in), prel = u8(in);

			arm_sbt(t, true, sbt, 0, f, prel, cpu);
		}
		unlock(t);
		break;
	case OP_STOP:
	case OP_ASYNC_DRAIN:
		lock(t);
		stop_like(t, op);
		unlock(t);
		break;
	case OP_DRAIN:
		stop_like(t, op);
		break;
	case OP_DEACTIVATE:
		lock(t);
		callout_deactivate(&t->c);
		unlock(t);
		break;
	default:
		return;
	}
	record_state(t);
}

static void
run(const char *name, const uint8_t *data, size_t size, int hzv, struct log *l)
{
	struct callout_config cfg = { .backend = name, .ncpus = ncpus, .hz = hzv,
	    .manual_clock = 1 };
	struct input in = { data, size, 1 };
	struct callout_stats st;
	long pending = 0;
	int err;

	backend = name;
	cur = l;
	cur->n = 0;
	memset(&cnt, 0, sizeof(cnt));
	if ((err = callout_startup(&cfg)) != 0)
		fail("callout_startup: %d", err);
	mtx_init(&mtx_a, "fuzz mtx", NULL, MTX_DEF);
	rw_init(&rw_a, "fuzz rw");
	for (int i = 0; i < NCALLOUT; i++) {
		struct timer *t = &timers[i];

		memset(t, 0, sizeof(*t));
		t->id = i;
		if (i < 4)
			callout_init(&t->c, 1);
		else if (i == 4)
			callout_init_mtx(&t->c, &mtx_a, 0);
		else if (i == 5)
			callout_init_mtx(&t->c, &mtx_a, CALLOUT_RETURNUNLOCKED);
		else if (i == 6)
			callout_init_rw(&t->c, &rw_a, CALLOUT_SHAREDLOCK);
		else
			callout_init(&t->c, 0);
	}

	for (int n = 0; n < MAXOPS && in.i < in.n; n++)
		one_op(&in);

	for (int i = 0; i < NCALLOUT; i++) {
		struct timer *t = &timers[i];
		bool p = callout_pending(&t->c) != 0;

		if (p != t->armed)
			fail("callout %d: pending %d, shadow says %d", i, p, t->armed);
		if (t->drain_due)
			fail("callout %d: drain function never called", i);
		pending += p;
		record_state(t);
	}
	callout_stats_get(&st);
	if (cnt.armed != cnt.fired + cnt.stopped + cnt.rearmed + pending)
		fail("armed %ld != fired %ld + stopped %ld + rearmed %ld + pending %ld",
		    cnt.armed, cnt.fired, cnt.stopped, cnt.rearmed, pending);
	if ((long)st.fired != cnt.fired || (long)st.pending != pending)
		fail("stats: fired %llu pending %llu, counted %ld %ld",
		    (unsigned long long)st.fired, (unsigned long long)st.pending,
		    cnt.fired, pending);
	record(K_STATS, 0, (long long)st.fired, false);
	record(K_STATS, 1, (long long)st.scheduled, false);
	record(K_STATS, 2, (long long)st.migrated, false);
	record(K_STATS, 3, (long long)st.wakeups, false);
	record(K_STATS, 4, (long long)st.direct, false);
	record(K_STATS, 5, (long long)st.cancelled, false);
	record(K_STATS, 6, (long long)st.failed, false);
	record(K_STATS, 7, cnt.armed, false);
	record(K_STATS, 8, sbinuptime(), false);
	callout_shutdown();
	callout_stats_get(&st);
	if ((long)st.discarded != pending || st.pending != 0)
		fail("shutdown discarded %llu of %ld pending",
		    (unsigned long long)st.discarded, pending);
	for (int i = 0; i < NCALLOUT; i++)
		if (callout_pending(&timers[i].c))
			fail("callout %d pending after shutdown", i);
	rw_destroy(&rw_a);
	mtx_destroy(&mtx_a);
}

/* ------------------------------------------------------ comparison */

static void
compare(const char *name, const struct log *ref, const struct log *l)
{
	size_t n = ref->n < l->n ? ref->n : l->n;

	for (size_t i = 0; i < n; i++) {
		const struct fire_event *a = &ref->ev[i], *b = &l->ev[i];

		if (a->when != b->when || a->id != b->id || a->kind != b->kind ||
		    a->value != b->value) {
			backend = name;
			fail("differs from list at entry %zu: list (t=%lld id=%d kind=%d "
			    "v=%lld), %s (t=%lld id=%d kind=%d v=%lld)", i,
			    (long long)a->when, a->id, a->kind, a->value, name,
			    (long long)b->when, b->id, b->kind, b->value);
		}
	}
	if (ref->n != l->n) {
		backend = name;
		fail("%zu log entries, list has %zu", l->n, ref->n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int hzs[4] = { 1000, 100, 1024, 250 };
	unsigned b0 = size > 0 ? data[0] : 0;
	int hzv = hzs[(b0 >> 1) & 3];

	ncpus = 1 + (b0 & 1);
	run("list", data, size, hzv, &logs[0]);
	fire_log_canonical(logs[0].ev, logs[0].n);
	if (getenv("FUZZ_API_TRACE") != NULL) {
		printf("%d cpu, hz %d: list's log, canonical\n", ncpus, hzv);
		for (size_t i = 0; i < logs[0].n; i++) {
			const struct fire_event *e = &logs[0].ev[i];

			printf("  t=%-20lld id=%-2d kind=%-3d value=%lld\n",
			    (long long)e->when, e->id, e->kind, e->value);
		}
	}
	for (int i = 0; callout_backends[i] != NULL; i++) {
		const char *name = callout_backends[i]->name;

		if (strcmp(name, "list") == 0)
			continue;
		run(name, data, size, hzv, &logs[1]);
		fire_log_canonical(logs[1].ev, logs[1].n);
		compare(name, &logs[0], &logs[1]);
	}
	return 0;
}
