/*
 * wheel.c - the hashed timing wheel with unsorted buckets: Varghese &
 * Lauck scheme 6.
 *
 *                  cursor = slot(now)
 *                       v
 *   slot   [0]   [1]   [2]   [3]  ...  [S-1]     tick(t) = t / granularity
 *           |           |     |                  slot(t) = tick(t) % S
 *          (S)         (2)  (3+5S)
 *           |           |                        (ticks; a bucket is
 *         (2S)        (S+2)                       unsorted and mixes
 *                                                 revolutions)
 *   occ     1     0     1     1   ...    0       bit s: slot s not empty
 *   sum     bit i: occ word i (64 slots) not zero
 *
 * An array of S buckets, each an unsorted doubly linked list; a callout
 * goes into the bucket its deadline hashes to, whatever the revolution
 * (G. Varghese, T. Lauck, "Hashed and Hierarchical Timing Wheels: Data
 * Structures for the Efficient Implementation of a Timer Facility",
 * SOSP 1987, scheme 6; FreeBSD's callwheel since 3.0).  A bucket holds the
 * callouts of the current revolution and of later ones; sweeping it moves
 * out the due ones and leaves the rest.
 *
 * Lazy re-arm: a callout re-armed to a deadline that its bucket still
 * comes due before stays in that bucket, and only its c_time changes; when
 * the bucket comes round and it is not due, the sweep moves it to the
 * bucket of its deadline.  The bucket is c_slot, not the slot of c_time,
 * so the test is against the bucket's own sweep tick: a callout that was
 * once pushed back keeps the earlier bucket, and a later re-arm to any
 * time after that bucket, even one before its current c_time, does not
 * relink either.  TCP pushes back nearly every timer before it fires, and
 * a re-arm that does not relink touches no other callout (a relink writes
 * to three: both neighbours and the new bucket's first).  So a callout
 * sits in a bucket that comes due at or before its deadline, not always in
 * the bucket of its deadline: scheme 6's callouts of later revolutions are
 * one case.  A two-level bitmap of occupied slots lets expire and next skip
 * empty slots, and an exact cached minimum makes next() and "nothing due
 * yet" expires O(1) most of the time.
 *
 * Default configuration (meson options wheel_slots, wheel_tick_us):
 *   slots        S = 4096
 *   granularity  ustosbt(1000 us) = 4294968 sbt (1 ms + 0.16 ns)
 *   revolution   S * granularity ~= 4.096 s; longer timeouts wait in their
 *                bucket for their revolution
 *   memory       33,312 bytes whatever N: 32 KiB of bucket heads, 512 B
 *                slot bitmap, 8 B summary, 24 B header
 *
 * Cost (N callouts inside, S slots):
 *   insert   O(1)  hash (a multiplication), push on the bucket, set 2 bits
 *   remove   O(1)  unlink; clear the bits when the bucket empties
 *   resched  O(1)  to a deadline at or after its bucket's sweep: set
 *                  c_time, nothing else; to an earlier one: remove and
 *                  insert
 *   next     O(1)  while the cached minimum holds: it survives inserts,
 *                  removes of other callouts and expires that fire nothing.
 *                  Once the minimum is removed or fires: walk the occupied
 *                  buckets from the cursor on until one holds a callout of
 *                  the current revolution; that is one bucket, O(N/S) on
 *                  average, when the next deadline is within a revolution,
 *                  and O(N + S/4096) in the worst case (everything is
 *                  beyond one revolution: every bucket is walked).
 *   expire   O(1)  when nothing is due (cached minimum after now);
 *                  else O(1) per expired callout plus O(1) per callout of
 *                  a later revolution in each swept bucket (scheme 6's
 *                  price: N/S per tick on average) and O(1) per callout
 *                  re-filed after a lazy re-arm;
 *                  per empty tick: no bucket visit; the slot bitmap
 *                  skips empty slots 64 at a time, its summary 4096 at a
 *                  time;
 *                  per jump: at most one revolution is swept, every
 *                  occupied bucket once, O(N + S/4096) however long the
 *                  jump.
 *   check    O(N + S)
 *
 * expire appends to `due` slot by slot from the cursor on, each bucket in
 * its own order: not sorted by deadline.
 *
 * Deadlines are times since boot and never negative: the cached minimum
 * uses -1 as its "unknown" mark.
 */
#include <stdint.h>
#include <stdlib.h>

#include "callout_backend.h"
#include "callout_build.h"

