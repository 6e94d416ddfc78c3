/*
 * callout_backend.h - the seam between the callout core and a timer
 * structure.
 *
 * A backend is a single-threaded data structure of pending callouts keyed
 * by c->c_time.  The core calls it with the owning base's lock held; a
 * backend never sees a lock, a thread or a callback, and never calls a
 * callout function.  It may use c->c_links (16 bytes) and c->c_slot (16
 * bits) as it likes while the callout is inside it (a keeping backend:
 * all but c_links.u64[0], below).  c_time is set by the core before
 * insert; while the callout is inside only the backend's reschedule
 * changes it, and callout_keep_retime for a keeping backend (remove may
 * find a callout by its deadline).
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
 *
 * Keeping in place (optional, ops->keeps): most re-arms push a timer back
 * (TCP re-arms its retransmit timer on every ACK), and a structure that
 * only has to find each callout in time can leave such a callout where it
 * is.  A backend that says so promises two things, so that the core can
 * make that re-arm without calling it (callout_keep_retime below):
 *   - while c is inside, c_links.u64[0] is c's keep: writing c_time alone
 *     (callout_keep_retime) is a correct re-arm to any deadline >= keep
 *     (SBT_MAX: to none);
 *   - its state begins with a struct callout_keep_state: the cached
 *     minimum that next() and expire() trust.
 * At 10^6 timers each re-arm misses the cache on c, and the instructions
 * behind the miss are what it costs (README, "Re-arm cost"): the indirect
 * call, its argument moves and the backend's own test are most of them.
 */
#ifndef CALLOUT_BACKEND_H
#define CALLOUT_BACKEND_H

#include <stdbool.h>
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

	/* Keeps in place (above); needs reschedule. */
	bool keeps;

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

/* The head of a keeping backend's state. */
struct callout_keep_state {
	sbintime_t min;		/* the smallest c_time inside (SBT_MAX:
				 * empty), or CALLOUT_KEEP_MIN_UNKNOWN */
};

/* Deadlines are never negative: below every one of them. */
#define CALLOUT_KEEP_MIN_UNKNOWN	((sbintime_t)-1)

static inline sbintime_t
callout_keep(const struct callout *c)
{
	return (sbintime_t)c->c_links.u64[0];
}

/* c has come in (insert): an exact minimum stays exact, an unknown one
 * stays unknown (it is below every deadline). */
static inline void
callout_keep_added(struct callout_keep_state *ks, const struct callout *c)
{
	if (c->c_time < ks->min)
		ks->min = c->c_time;
}

/* c has gone out (remove): the minimum is unknown if c held it. */
static inline void
callout_keep_removed(struct callout_keep_state *ks, const struct callout *c)
{
	if (c->c_time == ks->min)
		ks->min = CALLOUT_KEEP_MIN_UNKNOWN;
}

/*
 * The re-arm of c, inside a keeping backend whose state is ks, to when:
 * c_time, and the cached minimum, which stays exact unless c held it and
 * moves later.  With when >= callout_keep(c) that is the whole re-arm,
 * which the core makes without calling the backend.
 */
static inline void
callout_keep_retime(struct callout_keep_state *ks, struct callout *c,
    sbintime_t when)
{
	if (when <= ks->min)
		ks->min = when;
	else if (c->c_time == ks->min)
		ks->min = CALLOUT_KEEP_MIN_UNKNOWN;
	c->c_time = when;
}

/* Every backend compiled in, NULL-terminated, in the README's order. */
extern const struct callout_backend_ops *const callout_backends[];

const struct callout_backend_ops *callout_backend_find(const char *name);

#endif /* CALLOUT_BACKEND_H */
