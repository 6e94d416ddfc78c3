/*
 * wheel.c - the hashed timing wheel with unsorted buckets: Varghese &
 * Lauck scheme 6.
 *
 *                  cursor = slot(now)
 *                       v
 *   slot   [0]   [1]   [2]   [3]  ...  [S-1]     tick(t) = t / granularity
 *   n/cap  2/8   0/0   1/8   2/4        0/8      slot(t) = tick(t) % S
 *   v  -> [(S) ]      [(2)] [(3+5S)]
 *         [(2S)]            [(3)   ]             (ticks; a bucket is an
 *         [    ] ...        [      ]              unsorted array of
 *                                                 pointers and mixes
 *                                                 revolutions)
 *   occ     1     0     1     1   ...    0       bit s: slot s not empty
 *   sum     bit i: occ word i (64 slots) not zero
 *
 * An array of S buckets, each an unsorted array of callout pointers; a
 * callout goes into the bucket its deadline hashes to, whatever the
 * revolution (G. Varghese, T. Lauck, "Hashed and Hierarchical Timing
 * Wheels: Data Structures for the Efficient Implementation of a Timer
 * Facility", SOSP 1987, scheme 6; FreeBSD's callwheel since 3.0, which
 * uses lists).  A bucket holds the callouts of the current revolution and
 * of later ones; sweeping it moves out the due ones and leaves the rest.
 *
 * Why arrays, not the paper's lists: at 10^6 timers every callout is a
 * cache miss, and a list is walked one miss after another, since the next
 * pointer is inside the callout just missed.  An array is read in order
 * and the sweep prefetches the callouts WHEEL_PREFETCH entries ahead, so
 * the misses overlap.  Each callout keeps its index in c_links.u64[1] (its
 * bucket is c_slot), so remove swaps the last entry into its place
 * without a search.
 *
 * Lazy re-arm: a callout re-armed to a deadline that its bucket still
 * comes due before stays in that bucket, and only its c_time changes; when
 * the bucket comes round and it is not due, the sweep moves it to the
 * bucket of its deadline (its home).  The bucket is c_slot, not the slot
 * of c_time, so the test is against the bucket's own sweep tick: a callout
 * that was once pushed back keeps the earlier bucket, and a later re-arm
 * to any time after that bucket, even one before its current c_time, does
 * not relink either.  TCP pushes back nearly every timer before it fires,
 * and a re-arm that does not relink writes c_time (and the cached
 * minimum) and nothing else.  The bucket's sweep time is written into the
 * callout when it is filed (c_links.u64[0], its keep: callout_backend.h),
 * so the test is one compare with the callout's own line, and the core
 * makes that re-arm without calling the wheel at all.  So a callout sits
 * in a bucket that comes due at or before its deadline, not always in the
 * bucket of its deadline:
 * scheme 6's callouts of later revolutions are one case.  A two-level
 * bitmap of occupied slots lets expire and next skip empty slots, and an
 * exact cached minimum makes next() and "nothing due yet" expires O(1)
 * most of the time.
 *
 * The overflow list: the wheel never refuses a callout.  Where an array
 * would have to grow and the allocator fails (an insert, a relinking
 * re-arm, or the sweep moving a lazily re-armed callout home), the callout
 * goes onto one wheel-wide singly linked list through c_links.u64[1]
 * instead, marked by c_slot == WHEEL_OVERFLOW (0xFFFF, so at most 32768
 * slots) and by a keep of SBT_MAX, so that every re-arm of a member comes
 * to the wheel, which tries to take it home.  Why a list: expire cannot
 * fail (its callouts are already inside, and the sweep that files one home
 * must put it somewhere), and reschedule must not: the core's lock-free
 * re-arm path (cc_rearm_owned in core/callout.c) ends in the backend's
 * call and has no way back.  Why singly linked: u64[0] is the keep, so one
 * word is left; taking a member out walks the list.  The list is empty
 * unless memory ran out; while it is not, every expire scans it, fires
 * the due ones and moves the others home when their arrays can grow
 * again, and the minimum walk scans it too: O(V) each, as a remove of a
 * member is.
 *
 * Default configuration (meson options wheel_slots, wheel_tick_us):
 *   slots        S = 4096 (at most 32768, see above)
 *   granularity  ustosbt(1000 us) = 4294968 sbt (1 ms + 0.16 ns)
 *   revolution   S * granularity ~= 4.096 s; longer timeouts wait in their
 *                bucket for their revolution
 *   fixed        66,112 bytes: 64 KiB of bucket heads (16 B each: array,
 *                n, cap), 512 B slot bitmap, 8 B summary, 56 B header
 *                (with the overflow list's head and count)
 *   arrays       8 entries (64 B) at a bucket's first callout, doubled
 *                (realloc) when full; never shrunk while the wheel lives,
 *                as the heap's: giving memory back would put the allocator
 *                on the remove and expire paths.  8 to 16 bytes per
 *                callout at the peak, freed in destroy; nothing for a
 *                callout on the overflow list (its links are inside it)
 *
 * Cost (N callouts inside, S slots, V of them on the overflow list: 0
 * unless the allocator failed):
 *   insert   O(1)  hash (a multiplication), append to the bucket's array,
 *                  set 2 bits; amortised O(1) when the array doubles
 *   remove   O(1)  the last entry fills the hole; clear the bits when the
 *                  bucket empties; O(V) for an overflow member
 *   resched  O(1)  to a deadline at or after its bucket's sweep: set
 *                  c_time (and the cached minimum), nothing else; to an
 *                  earlier one: out of its bucket, into its home
 *   next     O(1)  while the cached minimum holds: it survives inserts,
 *                  removes of other callouts and expires that fire nothing.
 *                  Once the minimum is removed or fires: O(V) for the
 *                  overflow list, then walk the occupied buckets from the
 *                  cursor on until one holds a callout of the current
 *                  revolution; that is one bucket, O(N/S) on average, when
 *                  the next deadline is within a revolution, and
 *                  O(N + S/4096) in the worst case (everything is beyond
 *                  one revolution: every bucket is walked).
 *   expire   O(1)  when nothing is due (cached minimum after now) and the
 *                  overflow list is empty;
 *                  else O(1) per expired callout plus O(1) per callout of
 *                  a later revolution in each swept bucket (scheme 6's
 *                  price: N/S per tick on average), O(1) per callout
 *                  re-filed after a lazy re-arm, and O(V);
 *                  per empty tick: no bucket visit; the slot bitmap
 *                  skips empty slots 64 at a time, its summary 4096 at a
 *                  time;
 *                  per jump: at most one revolution is swept, every
 *                  occupied bucket once, O(N + S/4096) however long the
 *                  jump.
 *   check    O(N + S)
 *
 * expire appends to `due` slot by slot from the cursor on, each bucket
 * from its last entry to its first, then the overflow list's due ones:
 * not sorted by deadline.
 *
 * Deadlines are times since boot and never negative: the cached minimum
 * uses -1 as its "unknown" mark.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "callout_build.h"
#include "wheels/wheel.h"

#define WHEEL_SLOTS	((size_t)CALLOUT_WHEEL_SLOTS)
#define WHEEL_MASK	(WHEEL_SLOTS - 1)
#define WHEEL_WORDS	((WHEEL_SLOTS + 63) / 64)	/* slot bitmap */
#define WHEEL_SUMS	((WHEEL_WORDS + 63) / 64)	/* summary bitmap */
#define WHEEL_BIT(i)	((uint64_t)1 << ((i) % 64))