#define WHEEL_SLOTS	((size_t)CALLOUT_WHEEL_SLOTS)
#define WHEEL_MASK	(WHEEL_SLOTS - 1)
#define WHEEL_WORDS	((WHEEL_SLOTS + 63) / 64)	/* slot bitmap */
#define WHEEL_SUMS	((WHEEL_WORDS + 63) / 64)	/* summary bitmap */
#define WHEEL_BIT(i)	((uint64_t)1 << ((i) % 64))

_Static_assert((WHEEL_SLOTS & WHEEL_MASK) == 0, "wheel_slots: a power of two");

/*
 * One slot's span.  ustosbt() is inline and its argument a constant, so an
 * optimising build folds this to a constant once, at compile time, and the
 * division in wheel_tick() becomes a multiplication.
 */
#define WHEEL_GRAN	((uint64_t)ustosbt(CALLOUT_WHEEL_TICK_US))

/* The cached minimum is not known; below every deadline, see wheel_insert. */
#define WHEEL_MIN_UNKNOWN	((sbintime_t)-1)

/*
 * Everything is guarded by the base lock (the core holds it on every call;
 * next() writes the cached minimum, so a shared lock is not enough).
 * Invariants, checked by wheel_check():
 *   - a callout sits in slot c_slot, which comes due, counting from the
 *     cursor, no later than the tick of its c_time; c_time >= now;
 *   - cursor <= tick(now): an expire with nothing due moves the clock but
 *     not the cursor, so buckets it passed are swept by the next sweep;
 *   - occ has bit s set iff slot[s] is not empty, sum has bit i set iff
 *     occ[i] is not zero;
 *   - count is the number of callouts inside;
 *   - min is WHEEL_MIN_UNKNOWN or the smallest c_time (SBT_MAX: empty).
 */
struct wheel_be {
	sbintime_t now;		/* last expire time */
	uint64_t cursor;	/* tick the next sweep starts from */
	sbintime_t min;		/* cached minimum, or WHEEL_MIN_UNKNOWN */
	size_t count;		/* callouts inside */
	uint64_t sum[WHEEL_SUMS];
	uint64_t occ[WHEEL_WORDS];
	LIST_HEAD(, callout) slot[WHEEL_SLOTS];
};

static inline uint64_t
wheel_tick(sbintime_t t)
{
	return (uint64_t)t / WHEEL_GRAN;
}

static inline size_t
wheel_slot(sbintime_t t)
{
	return (size_t)(wheel_tick(t) & WHEEL_MASK);
}

static inline void
wheel_mark(struct wheel_be *w, size_t s)
{
	w->occ[s / 64] |= WHEEL_BIT(s);
	w->sum[s / 4096] |= WHEEL_BIT(s / 64);
}

static inline void
wheel_unmark(struct wheel_be *w, size_t s)
{
	w->occ[s / 64] &= ~WHEEL_BIT(s);
	if (w->occ[s / 64] == 0)
		w->sum[s / 4096] &= ~WHEEL_BIT(s / 64);
}

/*
 * The first non-zero slot-bitmap word at or after word i, cyclically.
 * Some word must be non-zero (count > 0).  When the starting summary word
 * has bits only below bit i % 64, the loop comes round to it again and
 * then reads it whole: that is the wrap-around.
 */
static size_t
wheel_find_word(const struct wheel_be *w, size_t i)
{
	size_t k = i / 64;
	uint64_t bits = w->sum[k] & (~(uint64_t)0 << (i % 64));

	while (bits == 0) {
		k = (k + 1) % WHEEL_SUMS;
		bits = w->sum[k];
	}
	return k * 64 + (size_t)__builtin_ctzll(bits);
}

/* The first occupied slot at or after slot s, cyclically; count > 0. */
static size_t
wheel_find(const struct wheel_be *w, size_t s)
{
	size_t i = s / 64;
	uint64_t bits = w->occ[i] & (~(uint64_t)0 << (s % 64));

	if (bits == 0) {
		i = wheel_find_word(w, (i + 1) % WHEEL_WORDS);
		bits = w->occ[i];
	}
	return i * 64 + (size_t)__builtin_ctzll(bits);
}

/* The tick at which the sweep next visits slot s: the cursor's or later. */
static inline uint64_t
wheel_due(const struct wheel_be *w, size_t s)
{
	return w->cursor + ((s - w->cursor) & WHEEL_MASK);
}

/* Put c at the head of slot s's bucket. */
static inline void
wheel_link(struct wheel_be *w, struct callout *c, size_t s)
{
	LIST_INSERT_HEAD(&w->slot[s], c, c_links.le);
	c->c_slot = (unsigned short)s;
	wheel_mark(w, s);
}

