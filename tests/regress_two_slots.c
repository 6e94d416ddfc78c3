/*
 * regress_two_slots.c - a callout must not run on both threads of one CPU.
 *
 * A base has two execution slots: the softclock thread runs ordinary
 * callouts, the clock thread runs C_DIRECT_EXEC ones.  A running callout
 * re-armed on the same CPU with the other kind of execution, due at once,
 * must wait until the running call returns (as a migration to another CPU
 * does), never run beside it.  Here an mpsafe callout re-arms itself that
 * way, both ways round, and then stays in its function for a while
 * watching for a second entry.  Every other pair of rounds it first
 * re-arms itself with its own kind a second ahead, so that the second
 * re-arm finds it pending in the backend, which a backend with a
 * reschedule op would move in place (the lazy re-arm).
 *
 * usage: regress_two_slots [ROUNDS]
 */
#include "stress.h"

static struct callout c;
static long running, overlaps, calls;	/* atomics */
static int round_flags;			/* atomic: the first call's kind */
static int round_lazy;			/* atomic: re-arm twice */

static void
fn(void *arg)
{
	long n = __atomic_add_fetch(&running, 1, __ATOMIC_SEQ_CST);

	(void)arg;
	if (n > 1)
		CNT_INC(overlaps);
	if (__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) == 1) {
		/* First call: re-arm due now, with the other kind of
		 * execution, on this CPU, and stay a while. */
		int mine = __atomic_load_n(&round_flags, __ATOMIC_RELAXED);

		if (__atomic_load_n(&round_lazy, __ATOMIC_RELAXED))
			callout_reset_sbt_on(&c, SBT_1S, 0, fn, NULL, 0, mine);
		callout_reset_sbt_on(&c, 0, 0, fn, NULL, 0, mine ^ C_DIRECT_EXEC);
		spin_ns(3000000);
	}
	__atomic_sub_fetch(&running, 1, __ATOMIC_SEQ_CST);
}

int
main(int argc, char **argv)
{
	long rounds = stress_arg(argc, argv, 1, 20);
	struct callout_config cfg = { .ncpus = 1 };

	if (callout_startup(&cfg) != 0)
		return 1;
	callout_init(&c, 1);
	for (long i = 0; i < rounds; i++) {
		int flags = (i & 1) ? C_DIRECT_EXEC : 0;
		uint64_t deadline = now_ns() + 1000000000u;

		__atomic_store_n(&calls, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&round_flags, flags, __ATOMIC_RELAXED);
		__atomic_store_n(&round_lazy, (i & 2) != 0, __ATOMIC_RELAXED);
		callout_reset_sbt_on(&c, 0, 0, fn, NULL, 0, flags);
		while (__atomic_load_n(&calls, __ATOMIC_SEQ_CST) < 2 &&
		    now_ns() < deadline)
			sleep_ns(100000);
		SCHECK_EQ(__atomic_load_n(&calls, __ATOMIC_SEQ_CST), 2);
		callout_drain(&c);
	}
	printf("regress_two_slots: %ld rounds, %ld overlapping calls\n", rounds,
	    overlaps);
	SCHECK_EQ(overlaps, 0);
	callout_shutdown();
	return STRESS_EXIT();
}