#define WHEEL_INITIAL	8	/* entries of a bucket's first array */
#define WHEEL_CAP_MAX	((uint32_t)1 << 31)	/* doubling stops here */

/* c_slot of a callout on the overflow list: no slot has this number. */
#define WHEEL_OVERFLOW	0xFFFFu

/*
 * How far ahead a bucket walk prefetches: enough callouts in flight to
 * cover a miss to memory, few enough not to evict what is still to be
 * read.
 */
#define WHEEL_PREFETCH	8

_Static_assert((WHEEL_SLOTS & WHEEL_MASK) == 0, "wheel_slots: a power of two");
_Static_assert(WHEEL_SLOTS <= 32768,
    "wheel_slots: at most 32768, c_slot 0xFFFF marks the overflow list");

/*
 * One slot's span.  ustosbt() is inline and its argument a constant, so an
 * optimising build folds this to a constant once, at compile time, and the
 * division in wheel_tick() becomes a multiplication.
 */
#define WHEEL_GRAN	((uint64_t)ustosbt(CALLOUT_WHEEL_TICK_US))

/*
 * v[0] .. v[n - 1] are the callouts in the bucket, in no order; v is NULL
 * until the first one arrives.
 */
struct wheel_bucket {
	struct callout **v;
	uint32_t n;		/* callouts in the bucket */
	uint32_t cap;		/* entries v has room for: 0 or a power of two */
};

