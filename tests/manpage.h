/*
 * manpage.h - what the manual-page tests share: starting the runtime on
 * the manual or the real clock, bounded waits, gates between a test and a
 * callout function, and running a piece of code in a forked child that is
 * expected to panic.
 *
 * Every test starts the runtime itself with config.backend NULL, so that
 * $CALLOUT_BACKEND (set by tests/meson.build) picks the backend, and shuts
 * it down at the end.  Waits on the real clock never decide an outcome by
 * timing: they spin until a condition holds, with a generous bound that
 * only turns a hang into a failed check.
 */
#ifndef CALLOUT_TESTS_MANPAGE_H
#define CALLOUT_TESTS_MANPAGE_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <callout.h>

#include "check.h"

/* A wait that should take microseconds; bounded only to fail, not hang.
 * One that takes seconds is reported (a lost clock wake-up costs up to
 * the clock thread's 10 s nap), without failing: the machine may be
 * loaded. */
#define WAIT_BOUND_S 20
#define WAIT_SLOW_S 3

static inline int
start_runtime(int manual, int ncpus, int hz)
{
	struct callout_config cfg = {
		.backend = NULL,	/* $CALLOUT_BACKEND */
		.ncpus = ncpus,
		.hz = hz,
		.manual_clock = manual,
	};
	int error = callout_startup(&cfg);

	CHECK_EQ(error, 0);
	if (error != 0) {
		fprintf(stderr, "callout_startup: %s\n", strerror(error));
		exit(1);
	}
	return error;
}

#define start_manual(ncpus, hz)	start_runtime(1, (ncpus), (hz))
#define start_real(ncpus, hz)	start_runtime(0, (ncpus), (hz))

static inline void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static inline double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * Spin (yielding, then napping) until cond holds; evaluates to whether it
 * did within WAIT_BOUND_S.  For conditions that the other thread makes
 * true without waiting for us.
 */
#define WAIT_FOR(cond) ({						\
	double wait_start_ = mono_s();					\
	int wait_ok_ = 0;						\
	for (unsigned wait_i_ = 0;; wait_i_++) {			\
		if (cond) {						\
			wait_ok_ = 1;					\
			break;						\
		}							\
		if (mono_s() > wait_start_ + WAIT_BOUND_S)		\
			break;						\
		if (wait_i_ < 1000)					\
			sched_yield();					\
		else							\
			sleep_us(50);					\
	}								\
	if (mono_s() - wait_start_ > WAIT_SLOW_S)			\
		fprintf(stderr, "%s:%d: slow wait: %.1f s for %s\n",	\
		    __FILE__, __LINE__, mono_s() - wait_start_, #cond);	\
	wait_ok_;							\
})

static inline int
aload(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void
astore(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline int
ainc(int *p)
{
	return __atomic_add_fetch(p, 1, __ATOMIC_ACQ_REL);
}

/*
 * A callout whose function says it started, then holds until the test
 * opens the gate: how the tests keep a function running while they stop,
 * reset or drain it.  calls, started, gate and done are atomics; thr is
 * read only after started.
 */
struct blocker {
	struct callout c;
	int calls, started, gate, done;
	pthread_t thr;
};

static inline void
blocking_fn(void *arg)
{
	struct blocker *b = arg;

	b->thr = pthread_self();
	ainc(&b->calls);
	astore(&b->started, 1);
	CHECK(WAIT_FOR(aload(&b->gate)));
	astore(&b->done, 1);
}

/* Arm b, with no lock, and wait until its function runs on a softclock
 * thread (real clock), held there until the test opens b->gate. */
static inline void
blocker_start(struct blocker *b)
{
	callout_init(&b->c, 1);
	callout_reset(&b->c, 1, blocking_fn, b);
	CHECK(WAIT_FOR(aload(&b->started)));
}

/* Invocations cancelled while they waited for their lock, all CPUs. */
static inline uint64_t
cancelled_count(void)
{
	struct callout_stats st;

	callout_stats_get(&st);
	return st.cancelled;
}

static inline int
ticks_now(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

/*
 * Run fn(arg) in a forked child with stderr captured.  Returns 1 when the
 * child died of SIGABRT (a panic), 0 when it exited normally with status
 * 0, -1 otherwise; copies up to msglen-1 bytes of its stderr to msg.
 * Call it only while no runtime threads exist (manual clock or stopped):
 * the child inherits the parent's memory but only the calling thread.
 */
static inline int
run_in_child(void (*fn)(void *), void *arg, char *msg, size_t msglen)
{
	int fds[2];
	pid_t pid;
	int status;
	size_t n = 0;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		ssize_t r = read(fds[0], msg + n, msglen - 1 - n);

		if (r > 0 && n + (size_t)r < msglen - 1) {
			n += (size_t)r;
			continue;
		}
		if (r > 0) {
			n += (size_t)r;
			/* Full: drain the rest so that the child never blocks. */
			char junk[256];
			while (read(fds[0], junk, sizeof(junk)) > 0)
				;
		}
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	msg[n] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -1;
}

/* The child panicked and said `what` on stderr. */
#define CHECK_PANICS(fn, arg, what) do {				\
	char panic_msg_[2048];						\
	int panic_r_ = run_in_child((fn), (arg), panic_msg_,		\
	    sizeof(panic_msg_));					\
	CHECK_EQ(panic_r_, 1);						\
	CHECK(strstr(panic_msg_, (what)) != NULL);			\
	if (panic_r_ != 1 || strstr(panic_msg_, (what)) == NULL)	\
		fprintf(stderr, "  child said: %s\n", panic_msg_);	\
} while (0)

#define CHECK_NO_PANIC(fn, arg) do {					\
	char panic_msg_[2048];						\
	int panic_r_ = run_in_child((fn), (arg), panic_msg_,		\
	    sizeof(panic_msg_));					\
	CHECK_EQ(panic_r_, 0);						\
	if (panic_r_ != 0)						\
		fprintf(stderr, "  child said: %s\n", panic_msg_);	\
} while (0)

#endif
