/*
 * regress_drain_waiters.c - a drain of one callout must not swallow the
 * re-arm of the next callout to run in the same execution slot.
 *
 * Callout A runs for a while; a thread drains it.  Callout B falls due
 * while A runs, so the softclock thread runs it right after A, in the same
 * slot, typically before the draining thread has woken up.  B re-arms
 * itself one second ahead: callout_reset returns 0 ("was not pending"), so
 * B must be pending afterwards.  "A drain in progress wins" is about a
 * drain of B, not of whatever ran in B's slot before it.
 *
 * usage: regress_drain_waiters [ROUNDS]
 */
#include "stress.h"

static struct callout a, b;
static int a_started, b_done;		/* atomics */
static long lost, rearms;		/* atomics */

static void
a_fn(void *arg)
{
	(void)arg;
	__atomic_store_n(&a_started, 1, __ATOMIC_SEQ_CST);
	spin_ns(2000000);
}

static void
b_fn(void *arg)
{
	int ret;

	(void)arg;
	ret = callout_reset_sbt(&b, SBT_1S, 0, b_fn, NULL, 0);
	CNT_INC(rearms);
	if (ret == 0 && !callout_pending(&b))
		CNT_INC(lost);
	__atomic_store_n(&b_done, 1, __ATOMIC_SEQ_CST);
}

int
main(int argc, char **argv)
{
	long rounds = stress_arg(argc, argv, 1, 100);
	struct callout_config cfg = { .ncpus = 1 };

	if (callout_startup(&cfg) != 0)
		return 1;
	callout_init(&a, 1);
	callout_init(&b, 1);
	for (long i = 0; i < rounds; i++) {
		uint64_t deadline = now_ns() + 1000000000u;
		sbintime_t when = sbinuptime() + SBT_1MS;

		__atomic_store_n(&a_started, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&b_done, 0, __ATOMIC_SEQ_CST);
		/* B falls due while A runs: the softclock runs it next. */
		callout_reset_sbt(&a, when, 0, a_fn, NULL, C_ABSOLUTE);
		callout_reset_sbt(&b, when + 100 * SBT_1US, 0, b_fn, NULL,
		    C_ABSOLUTE);
		while (!__atomic_load_n(&a_started, __ATOMIC_SEQ_CST) &&
		    now_ns() < deadline)
			__builtin_ia32_pause();
		callout_drain(&a);
		while (!__atomic_load_n(&b_done, __ATOMIC_SEQ_CST) &&
		    now_ns() < deadline)
			sleep_ns(50000);
		callout_drain(&b);
	}
	printf("regress_drain_waiters: %ld rounds, %ld re-arms, %ld lost\n",
	    rounds, rearms, lost);
	SCHECK_EQ(rearms, rounds);
	SCHECK_EQ(lost, 0);
	callout_shutdown();
	return STRESS_EXIT();
}