/*
 * Everything is guarded by the base lock (the core holds it on every call;
 * next() writes the cached minimum, so a shared lock is not enough).
 * Invariants, checked by wheel_check():
 *   - a callout c in a bucket sits at slot[c_slot].v[c_links.u64[1]]; that
 *     slot comes due, counting from the cursor, no later than the tick of
 *     its c_time; c_time >= now; its keep, c_links.u64[0], is the start of
 *     that tick (wheel_keep);
 *   - a callout on the overflow list has c_slot == WHEEL_OVERFLOW, keep
 *     SBT_MAX and c_time >= now; nover counts them (0 iff the list is
 *     empty);
 *   - cursor <= tick(now): an expire with nothing due moves the clock but
 *     not the cursor, so buckets it passed are swept by the next sweep;
 *   - occ has bit s set iff slot[s] is not empty, sum has bit i set iff
 *     occ[i] is not zero;
 *   - count is the number of callouts in the buckets (the overflow list's
 *     not included), bytes the arrays' size;
 *   - ks.min is CALLOUT_KEEP_MIN_UNKNOWN or the smallest c_time of the
 *     buckets and the overflow list (SBT_MAX: empty).
 */
struct wheel_be {
	struct callout_keep_state ks;	/* first: the core re-arms in place */
	sbintime_t now;		/* last expire time */
	uint64_t cursor;	/* tick the next sweep starts from */
	size_t count;		/* callouts in the buckets */
	size_t nover;		/* callouts on the overflow list */
	size_t bytes;		/* sum of the arrays' sizes, for footprint */
	struct callout *over;	/* the overflow list, through u64[1] */
	uint64_t sum[WHEEL_SUMS];
	uint64_t occ[WHEEL_WORDS];
	struct wheel_bucket slot[WHEEL_SLOTS];
};

void *(*callout_wheel_realloc)(void *, size_t) = realloc;

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

/* The keep of a callout in slot s: the start of the slot's sweep tick, at
 * which the sweep finds it (SBT_MAX when that is past the last deadline). */
static inline sbintime_t
wheel_keep(const struct wheel_be *w, size_t s)
{
	uint64_t due = wheel_due(w, s);

	return due > (uint64_t)SBT_MAX / WHEEL_GRAN ? SBT_MAX :
	    (sbintime_t)(due * WHEEL_GRAN);
}

/*
 * Make room in slot s's array for one more entry, doubling it when full.
 * ENOMEM leaves the bucket untouched (the caller then uses the overflow
 * list).
 */