/* Take c out of its bucket. */
static inline void
wheel_unlink(struct wheel_be *w, struct callout *c)
{
	LIST_REMOVE(c, c_links.le);
	if (LIST_EMPTY(&w->slot[c->c_slot]))
		wheel_unmark(w, c->c_slot);
}

static void *
wheel_create(sbintime_t now)
{
	/* calloc's zeroes are empty bucket heads (LIST_INIT) and clear bits. */
	struct wheel_be *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->now = now;
	w->cursor = wheel_tick(now);
	w->min = SBT_MAX;
	return w;
}

static void
wheel_destroy(void *be)
{
	free(be);
}

static int
wheel_insert(void *be, struct callout *c)
{
	struct wheel_be *w = be;

	wheel_link(w, c, wheel_slot(c->c_time));
	w->count++;
	/* An exact minimum stays exact; WHEEL_MIN_UNKNOWN stays unknown. */
	if (c->c_time < w->min)
		w->min = c->c_time;
	return 0;
}

static void
wheel_remove(void *be, struct callout *c)
{
	struct wheel_be *w = be;

	wheel_unlink(w, c);
	w->count--;
	if (c->c_time == w->min)
		w->min = WHEEL_MIN_UNKNOWN;
}

static void
wheel_reschedule(void *be, struct callout *c, sbintime_t when)
{
	struct wheel_be *w = be;

	if (wheel_tick(when) >= wheel_due(w, c->c_slot)) {
		/* Its bucket comes due first: stay, the sweep re-files it.
		 * An unknown minimum (-1) is below every deadline. */
		if (when <= w->min)
			w->min = when;
		else if (c->c_time == w->min)
			w->min = WHEEL_MIN_UNKNOWN;
		c->c_time = when;
		return;
	}
	wheel_remove(w, c);
	c->c_time = when;
	wheel_insert(w, c);
}

static sbintime_t
wheel_bucket_min(const struct wheel_be *w, size_t s)
{
	const struct callout *c;
	sbintime_t m = SBT_MAX;

	LIST_FOREACH(c, &w->slot[s], c_links.le)
		if (c->c_time < m)
			m = c->c_time;
	return m;
}

/*
 * The smallest deadline inside.  Every callout sits in a slot that comes
 * due, counting from the cursor, no later than its deadline's tick, so
 * after visiting the slots up to distance d from the cursor, every callout
 * not seen yet lies at a tick after cur + d: once the best one seen is no
 * later than that, it is the minimum.  A bucket holding a
 * callout of the current revolution stops the walk at once.
 */
static sbintime_t
wheel_min(const struct wheel_be *w)
{
	uint64_t cur = w->cursor;
	sbintime_t best = SBT_MAX;

	if (w->count == 0)
		return SBT_MAX;
	for (uint64_t d = 0; ; d++) {
		size_t at = (size_t)((cur + d) & WHEEL_MASK);
		size_t s = wheel_find(w, at);

		d += (s - at) & WHEEL_MASK;
		if (d >= WHEEL_SLOTS)
			return best;
		sbintime_t m = wheel_bucket_min(w, s);
		if (m < best)
			best = m;
		if (wheel_tick(best) <= cur + d)
			return best;
	}
}

static sbintime_t
wheel_next(void *be)
{
	struct wheel_be *w = be;

	if (w->min == WHEEL_MIN_UNKNOWN)
		w->min = wheel_min(w);
	return w->min;
}

/*
 * Move the due callouts of slot s to `due`.  Later revolutions stay; a
 * callout left here by a lazy re-arm moves to the slot of its deadline
 * (which the sweep may still reach, or which comes round later).
 */
static void
wheel_sweep_slot(struct wheel_be *w, size_t s, sbintime_t now,
    struct callout_tailq *due)
{
	struct callout *c, *next;

	for (c = LIST_FIRST(&w->slot[s]); c != NULL; c = next) {
		size_t home;

		next = LIST_NEXT(c, c_links.le);	/* c_links is rewritten */
		if (c->c_time <= now) {
			LIST_REMOVE(c, c_links.le);
			TAILQ_INSERT_TAIL(due, c, c_links.tqe);
			w->count--;
		} else if ((home = wheel_slot(c->c_time)) != s) {
			LIST_REMOVE(c, c_links.le);
			wheel_link(w, c, home);
		}
	}
	if (LIST_EMPTY(&w->slot[s]))
		wheel_unmark(w, s);
}

