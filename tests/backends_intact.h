/*
 * backends_intact.h - every base's backend against its own invariant
 * check (callout_backend_ops.check), each under its base's lock.  For the
 * tests that link the core's internals (base.h).
 */
#ifndef CALLOUT_TESTS_BACKENDS_INTACT_H
#define CALLOUT_TESTS_BACKENDS_INTACT_H

#include "base.h"

/* The first broken invariant and its base's number in *cpu, or NULL. */
static inline const char *
backends_broken(int *cpu)
{
	for (int i = 0; i < callout__rt.ncpus; i++) {
		struct callout_cpu *cc = &callout__rt.cpus[i];
		const char *why;

		cc_lock(cc);
		why = callout__rt.ops->check(cc->cc_be);
		cc_unlock(cc);
		if (why != NULL) {
			*cpu = i;
			return why;
		}
	}
	return NULL;
}

#endif