static int
wheel_room(struct wheel_be *w, size_t s)
{
	struct wheel_bucket *b = &w->slot[s];
	uint32_t cap;
	struct callout **v;

	if (b->n < b->cap)
		return 0;
	if (b->cap >= WHEEL_CAP_MAX)
		return ENOMEM;
	cap = b->cap != 0 ? 2 * b->cap : WHEEL_INITIAL;
	v = callout_wheel_realloc(b->v, (size_t)cap * sizeof(*v));
	if (v == NULL)
		return ENOMEM;
	w->bytes += ((size_t)cap - b->cap) * sizeof(*v);
	b->v = v;
	b->cap = cap;
	return 0;
}

/* Append c to slot s's bucket, which has room (wheel_room). */
static inline void
wheel_push(struct wheel_be *w, struct callout *c, size_t s)
{
	struct wheel_bucket *b = &w->slot[s];

	c->c_links.u64[0] = (uint64_t)wheel_keep(w, s);
	c->c_links.u64[1] = b->n;
	c->c_slot = (unsigned short)s;
	b->v[b->n++] = c;
	wheel_mark(w, s);
	w->count++;
}

/* Take the entry at index i out of bucket b: the last one fills the hole.
 * The caller clears the slot's bits once it is done with the bucket, and
 * counts. */
static inline void
wheel_cut(struct wheel_bucket *b, uint32_t i)
{
	struct callout *last = b->v[--b->n];

	if (i != b->n) {
		b->v[i] = last;
		last->c_links.u64[1] = i;
	}
}

/* The overflow list's link: c_links.u64[1], as the bucket index is. */
static inline struct callout **
wheel_over_link(struct callout *c)
{
	return (struct callout **)&c->c_links.u64[1];
}

static inline struct callout *
wheel_over_next(const struct callout *c)
{
	return (struct callout *)(uintptr_t)c->c_links.u64[1];
}

/* Onto the overflow list: an array could not grow.  Its keep is SBT_MAX,
 * so every re-arm of it comes to the wheel, which tries to take it home. */
static void
wheel_over_add(struct wheel_be *w, struct callout *c)
{
	c->c_slot = WHEEL_OVERFLOW;
	c->c_links.u64[0] = (uint64_t)SBT_MAX;
	*wheel_over_link(c) = w->over;
	w->over = c;
	w->nover++;
}

/* Take the member *at points to off the list. */
static inline void
wheel_over_unlink(struct wheel_be *w, struct callout **at)
{
	*at = wheel_over_next(*at);
	w->nover--;
}

/* The link that points to member c: O(V), see above. */
static struct callout **
wheel_over_find(struct wheel_be *w, const struct callout *c)
{
	struct callout **at = &w->over;

	while (*at != c)
		at = wheel_over_link(*at);
	return at;
}

/* File c, in no bucket and not on the list, by its c_time: its home, or
 * the overflow list when the home cannot grow. */
static void
wheel_file(struct wheel_be *w, struct callout *c)
{
	size_t home = wheel_slot(c->c_time);

	if (__builtin_expect(wheel_room(w, home) == 0, 1))
		wheel_push(w, c, home);
	else
		wheel_over_add(w, c);
}

/* The overflow member *at points to into its home, if its array can grow:
 * 1 if moved. */
static int
wheel_over_home(struct wheel_be *w, struct callout **at)
{
	struct callout *c = *at;
	size_t home = wheel_slot(c->c_time);

	if (wheel_room(w, home) != 0)
		return 0;
	wheel_over_unlink(w, at);
	wheel_push(w, c, home);
	return 1;
}

static void *
wheel_create(sbintime_t now)
{
	struct wheel_be *w = callout_wheel_realloc(NULL, sizeof(*w));

	if (w == NULL)
		return NULL;
	/* Zeroes are empty buckets with no array and clear bits. */
	memset(w, 0, sizeof(*w));
	w->now = now;
	w->cursor = wheel_tick(now);
	w->ks.min = SBT_MAX;
	return w;
}

static void
wheel_destroy(void *be)
{
	struct wheel_be *w = be;

	for (size_t s = 0; s < WHEEL_SLOTS; s++)
		free(w->slot[s].v);
	free(w);
}