/* Sweep the occupied slots among the `span` slots from tick `first` on. */
static void
wheel_sweep(struct wheel_be *w, uint64_t first, uint64_t span, sbintime_t now,
    struct callout_tailq *due)
{
	for (uint64_t d = 0; w->count > 0; d++) {
		size_t at = (size_t)((first + d) & WHEEL_MASK);
		size_t s = wheel_find(w, at);

		d += (s - at) & WHEEL_MASK;
		if (d >= span)
			return;
		wheel_sweep_slot(w, s, now, due);
	}
}

static void
wheel_expire(void *be, sbintime_t now, struct callout_tailq *due)
{
	struct wheel_be *w = be;
	uint64_t first, span;

	/* Nothing due: only a known minimum (never -1) can be after now. */
	if (w->count == 0 || w->min > now) {
		w->now = now;
		return;
	}
	/*
	 * From the cursor: a lazily re-armed callout may sit in a bucket
	 * before the minimum's.  A jump of a revolution or more sweeps every
	 * slot once, not every tick.
	 */
	first = w->cursor;
	span = wheel_tick(now) - first + 1;
	if (span > WHEEL_SLOTS)
		span = WHEEL_SLOTS;
	wheel_sweep(w, first, span, now, due);
	w->now = now;
	w->cursor = wheel_tick(now);
	w->min = WHEEL_MIN_UNKNOWN;
}

/* Check the bucket of slot s; count its callouts into *n, *min. */
static const char *
wheel_check_slot(const struct wheel_be *w, size_t s, size_t *n,
    sbintime_t *min)
{
	const struct callout *c, *prev = NULL;

	LIST_FOREACH(c, &w->slot[s], c_links.le) {
		if (c->c_links.le.le_prev != (prev == NULL ?
		    &LIST_FIRST(&w->slot[s]) : &LIST_NEXT(prev, c_links.le)))
			return "wheel: broken back link";
		if (c->c_slot != s)
			return "wheel: a callout's c_slot is not its bucket";
		if (wheel_due(w, s) > wheel_tick(c->c_time))
			return "wheel: a callout sits in a slot after its deadline";
		if (c->c_time < w->now)
			return "wheel: a callout is older than the clock";
		if (c->c_time < *min)
			*min = c->c_time;
		(*n)++;
		prev = c;
	}
	return NULL;
}

/* Check the 64 slots of bitmap word i against their buckets. */
static const char *
wheel_check_word(const struct wheel_be *w, size_t i, size_t *n,
    sbintime_t *min)
{
	uint64_t want = 0;

	for (size_t s = i * 64; s < WHEEL_SLOTS && s < i * 64 + 64; s++) {
		const char *why = wheel_check_slot(w, s, n, min);

		if (why != NULL)
			return why;
		if (!LIST_EMPTY(&w->slot[s]))
			want |= WHEEL_BIT(s);
	}
	if (w->occ[i] != want)
		return "wheel: slot bitmap does not match the buckets";
	if (((w->sum[i / 64] & WHEEL_BIT(i)) != 0) != (want != 0))
		return "wheel: summary bitmap does not match the slot bitmap";
	return NULL;
}

static const char *
wheel_check(void *be)
{
	const struct wheel_be *w = be;
	sbintime_t min = SBT_MAX;
	size_t n = 0;

	if (w->now < 0)
		return "wheel: negative clock";
	if (w->cursor > wheel_tick(w->now))
		return "wheel: the cursor is ahead of the clock";
	for (size_t i = 0; i < WHEEL_WORDS; i++) {
		const char *why = wheel_check_word(w, i, &n, &min);

		if (why != NULL)
			return why;
	}
	if (WHEEL_WORDS % 64 != 0 && w->sum[WHEEL_SUMS - 1] >> (WHEEL_WORDS % 64))
		return "wheel: summary bits set past the slot bitmap";
	if (n != w->count)
		return "wheel: the count does not match the buckets";
	if (w->min != WHEEL_MIN_UNKNOWN && w->min != min)
		return "wheel: the cached minimum is wrong";
	return NULL;
}

static size_t
wheel_footprint(void *be)
{
	(void)be;
	return sizeof(struct wheel_be);
}

const struct callout_backend_ops callout_backend_wheel = {
	.name = "wheel",
	.description = "scheme 6: hashed timing wheel, unsorted buckets, O(1) insert/remove",
	.create = wheel_create,
	.destroy = wheel_destroy,
	.insert = wheel_insert,
	.remove = wheel_remove,
	.reschedule = wheel_reschedule,
	.next = wheel_next,
	.expire = wheel_expire,
	.check = wheel_check,
	.footprint = wheel_footprint,
};
