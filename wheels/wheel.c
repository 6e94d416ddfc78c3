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
 * the misses overlap.  Each callout keeps its index in c_links.u64[0] (its
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
 * and a re-arm that does not relink touches no other callout (a relink
 * writes to the entry moved into its place).  So a callout sits in a
 * bucket that comes due at or before its deadline, not always in the
 * bucket of its deadline: scheme 6's callouts of later revolutions are
 * one case.  A two-level bitmap of occupied slots lets expire and next skip
 * empty slots, and an exact cached minimum makes next() and "nothing due
 * yet" expires O(1) most of the time.
 *
 * Reservations keep expire from allocating (it cannot fail): a callout
 * whose home differs from its bucket holds one entry reserved in its
 * home's array, taken when a lazy re-arm gives it that home (the re-arm
 * may fail with ENOMEM, before it changes anything).  The sweep that moves
 * it home uses the reserved entry.  Every bucket has cap >= n + reserved.
 *
 * Default configuration (meson options wheel_slots, wheel_tick_us):
 *   slots        S = 4096
 *   granularity  ustosbt(1000 us) = 4294968 sbt (1 ms + 0.16 ns)
 *   revolution   S * granularity ~= 4.096 s; longer timeouts wait in their
 *                bucket for their revolution
 *   fixed        98,864 bytes: 96 KiB of bucket heads (24 B each: array,
 *                n, cap, reserved), 512 B slot bitmap, 8 B summary, 40 B
 *                header
 *   arrays       8 entries (64 B) at a bucket's first callout, doubled
 *                (realloc) when n + reserved would pass cap; never shrunk
 *                while the wheel lives, as the heap's: giving memory back
 *                would put the allocator on the remove and expire paths.
 *                8 to 16 bytes per callout at the peak (plus reservations),
 *                freed in destroy
 *
 * Cost (N callouts inside, S slots):
 *   insert   O(1)  hash (a multiplication), append to the bucket's array,
 *                  set 2 bits; amortised O(1) when the array doubles
 *   remove   O(1)  the last entry fills the hole; clear the bits when the
 *                  bucket empties
 *   resched  O(1)  to a deadline at or after its bucket's sweep: set
 *                  c_time and move a reservation (when the home changes),
 *                  nothing else; to an earlier one: remove and insert
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
 *                  re-filed after a lazy re-arm; never allocates;
 *                  per empty tick: no bucket visit; the slot bitmap
 *                  skips empty slots 64 at a time, its summary 4096 at a
 *                  time;
 *                  per jump: at most one revolution is swept, every
 *                  occupied bucket once, O(N + S/4096) however long the
 *                  jump.
 *   check    O(N + S), and S counters of scratch (calloc)
 *
 * expire appends to `due` slot by slot from the cursor on, each bucket
 * from its last entry to its first: not sorted by deadline.
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

/*
 * How far ahead a bucket walk prefetches: enough callouts in flight to
 * cover a miss to memory, few enough not to evict what is still to be
 * read.
 */
#define WHEEL_PREFETCH	8

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
 * v[0] .. v[n - 1] are the callouts in the bucket, in no order; v is NULL
 * until the first one arrives.  `reserved` entries past them are promised
 * to callouts of other buckets whose home this is (see wheel_reschedule).
 */
struct wheel_bucket {
	struct callout **v;
	uint32_t n;		/* callouts in the bucket */
	uint32_t cap;		/* entries v has room for: 0 or a power of two */
	uint32_t reserved;	/* entries promised to callouts coming home */
};

/*
 * Everything is guarded by the base lock (the core holds it on every call;
 * next() writes the cached minimum, so a shared lock is not enough).
 * Invariants, checked by wheel_check():
 *   - a callout c sits at slot[c_slot].v[c_links.u64[0]]; that slot comes
 *     due, counting from the cursor, no later than the tick of its c_time;
 *     c_time >= now;
 *   - slot[h].reserved is the number of callouts with home h =
 *     slot(c_time) that sit in another bucket; n + reserved <= cap;
 *   - cursor <= tick(now): an expire with nothing due moves the clock but
 *     not the cursor, so buckets it passed are swept by the next sweep;
 *   - occ has bit s set iff slot[s] is not empty, sum has bit i set iff
 *     occ[i] is not zero;
 *   - count is the number of callouts inside, bytes the arrays' size;
 *   - min is WHEEL_MIN_UNKNOWN or the smallest c_time (SBT_MAX: empty).
 */