/* Never fails: the overflow list takes what the arrays cannot. */
static int
wheel_insert(void *be, struct callout *c)
{
	struct wheel_be *w = be;

	wheel_file(w, c);
	callout_keep_added(&w->ks, c);
	return 0;
}

/* Take c out of wherever it is, without touching the minimum. */
static inline void
wheel_unlink(struct wheel_be *w, struct callout *c)
{
	size_t s = c->c_slot;

	if (__builtin_expect(s == WHEEL_OVERFLOW, 0)) {
		wheel_over_unlink(w, wheel_over_find(w, c));
		return;
	}
	wheel_cut(&w->slot[s], (uint32_t)c->c_links.u64[1]);
	if (w->slot[s].n == 0)
		wheel_unmark(w, s);
	w->count--;
}

static void
wheel_remove(void *be, struct callout *c)
{
	struct wheel_be *w = be;

	wheel_unlink(w, c);
	callout_keep_removed(&w->ks, c);
}

/*
 * The re-arms that change more than c_time: a relink out of c's bucket
 * (the new deadline comes before the bucket's sweep) and any re-arm of an
 * overflow member (home if its array can grow now, else it stays on the
 * list, where expire finds it).  when < c_time for a relink; not
 * necessarily for an overflow member.
 */
static __attribute__((noinline)) void
wheel_reschedule_slow(struct wheel_be *w, struct callout *c, sbintime_t when)
{
	callout_keep_retime(&w->ks, c, when);
	if (c->c_slot == WHEEL_OVERFLOW) {
		(void)wheel_over_home(w, wheel_over_find(w, c));
		return;
	}
	wheel_unlink(w, c);
	wheel_file(w, c);
}

static void
wheel_reschedule(void *be, struct callout *c, sbintime_t when)
{
	struct wheel_be *w = be;

	/* Its bucket comes due first: stay, the sweep re-files it. */
	if (when >= callout_keep(c)) {
		callout_keep_retime(&w->ks, c, when);
		return;
	}
	wheel_reschedule_slow(w, c, when);
}

static sbintime_t
wheel_bucket_min(const struct wheel_be *w, size_t s)
{
	const struct wheel_bucket *b = &w->slot[s];
	sbintime_t m = SBT_MAX;

	for (uint32_t i = 0; i < b->n; i++) {
		if (i + WHEEL_PREFETCH < b->n)
			__builtin_prefetch(b->v[i + WHEEL_PREFETCH]);
		if (b->v[i]->c_time < m)
			m = b->v[i]->c_time;
	}
	return m;
}

static sbintime_t
wheel_over_min(const struct wheel_be *w)
{
	const struct callout *c;
	sbintime_t m = SBT_MAX;

	for (c = w->over; c != NULL; c = wheel_over_next(c))
		if (c->c_time < m)
			m = c->c_time;
	return m;
}

/*
 * The smallest deadline inside.  The overflow list's minimum first (it is
 * empty unless memory ran out).  Every callout in a bucket sits in a slot
 * that comes due, counting from the cursor, no later than its deadline's
 * tick, so after visiting the slots up to distance d from the cursor,
 * every bucket callout not seen yet lies at a tick after cur + d: once the
 * best one seen is no later than that, it is the minimum.  A bucket
 * holding a callout of the current revolution stops the walk at once.
 */
static sbintime_t
wheel_min(const struct wheel_be *w)
{
	uint64_t cur = w->cursor;
	sbintime_t best = w->nover != 0 ? wheel_over_min(w) : SBT_MAX;

	if (w->count == 0)
		return best;
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

	if (w->ks.min == CALLOUT_KEEP_MIN_UNKNOWN)
		w->ks.min = wheel_min(w);
	return w->ks.min;
}

