/*
 * callout_backend.h - the seam between the callout core and a timer
 * structure.
 *
 * A backend is a single-threaded data structure of pending callouts keyed
 * by c->c_time.  The core calls it with the owning base's lock held; a
 * backend never sees a lock, a thread or a callback, and never calls a
 * callout function.  It may use c->c_links (16 bytes) and c->c_slot (16
 * bits) as it likes while the callout is inside it.  c_time is set by the core before insert; while
 * the callout is inside only the backend's reschedule changes it (remove
 * may find a callout by its deadline).
 *
 * Contract (checked by tests/backend_ops.c on every backend):
 *   - time never goes backwards: every `now` passed to expire is >= the
 *     previous one and >= the `now` given to create, and every inserted
 *     c_time is >= the last `now` (the core clamps earlier deadlines);
 *   - deadlines are in [0, SBT_MAX): SBT_MAX from next() means empty;
 *   - `due` need not be in deadline order (the manual clock expires one
 *     deadline at a time; the real clock runs a batch as it comes);
 *   - expire(now) moves exactly the callouts with c_time <= now to `due`
 *     (never one that is not yet due, never leaves a due one behind);
 *   - next() is exact: the smallest c_time inside, SBT_MAX when empty;
 *   - insert may fail only with ENOMEM, leaving the structure unchanged.
 */
#ifndef CALLOUT_BACKEND_H
#define CALLOUT_BACKEND_H

#include <stddef.h>
#include <callout.h>

TAILQ_HEAD(callout_tailq, callout);

struct callout_backend_ops {
	const char *name;		/* the name users pass: "list", "wheel" */
	const char *description;	/* one line: scheme and structure */

	/* A new, empty structure whose clock starts at `now`; NULL: ENOMEM. */
	void *(*create)(sbintime_t now);
	void (*destroy)(void *be);

	/* Add c, keyed by c->c_time.  0, or ENOMEM. */
	int (*insert)(void *be, struct callout *c);

	/* Take out c, which is inside. */
	void (*remove)(void *be, struct callout *c);

	/* Optional; NULL: the core removes and inserts.  Give c, which is
	 * inside, the deadline `when` (>= the last `now`) and set c->c_time.
	 * The backend may leave c where it is as long as it still finds it in
	 * time: TCP pushes most timers back before they fire, and a re-arm
	 * that does not relink touches no other callout. */
	void (*reschedule)(void *be, struct callout *c, sbintime_t when);

	/* The smallest c_time inside, or SBT_MAX when empty. */
	sbintime_t (*next)(void *be);

	/* Move every callout with c_time <= now to the tail of `due`,
	 * using c_links.tqe, and advance the structure's clock to now. */
	void (*expire)(void *be, sbintime_t now, struct callout_tailq *due);

	/* Walk the invariants: NULL when they hold, else what is broken. */
	const char *(*check)(void *be);

	/* Bytes the structure holds beyond the callouts themselves. */
	size_t (*footprint)(void *be);
};

/* Every backend compiled in, NULL-terminated, in the README's order. */
extern const struct callout_backend_ops *const callout_backends[];

const struct callout_backend_ops *callout_backend_find(const char *name);

#endif /* CALLOUT_BACKEND_H */
