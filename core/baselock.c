/*
 * baselock.c - slow paths of the base lock and the futex-backed events;
 * see baselock.h for why they exist.
 */
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "baselock.h"

/* Spins (with a pause each) before yielding the CPU to the holder. */
#define SPINS_BEFORE_YIELD 256

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

void
cc_spin_lock_slow(struct cc_spin *l)
{
	for (;;) {
		for (int i = 0; i < SPINS_BEFORE_YIELD; i++) {
			if (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) == 0 &&
			    __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0)
				return;
			cpu_relax();
		}
		sched_yield();
	}
}

void
cc_event_wait(struct cc_event *ev, struct cc_spin *l,
    const struct timespec *until)
{
	unsigned seq = __atomic_load_n(&ev->seq, __ATOMIC_ACQUIRE);

	ev->sleepers++;
	cc_spin_unlock(l);
	/* Returns at once if a signal bumped seq since it was read. */
	syscall(SYS_futex, &ev->seq, FUTEX_WAIT_BITSET_PRIVATE, seq, until,
	    NULL, FUTEX_BITSET_MATCH_ANY);
	cc_spin_lock(l);
	ev->sleepers--;
}

void
cc_event_signal(struct cc_event *ev, bool all)
{
	if (ev->sleepers == 0)
		return;
	__atomic_add_fetch(&ev->seq, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &ev->seq, FUTEX_WAKE_PRIVATE, all ? INT_MAX : 1,
	    NULL, NULL, 0);
}