/*
 * Move the due callouts of slot s to `due`.  Later revolutions stay; a
 * callout left here by a lazy re-arm moves to the slot of its deadline
 * (which the sweep may still reach, or which comes round later), or onto
 * the overflow list when that slot's array cannot grow.  From the last
 * entry down, so that the entry that fills a hole has been looked at
 * already and the prefetched ones below stay where they are.
 */
static void
wheel_sweep_slot(struct wheel_be *w, size_t s, sbintime_t now,
    struct callout_tailq *due)
{
	struct wheel_bucket *b = &w->slot[s];

	for (uint32_t i = b->n; i-- > 0;) {
		struct callout *c = b->v[i];

		if (i >= WHEEL_PREFETCH)
			__builtin_prefetch(b->v[i - WHEEL_PREFETCH]);
		if (c->c_time <= now) {
			wheel_cut(b, i);
			w->count--;
			TAILQ_INSERT_TAIL(due, c, c_links.tqe);
		} else if (wheel_slot(c->c_time) != s) {
			/* Its home is another slot: b is not realloc'd. */
			wheel_cut(b, i);
			w->count--;
			wheel_file(w, c);
		} else	/* a later revolution: due again one later */
			c->c_links.u64[0] = (uint64_t)wheel_keep(w, s);
	}
	if (b->n == 0)
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

/*
 * The overflow list at every expire while it is not empty: the due ones
 * to `due`, the others home when their arrays can grow now.  The cursor is
 * at or before tick(now) <= tick(c_time), so a callout moved home sits in
 * a slot that comes due no later than its deadline's tick, swept or not.
 */
static __attribute__((noinline)) void
wheel_over_expire(struct wheel_be *w, sbintime_t now,
    struct callout_tailq *due)
{
	struct callout **at = &w->over;