struct wheel_be {
	sbintime_t now;		/* last expire time */
	uint64_t cursor;	/* tick the next sweep starts from */
	sbintime_t min;		/* cached minimum, or WHEEL_MIN_UNKNOWN */
	size_t count;		/* callouts inside */
	size_t bytes;		/* sum of the arrays' sizes, for footprint */
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

/*
 * Make room in slot s's array for `more` entries beyond its callouts and
 * reservations, doubling it as often as needed.  ENOMEM leaves the bucket
 * untouched; every caller makes its room before it changes anything.
 */
static int
wheel_room(struct wheel_be *w, size_t s, uint32_t more)
{
	struct wheel_bucket *b = &w->slot[s];
	uint64_t need = (uint64_t)b->n + b->reserved + more;
	uint64_t cap = b->cap != 0 ? b->cap : WHEEL_INITIAL;
	struct callout **v;

	if (need <= b->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > WHEEL_CAP_MAX)
		return ENOMEM;
	v = callout_wheel_realloc(b->v, (size_t)cap * sizeof(*v));
	if (v == NULL)
		return ENOMEM;
	w->bytes += ((size_t)cap - b->cap) * sizeof(*v);
	b->v = v;
	b->cap = (uint32_t)cap;
	return 0;
}

/* Append c to slot s's bucket, which has room (wheel_room, or c's
 * reservation there). */
static inline void
wheel_push(struct wheel_be *w, struct callout *c, size_t s)
{
	struct wheel_bucket *b = &w->slot[s];

	c->c_links.u64[0] = b->n;
	c->c_slot = (unsigned short)s;
	b->v[b->n++] = c;
	wheel_mark(w, s);
}

/* Take the entry at index i out of bucket b: the last one fills the hole.
 * The caller clears the slot's bits once it is done with the bucket. */
static inline void
wheel_cut(struct wheel_bucket *b, uint32_t i)
{
	struct callout *last = b->v[--b->n];

	if (i != b->n) {
		b->v[i] = last;
		last->c_links.u64[0] = i;
	}
}

/* Give up the entry c's home holds for it, if it sits elsewhere. */
static inline void
wheel_release(struct wheel_be *w, const struct callout *c, size_t s)
{
	size_t home = wheel_slot(c->c_time);

	if (home != s)
		w->slot[home].reserved--;
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
	w->min = SBT_MAX;
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

/* An insert whose room is made: into its home, so no reservation. */
static inline void
wheel_insert_home(struct wheel_be *w, struct callout *c, size_t home)
{
	wheel_push(w, c, home);
	w->count++;
	/* An exact minimum stays exact; WHEEL_MIN_UNKNOWN stays unknown. */
	if (c->c_time < w->min)
		w->min = c->c_time;
}

static int
wheel_insert(void *be, struct callout *c)
{
	struct wheel_be *w = be;
	size_t home = wheel_slot(c->c_time);

	if (wheel_room(w, home, 1) != 0)
		return ENOMEM;
	wheel_insert_home(w, c, home);
	return 0;
}

static void
wheel_remove(void *be, struct callout *c)
{
	struct wheel_be *w = be;
	size_t s = c->c_slot;

	wheel_release(w, c, s);
	wheel_cut(&w->slot[s], (uint32_t)c->c_links.u64[0]);
	if (w->slot[s].n == 0)
		wheel_unmark(w, s);
	w->count--;
	if (c->c_time == w->min)
		w->min = WHEEL_MIN_UNKNOWN;
}

static int
wheel_reschedule(void *be, struct callout *c, sbintime_t when)
{
	struct wheel_be *w = be;
	size_t s = c->c_slot;
	size_t old = wheel_slot(c->c_time), home = wheel_slot(when);

	if (wheel_tick(when) >= wheel_due(w, s)) {
		/* Its bucket comes due first: stay, the sweep re-files it
		 * into the entry reserved at its new home. */
		if (home != old) {
			if (home != s) {
				if (wheel_room(w, home, 1) != 0)
					return ENOMEM;
				w->slot[home].reserved++;
			}
			if (old != s)
				w->slot[old].reserved--;
		}
		/* An unknown minimum (-1) is below every deadline. */
		if (when <= w->min)
			w->min = when;
		else if (c->c_time == w->min)
			w->min = WHEEL_MIN_UNKNOWN;
		c->c_time = when;
		return 0;
	}
	/*
	 * Earlier than its bucket's sweep: relink into its home, which is
	 * not s (a tick at or after the cursor in slot s is due(s) or
	 * later).  When the home stays and c holds an entry reserved there,
	 * the remove frees that entry for the insert: no room to make.
	 */
	if ((old == s || old != home) && wheel_room(w, home, 1) != 0)
		return ENOMEM;
	wheel_remove(w, c);
	c->c_time = when;
	wheel_insert_home(w, c, home);
	return 0;
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
 * (which the sweep may still reach, or which comes round later), into the
 * entry reserved for it there: no allocation.  From the last entry down,
 * so that the entry that fills a hole has been looked at already and the
 * prefetched ones below stay where they are.
 */
static void
wheel_sweep_slot(struct wheel_be *w, size_t s, sbintime_t now,
    struct callout_tailq *due)
{
	struct wheel_bucket *b = &w->slot[s];

	for (uint32_t i = b->n; i-- > 0;) {
		struct callout *c = b->v[i];
		size_t home;

		if (i >= WHEEL_PREFETCH)
			__builtin_prefetch(b->v[i - WHEEL_PREFETCH]);
		if (c->c_time <= now) {
			wheel_release(w, c, s);
			wheel_cut(b, i);
			TAILQ_INSERT_TAIL(due, c, c_links.tqe);
			w->count--;
		} else if ((home = wheel_slot(c->c_time)) != s) {
			wheel_cut(b, i);
			w->slot[home].reserved--;
			wheel_push(w, c, home);
		}
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

/*
 * Check the bucket of slot s; count its callouts into *n, *min, and the
 * reservations they hold into homes[].
 */
static const char *
wheel_check_slot(const struct wheel_be *w, size_t s, size_t *n,
    sbintime_t *min, uint32_t *homes)
{
	const struct wheel_bucket *b = &w->slot[s];

	if (b->cap != 0 && (b->cap < WHEEL_INITIAL ||
	    (b->cap & (b->cap - 1)) != 0))
		return "wheel: an array's capacity is not a power of two";
	if ((b->v == NULL) != (b->cap == 0))
		return "wheel: an array and its capacity disagree";
	if ((uint64_t)b->n + b->reserved > b->cap)
		return "wheel: callouts and reservations exceed an array";
	for (uint32_t i = 0; i < b->n; i++) {
		const struct callout *c = b->v[i];

		if (c == NULL)
			return "wheel: empty entry";
		if (c->c_links.u64[0] != i)
			return "wheel: stored index does not match position";
		if (c->c_slot != s)
			return "wheel: a callout's c_slot is not its bucket";
		if (wheel_due(w, s) > wheel_tick(c->c_time))
			return "wheel: a callout sits in a slot after its deadline";
		if (c->c_time < w->now)
			return "wheel: a callout is older than the clock";
		if (wheel_slot(c->c_time) != s)
			homes[wheel_slot(c->c_time)]++;
		if (c->c_time < *min)
			*min = c->c_time;
		(*n)++;
	}
	return NULL;
}

/* Check the 64 slots of bitmap word i against their buckets. */
static const char *
wheel_check_word(const struct wheel_be *w, size_t i, size_t *n,
    sbintime_t *min, uint32_t *homes)
{
	uint64_t want = 0;

	for (size_t s = i * 64; s < WHEEL_SLOTS && s < i * 64 + 64; s++) {
		const char *why = wheel_check_slot(w, s, n, min, homes);

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

static const char *
wheel_check_buckets(const struct wheel_be *w, uint32_t *homes)
{
	sbintime_t min = SBT_MAX;
	size_t n = 0, bytes = 0;

	for (size_t i = 0; i < WHEEL_WORDS; i++) {
		const char *why = wheel_check_word(w, i, &n, &min, homes);

		if (why != NULL)
			return why;
	}
	for (size_t s = 0; s < WHEEL_SLOTS; s++) {
		if (w->slot[s].reserved != homes[s])
			return "wheel: reservations do not match the callouts away from home";
		bytes += (size_t)w->slot[s].cap * sizeof(struct callout *);
	}
	if (bytes != w->bytes)
		return "wheel: the byte count does not match the arrays";
	if (n != w->count)
		return "wheel: the count does not match the buckets";
	if (w->min != WHEEL_MIN_UNKNOWN && w->min != min)
		return "wheel: the cached minimum is wrong";
	return NULL;
}

static const char *
wheel_check(void *be)
{
	const struct wheel_be *w = be;
	uint32_t *homes;
	const char *why;

	if (w->now < 0)
		return "wheel: negative clock";
	if (w->cursor > wheel_tick(w->now))
		return "wheel: the cursor is ahead of the clock";
	if (WHEEL_WORDS % 64 != 0 && w->sum[WHEEL_SUMS - 1] >> (WHEEL_WORDS % 64))
		return "wheel: summary bits set past the slot bitmap";
	/* Not through callout_wheel_realloc: this is the test's memory, not
	 * the wheel's, and a test failing the wheel's allocator checks. */
	homes = calloc(WHEEL_SLOTS, sizeof(*homes));
	if (homes == NULL)
		return "wheel: check: out of memory";
	why = wheel_check_buckets(w, homes);
	free(homes);
	return why;
}

static size_t
wheel_footprint(void *be)
{
	struct wheel_be *w = be;

	return sizeof(*w) + w->bytes;
}

const struct callout_backend_ops callout_backend_wheel = {
	.name = "wheel",
	.description = "scheme 6: hashed timing wheel, unsorted bucket arrays, O(1) insert/remove",
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