	while (*at != NULL) {
		struct callout *c = *at;

		if (c->c_time <= now) {
			wheel_over_unlink(w, at);
			TAILQ_INSERT_TAIL(due, c, c_links.tqe);
		} else if (!wheel_over_home(w, at))
			at = wheel_over_link(c);
	}
}

static void
wheel_expire(void *be, sbintime_t now, struct callout_tailq *due)
{
	struct wheel_be *w = be;
	uint64_t first, span;

	/* Nothing due: only a known minimum (never -1) can be after now. */
	if (w->ks.min > now || (w->count == 0 && w->nover == 0)) {
		w->now = now;
		if (__builtin_expect(w->nover != 0, 0))
			wheel_over_expire(w, now, due);	/* home, if they can */
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
	/* The cursor first: the keeps the sweep writes (wheel_keep) are the
	 * sweep times that hold after it. */
	w->cursor = wheel_tick(now);
	wheel_sweep(w, first, span, now, due);
	w->now = now;
	if (__builtin_expect(w->nover != 0, 0))
		wheel_over_expire(w, now, due);
	w->ks.min = CALLOUT_KEEP_MIN_UNKNOWN;
}

/* Check the bucket of slot s; count its callouts into *n and *min. */
static const char *
wheel_check_slot(const struct wheel_be *w, size_t s, size_t *n,
    sbintime_t *min)
{
	const struct wheel_bucket *b = &w->slot[s];

	if (b->cap != 0 && (b->cap < WHEEL_INITIAL ||
	    (b->cap & (b->cap - 1)) != 0))
		return "wheel: an array's capacity is not a power of two";
	if ((b->v == NULL) != (b->cap == 0))
		return "wheel: an array and its capacity disagree";
	if (b->n > b->cap)
		return "wheel: more callouts than an array holds";
	for (uint32_t i = 0; i < b->n; i++) {
		const struct callout *c = b->v[i];

		if (c == NULL)
			return "wheel: empty entry";
		if (c->c_links.u64[1] != i)
			return "wheel: stored index does not match position";
		if (c->c_slot != s)
			return "wheel: a callout's c_slot is not its bucket";
		if (wheel_due(w, s) > wheel_tick(c->c_time))
			return "wheel: a callout sits in a slot after its deadline";
		/* The keep: the first instant of the slot's sweep tick. */
		if (callout_keep(c) != SBT_MAX &&
		    (wheel_tick(callout_keep(c)) != wheel_due(w, s) ||
		    (uint64_t)callout_keep(c) % WHEEL_GRAN != 0))
			return "wheel: a callout's keep is not its slot's sweep";
		if (c->c_time < w->now)
			return "wheel: a callout is older than the clock";
		if (c->c_time < *min)
			*min = c->c_time;
		(*n)++;
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
		if (w->slot[s].n != 0)
			want |= WHEEL_BIT(s);
	}
	if (w->occ[i] != want)
		return "wheel: slot bitmap does not match the buckets";
	if (((w->sum[i / 64] & WHEEL_BIT(i)) != 0) != (want != 0))
		return "wheel: summary bitmap does not match the slot bitmap";
	return NULL;
}

/* Check the overflow list; count its members into *min. */
static const char *
wheel_check_over(const struct wheel_be *w, sbintime_t *min)
{
	const struct callout *c;
	size_t n = 0;

	if ((w->over == NULL) != (w->nover == 0))
		return "wheel: the overflow list and its count disagree on empty";
	for (c = w->over; c != NULL; c = wheel_over_next(c)) {
		if (callout_keep(c) != SBT_MAX)
			return "wheel: an overflow member's keep is not SBT_MAX";
		if (c->c_slot != WHEEL_OVERFLOW)
			return "wheel: an overflow member is not marked";
		if (c->c_time < w->now)
			return "wheel: an overflow member is older than the clock";
		if (c->c_time < *min)
			*min = c->c_time;
		if (++n > w->nover)
			break;
	}
	if (n != w->nover)
		return "wheel: the overflow count does not match the list";
	return NULL;
}

static const char *
wheel_check(void *be)
{
	const struct wheel_be *w = be;
	sbintime_t min = SBT_MAX;
	size_t n = 0, bytes = 0;
	const char *why;

	if (w->now < 0)
		return "wheel: negative clock";
	if (w->cursor > wheel_tick(w->now))
		return "wheel: the cursor is ahead of the clock";
	if (WHEEL_WORDS % 64 != 0 && w->sum[WHEEL_SUMS - 1] >> (WHEEL_WORDS % 64))
		return "wheel: summary bits set past the slot bitmap";
	for (size_t i = 0; i < WHEEL_WORDS; i++)
		if ((why = wheel_check_word(w, i, &n, &min)) != NULL)
			return why;
	for (size_t s = 0; s < WHEEL_SLOTS; s++)
		bytes += (size_t)w->slot[s].cap * sizeof(struct callout *);
	if (bytes != w->bytes)
		return "wheel: the byte count does not match the arrays";
	if (n != w->count)
		return "wheel: the count does not match the buckets";
	if ((why = wheel_check_over(w, &min)) != NULL)
		return why;
	if (w->ks.min != CALLOUT_KEEP_MIN_UNKNOWN && w->ks.min != min)
		return "wheel: the cached minimum is wrong";
	return NULL;
}

static size_t
wheel_footprint(void *be)
{
	struct wheel_be *w = be;

	return sizeof(*w) + w->bytes;
}

size_t
callout_wheel_overflowed(const void *be)
{
	const struct wheel_be *w = be;

	return w->nover;
}

const struct callout_backend_ops callout_backend_wheel = {
	.name = "wheel",
	.description = "scheme 6: hashed timing wheel, unsorted bucket arrays, O(1) insert/remove",
	.create = wheel_create,
	.destroy = wheel_destroy,
	.insert = wheel_insert,
	.remove = wheel_remove,
	.reschedule = wheel_reschedule,
	.keeps = true,
	.next = wheel_next,
	.expire = wheel_expire,
	.check = wheel_check,
	.footprint = wheel_footprint,
};
