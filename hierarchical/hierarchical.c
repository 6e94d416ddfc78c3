/*
 * hierarchical.c - the hierarchical timing wheel: Varghese & Lauck scheme 7.
 *
 *   clock = 12:03:40 + f    (its tick in base 64, one digit per level, and
 *                            f, how far into that tick, in sbt units)
 *
 *   level 2  . . . . [12] # . . . . # . . . .   64 slots of 4096 ticks
 *   level 1  . . . . [03] # # . . . . . # . .   64 slots of   64 ticks
 *   level 0  . . . . [40] . # . . # . . . . #   64 slots of    1 tick
 *                      |
 *                      +--> levels f5 .. f0: tick 12:03:40 itself, cut the
 *                           same way by the bits of f, down to one sbt unit
 *   overflow -> c -> c                          past the top level
 *
 *   [d] the clock's digit; # a slot holding callouts, i.e. a bit set in the
 *   level's bitmap.  A callout due in tick 12:03:41 sits in level 0 slot 41,
 *   one due in 12:05:17 in level 1 slot 05, one due in 13:00:00 in level 2
 *   slot 13.  When level 0 wraps (12:03:63 -> 12:04:00) the clock enters
 *   level 1 slot 04, whose callouts are filed again in level 0 (a cascade).
 *
 * G. Varghese and T. Lauck, "Hashed and Hierarchical Timing Wheels: Data
 * Structures for the Efficient Implementation of a Timer Facility", SOSP
 * 1987, scheme 7.  Time is cut into ticks of CALLOUT_HIER_TICK_US, and a
 * tick is written in base 2^CALLOUT_HIER_SLOT_BITS, one digit per level,
 * like the seconds, minutes and hours of a clock.  A callout sits at the
 * level of the highest digit in which its tick differs from the clock's, in
 * the slot of its own digit there.  When the clock's digit at level L
 * changes, the slot it enters is taken apart and its callouts are filed
 * again, lower down, or handed out as due.  Callouts beyond the top level
 * wait, unsorted, in an overflow list until the clock's tick gets that far.
 *
 * The seam wants expire and next exact to the sbt unit, not to the tick, so
 * the current tick is cut the same way: a callout due in it sits in the
 * fraction levels f0.., by the highest digit in which its offset into the
 * tick differs from the clock's.  When the clock enters a tick, that tick's
 * level-0 slot cascades into them, and as `now` moves on within the tick
 * they cascade down to f0, whose slots are one sbt unit: one deadline each.
 * A deadline is thus one mixed-radix number, (tick, offset), and nothing is
 * ever sorted or scanned for c_time <= now.
 *
 * Default configuration: hier_levels=6, hier_slot_bits=6, hier_tick_us=1000
 * (a tick is ustosbt(1000) = 4294968 sbt, 1 ms):
 *
 *   level  slots  slot width          a callout there is due within
 *     5      64   12 d 10 h           795 d (2^36 ticks)
 *     4      64   4 h 40 min          12 d 10 h
 *     3      64   4 min 22 s          4 h 40 min
 *     2      64   4.096 s             4 min 22 s
 *     1      64   64 ms               4.096 s
 *     0      64   1 ms                64 ms
 *    f5      64   2^30 sbt (0.25 s)   unused with 1 ms ticks: f4 and f5
 *    f4      64   2^24 sbt (3.9 ms)   serve ticks up to 1 s (32 bits)
 *    f3      64   2^18 sbt (61 us)    the current tick (17 slots of it)
 *    f2      64   4096 sbt (954 ns)
 *    f1      64   64 sbt (15 ns)
 *    f0      64   1 sbt (0.23 ns)     one deadline per slot
 *   overflow: anything later than level 5 reaches (a list)
 *
 * Memory: 12 levels x 64 slots x (an 8-byte list head and the slot's known
 * minimum, 8 bytes), 12 x 32 bytes of bitmaps and a 64-byte header: 12,736
 * bytes, whatever N.  A callout needs nothing beyond its c_links (a
 * LIST_ENTRY) and c_slot (the slot it is in).
 *
 * Because a callout is filed at its highest differing digit, every callout
 * at a level is earlier than every callout at the level above, and a
 * level's occupied slots lie after the clock's digit (at f0, at or after
 * it): slots are never read as a ring.  That is what makes next() and a
 * jump cheap.  One exception, the lazy re-arm: a callout in a slot of tick
 * level 1 or above, re-armed to any time at or after that slot's start,
 * stays where it is (hier_reschedule), so such a slot can hold callouts
 * due after its end.  A bit marks those slots ("kept"); a pass of the
 * clock over one, and next() when it is the earliest, file them again.
 *
 *   insert   O(1)  a multiply for the tick, xor, clz, list push, bit set,
 *                  and the slot's known minimum; never allocates
 *   remove   O(1)  unlink; its slot (c_slot) loses its bit when emptied,
 *                  or the exactness of its known minimum when c held it
 *                  (and the next in the chain does not share it)
 *   resched  O(1)  in a slot of tick level 1 or up, to its start or later:
 *                  c_time and the two known minima, no other callout
 *                  touched; else a remove and an insert.  A kept callout
 *                  is filed again at most once per re-arm that left it
 *                  past its slot (when the clock passes the slot, or next()
 *                  finds it earliest)
 *   next     O(1)  the cached minimum while it is exact: inserts keep it
 *                  exact, and so do removes and expires that leave it in.
 *                  Otherwise the lowest set bit of the lowest non-empty
 *                  level (at most 2 words a level, 2 ctz) and that slot's
 *                  known minimum: all one deadline at f0, else exact unless
 *                  the callout that held it was removed; then a walk of the
 *                  slot (of the overflow list when only it is left).  So
 *                  removing the minimum of a crowded slot again and again,
 *                  with next() in between, walks that slot each time.
 *   expire   O(1) per callout handed out as due, plus:
 *     cascade       O(1) per callout moved down a level; a callout moves
 *                   down at most once per level below the one it was filed
 *                   at (9 times with the defaults: f4 and f5 stay empty),
 *                   and a clock move takes apart one slot, of the highest
 *                   level whose digit changes
 *     per tick      one masked bitmap word per level whose digit changes:
 *                   the fraction levels, level 0, more when level 0 wraps
 *     per jump      the same, plus O(1) per occupied slot passed, whatever
 *                   the jump's length: empty slots are skipped with ctz
 *     overflow      one walk of the overflow list when the clock enters the
 *                   2^(LEVELS x SLOT_BITS)-tick span of its earliest
 *                   callout (a lower bound of their ticks tells when)
 *
 * `due` is filled slot by slot, not in c_time order; callouts with equal
 * c_time come out together, in no promised order.  Deadlines are times
 * since boot (>= 0) and, as the seam requires, never before the last `now`.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "callout_backend.h"
#include "callout_build.h"

#define HIER_BITS	CALLOUT_HIER_SLOT_BITS
#define HIER_SLOTS	(1u << HIER_BITS)
#define HIER_MASK	(HIER_SLOTS - 1)
#define HIER_WORDS	((HIER_SLOTS + 63) / 64)	/* bitmap words per level */
/* Fraction levels: enough digits for an offset into a tick (< 2^32 sbt). */
#define HIER_FRACS	((32 + HIER_BITS - 1) / HIER_BITS)
#define HIER_NLEVELS	(HIER_FRACS + CALLOUT_HIER_LEVELS)
#define HIER_SPAN	(CALLOUT_HIER_LEVELS * HIER_BITS) /* bits of tick covered */
#define HIER_OVF_SLOT	0xFFFF	/* c_slot of a callout on the overflow list */

_Static_assert(HIER_SPAN <= 64,
    "hier_levels * hier_slot_bits must not exceed 64");
_Static_assert(HIER_WORDS <= 64,
    "a level's summary word covers at most 4096 slots");
_Static_assert(CALLOUT_HIER_TICK_US <= 1000000,
    "the fraction levels cover 32 bits: ticks of at most one second");
_Static_assert(HIER_NLEVELS * HIER_SLOTS < HIER_OVF_SLOT,
    "c_slot names a slot as level * slots + digit, in 16 bits");

/*
 * Level-0 slot width.  ustosbt() of a constant folds to a constant, so the
 * division in tick_of() compiles to a multiply and a shift.
 */
#define HIER_TICK_SBT	((uint64_t)ustosbt(CALLOUT_HIER_TICK_US))

#define HIER_STR_(x)	#x
#define HIER_STR(x)	HIER_STR_(x)

LIST_HEAD(hier_slot, callout);

struct hier_bitmap {
	uint64_t summary;		/* bit w: word[w] != 0 (more than 64 slots) */
	uint64_t word[HIER_WORDS];	/* bit d: slot d holds a callout */
};

/*
 * Levels are numbered from the finest: 0 .. HIER_FRACS-1 are the fraction
 * levels f0.., then the tick levels 0.. (as the comment above names them).
 * All of it, like the c_links of the callouts inside, is guarded by the
 * owning base's lock, which the core holds around every call.
 */
struct hier {
	uint64_t clk;		/* the clock: tick of `now` ... */
	uint64_t frac;		/* ... and offset of `now` into it */
	sbintime_t now;		/* last expire (or create) time */
	sbintime_t min;		/* <= every c_time inside */
	bool min_exact;		/* min is the smallest c_time (SBT_MAX: empty) */
	size_t count;		/* callouts inside */
	uint64_t ovf_lb;	/* <= the tick of every callout in ovf */
	struct hier_slot ovf;	/* callouts beyond the top level, unsorted */
	struct hier_bitmap map[HIER_NLEVELS];
	/* Each occupied slot's known minimum: a lower bound of its c_times,
	 * exact while its bit in min_ok is set. */
	sbintime_t smin[HIER_NLEVELS][HIER_SLOTS];
	uint64_t min_ok[HIER_NLEVELS][HIER_WORDS];
	/* Slots that may hold a callout kept in place past their end (tick
	 * levels 1 and up only; see hier_reschedule). */
	uint64_t kept[HIER_NLEVELS][HIER_WORDS];
	struct hier_slot slot[HIER_NLEVELS][HIER_SLOTS];
};

/* x >> n for n up to 64 (the tick levels may span the whole word). */
static inline uint64_t
shr(uint64_t x, unsigned n)
{
	return n < 64 ? x >> n : 0;
}

static inline uint64_t
tick_of(sbintime_t t)
{
	return (uint64_t)t / HIER_TICK_SBT;
}

/* The digit holding the highest set bit of x (0 for x == 0). */
static inline unsigned
top_digit(uint64_t x)
{
	return (unsigned)(63 - __builtin_clzll(x | 1)) / HIER_BITS;
}

/* Digit `level` of the position (tick, offset into it). */
static inline unsigned
digit(unsigned level, uint64_t tick, uint64_t frac)
{
	if (level < HIER_FRACS)
		return (unsigned)(frac >> (level * HIER_BITS)) & HIER_MASK;
	return (unsigned)(tick >> ((level - HIER_FRACS) * HIER_BITS)) & HIER_MASK;
}

/*
 * Nonzero when two positions differ at `level` or above; dtick and dfrac
 * are the xors of their ticks and offsets.
 */
static inline uint64_t
differ_from(unsigned level, uint64_t dtick, uint64_t dfrac)
{
	if (level < HIER_FRACS)
		return dtick | (dfrac >> (level * HIER_BITS));
	return shr(dtick, (level - HIER_FRACS) * HIER_BITS);
}

static inline bool
bm_test(const struct hier_bitmap *m, unsigned d)
{
	return (m->word[d / 64] >> (d % 64)) & 1;
}

static inline void
bm_set(struct hier_bitmap *m, unsigned d)
{
	m->word[d / 64] |= 1ULL << (d % 64);
	if (HIER_WORDS > 1)
		m->summary |= 1ULL << (d / 64);
}

static inline void
bm_clear(struct hier_bitmap *m, unsigned d)
{
	m->word[d / 64] &= ~(1ULL << (d % 64));
	if (HIER_WORDS > 1 && m->word[d / 64] == 0)
		m->summary &= ~(1ULL << (d / 64));
}

static inline bool
bm_empty(const struct hier_bitmap *m)
{
	return HIER_WORDS > 1 ? m->summary == 0 : m->word[0] == 0;
}

/* The first occupied slot at or after `from`, or HIER_SLOTS: 2 ctz at most. */
static inline unsigned
bm_next(const struct hier_bitmap *m, unsigned from)
{
	unsigned w = from / 64;
	uint64_t bits, words;

	if (from >= HIER_SLOTS)
		return HIER_SLOTS;
	bits = m->word[w] & (~0ULL << (from % 64));
	if (bits != 0)
		return w * 64 + (unsigned)__builtin_ctzll(bits);
	if (HIER_WORDS == 1)
		return HIER_SLOTS;
	words = m->summary & (~1ULL << w);	/* the words after w */
	if (words == 0)
		return HIER_SLOTS;
	w = (unsigned)__builtin_ctzll(words);
	return w * 64 + (unsigned)__builtin_ctzll(m->word[w]);
}

/*
 * Where a deadline belongs under the current clock (the invariant check()
 * walks): its level and slot, or false when it is beyond the top level.
 */
static inline bool
hier_place(const struct hier *h, sbintime_t when, unsigned *l, unsigned *d)
{
	uint64_t t = tick_of(when), x = t ^ h->clk;

	if (x != 0) {
		if (__builtin_expect(shr(x, HIER_SPAN) != 0, 0))
			return false;
		*l = HIER_FRACS + top_digit(x);
		*d = digit(*l, t, 0);
	} else {
		uint64_t f = (uint64_t)when - t * HIER_TICK_SBT;

		*l = top_digit(f ^ h->frac);
		*d = digit(*l, t, f);
	}
	return true;
}

/*
 * The first tick of slot (l, d), l a tick level: the clock's digits above
 * l, then d, then zeros.  A callout in the slot is due at or after it.
 */
static inline uint64_t
slot_start_tick(const struct hier *h, unsigned l, unsigned d)
{
	unsigned s = (l - HIER_FRACS) * HIER_BITS, above = s + HIER_BITS;
	uint64_t low = above < 64 ? (1ULL << above) - 1 : ~0ULL;

	return (h->clk & ~low) | (uint64_t)d << s;
}

/* Bit d of a per-level row of slot bits (min_ok, kept). */
static inline void
slotbit_set(uint64_t *row, unsigned d)
{
	row[d / 64] |= 1ULL << (d % 64);
}

static inline void
slotbit_clear(uint64_t *row, unsigned d)
{
	row[d / 64] &= ~(1ULL << (d % 64));
}

static inline bool
slotbit_test(const uint64_t *row, unsigned d)
{
	return (row[d / 64] >> (d % 64)) & 1;
}

/* Slot (l, d) is empty now: no bit, nothing kept. */
static inline void
slot_emptied(struct hier *h, unsigned l, unsigned d)
{
	bm_clear(&h->map[l], d);
	slotbit_clear(h->kept[l], d);
}

/* Put c where its deadline and the clock say. */
static void
hier_file(struct hier *h, struct callout *c)
{
	unsigned l, d;

	if (!hier_place(h, c->c_time, &l, &d)) {
		uint64_t t = tick_of(c->c_time);

		LIST_INSERT_HEAD(&h->ovf, c, c_links.le);
		c->c_slot = HIER_OVF_SLOT;
		if (t < h->ovf_lb)
			h->ovf_lb = t;
		return;
	}
	/* Not above the slot's lower bound (or first in): its minimum. */
	if (!bm_test(&h->map[l], d) || c->c_time <= h->smin[l][d]) {
		h->smin[l][d] = c->c_time;
		slotbit_set(h->min_ok[l], d);
	}
	LIST_INSERT_HEAD(&h->slot[l][d], c, c_links.le);
	c->c_slot = (unsigned short)(l * HIER_SLOTS + d);
	bm_set(&h->map[l], d);
}

static void
hier_due(struct hier *h, struct callout *c, struct callout_tailq *due)
{
	TAILQ_INSERT_TAIL(due, c, c_links.tqe);
	h->count--;
}

/* Every callout of slot (l, d) is due: hand them all out. */
static void
hier_flush(struct hier *h, unsigned l, unsigned d, struct callout_tailq *due)
{
	struct callout *c, *next;

	for (c = LIST_FIRST(&h->slot[l][d]); c != NULL; c = next) {
		next = LIST_NEXT(c, c_links.le);
		hier_due(h, c, due);
	}
	LIST_INIT(&h->slot[l][d]);
	slot_emptied(h, l, d);
}

/*
 * Take slot (l, d) apart: hand out the callouts due by now and file the
 * others again, relative to the clock.  That is the cascade, when the
 * clock enters a slot; and when it passes one that may hold callouts kept
 * past its end (hier_reschedule), with `later` set: those not yet due wait
 * there, to be filed once the clock has moved.
 */
static void
hier_take(struct hier *h, unsigned l, unsigned d, sbintime_t now,
    struct callout_tailq *due, struct hier_slot *later)
{
	struct callout *c = LIST_FIRST(&h->slot[l][d]), *next;

	LIST_INIT(&h->slot[l][d]);
	slot_emptied(h, l, d);
	for (; c != NULL; c = next) {
		next = LIST_NEXT(c, c_links.le);
		if (c->c_time <= now)
			hier_due(h, c, due);
		else if (later != NULL)
			LIST_INSERT_HEAD(later, c, c_links.le);
		else
			hier_file(h, c);
	}
}

/* Bring into the wheel (or hand out) the overflow callouts the clock now
 * reaches.  Skipped while the lower bound of their ticks lies in a later
 * span; a walk makes the bound exact again. */
static void
hier_pull_overflow(struct hier *h, sbintime_t now, struct callout_tailq *due)
{
	struct callout *c, *next;
	uint64_t lb = UINT64_MAX;

	if (shr(h->ovf_lb, HIER_SPAN) > shr(h->clk, HIER_SPAN))
		return;
	for (c = LIST_FIRST(&h->ovf); c != NULL; c = next) {
		uint64_t t = tick_of(c->c_time);

		next = LIST_NEXT(c, c_links.le);
		if (c->c_time > now && shr(t ^ h->clk, HIER_SPAN) != 0) {
			if (t < lb)
				lb = t;
			continue;
		}
		LIST_REMOVE(c, c_links.le);
		if (c->c_time <= now)
			hier_due(h, c, due);
		else
			hier_file(h, c);
	}
	h->ovf_lb = lb;
}

/*
 * Move the clock to the later position (to, frac).  At each level, from f0
 * up, at or above which the clock's digits change: the slots the clock
 * passes hold only callouts due before the new position, all due; at the
 * highest such level the clock enters a slot, which is cascaded.  Empty
 * slots are skipped with the bitmaps, so the cost does not depend on how
 * far the clock moves.  The f0 slot the clock lands on is left to expire.
 */
static void
hier_advance(struct hier *h, uint64_t to, uint64_t frac, sbintime_t now,
    struct callout_tailq *due)
{
	uint64_t dtick = h->clk ^ to, dfrac = h->frac ^ frac;
	unsigned l, d, end, enter = HIER_SLOTS;
	struct hier_slot later = LIST_HEAD_INITIALIZER(later);
	struct callout *c;

	for (l = 0; l < HIER_NLEVELS && differ_from(l, dtick, dfrac); l++) {
		end = HIER_SLOTS;
		if (!differ_from(l + 1, dtick, dfrac))
			end = enter = digit(l, to, frac);
		d = digit(l, h->clk, h->frac);
		while ((d = bm_next(&h->map[l], d)) < end) {
			if (slotbit_test(h->kept[l], d))
				hier_take(h, l, d, now, due, &later);
			else
				hier_flush(h, l, d, due);
		}
	}
	h->clk = to;
	h->frac = frac;
	if (l > 1 && enter != HIER_SLOTS && bm_test(&h->map[l - 1], enter))
		hier_take(h, l - 1, enter, now, due, NULL);
	while ((c = LIST_FIRST(&later)) != NULL) {
		LIST_REMOVE(c, c_links.le);
		hier_file(h, c);
	}
	hier_pull_overflow(h, now, due);
}

static void *
hier_create(sbintime_t now)
{
	struct hier *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->clk = tick_of(now);
	h->frac = (uint64_t)now - h->clk * HIER_TICK_SBT;
	h->now = now;
	h->min = SBT_MAX;
	h->min_exact = true;
	h->ovf_lb = UINT64_MAX;
	/* All slot heads and bitmaps zero: empty (LIST_INIT); the known
	 * minima count only in occupied slots. */
	return h;
}

static void
hier_destroy(void *be)
{
	free(be);
}

static int
hier_insert(void *be, struct callout *c)
{
	struct hier *h = be;

	hier_file(h, c);
	h->count++;
	if (c->c_time <= h->min) {	/* not above a lower bound: the minimum */
		h->min = c->c_time;
		h->min_exact = true;
	}
	return 0;
}

static void
hier_remove(void *be, struct callout *c)
{
	struct hier *h = be;
	struct callout *next = LIST_NEXT(c, c_links.le);
	unsigned l, d;

	LIST_REMOVE(c, c_links.le);
	h->count--;
	if (c->c_time == h->min)
		h->min_exact = false;
	if (c->c_slot == HIER_OVF_SLOT)
		return;				/* from the overflow list */
	l = c->c_slot / HIER_SLOTS;
	d = c->c_slot % HIER_SLOTS;
	if (LIST_EMPTY(&h->slot[l][d]))
		slot_emptied(h, l, d);
	else if (c->c_time == h->smin[l][d] &&
	    (next == NULL || next->c_time != c->c_time))
		slotbit_clear(h->min_ok[l], d);	/* c held it; a twin next keeps it */
}

/* The re-arms that move c: out of line, so that hier_reschedule's kept
 * re-arm saves no registers for them. */
static __attribute__((noinline)) void
hier_relink(struct hier *h, struct callout *c, sbintime_t when)
{
	hier_remove(h, c);
	c->c_time = when;
	hier_insert(h, c);
}

/*
 * Re-arm c to `when` where it is, when it can stay: in a slot of tick
 * level 1 or above, c is found in time for any deadline at or after the
 * slot's start, because the clock takes the slot apart before it reaches
 * that start (a cascade, or a pass in hier_advance) and files or hands out
 * each callout by its c_time then.  So a re-arm to the slot itself or to
 * any later position (TCP's push-back, nearly always) changes only c_time
 * and the known minima; a slot left holding a callout past its end is
 * marked, and next() files such callouts again when their slot is the
 * earliest (hier_settle).  Level 0 and the fraction levels, whose slots
 * are due when the clock reaches them, the overflow list, and a re-arm to
 * before the slot move c.  A re-arm that does not relink touches no other
 * callout: at 10^6 timers one cache miss, not three (c's neighbours in
 * the old chain and the new).
 */
static void
hier_reschedule(void *be, struct callout *c, sbintime_t when)
{
	struct hier *h = be;
	unsigned l = c->c_slot / HIER_SLOTS, d = c->c_slot % HIER_SLOTS;
	uint64_t t = tick_of(when), start;

	/* At or after the slot's start is where hier_place would put it:
	 * this slot, a later one of its level, or a level above (or the
	 * overflow list); a compare of ticks, not a placement. */
	if (c->c_slot != HIER_OVF_SLOT && l > HIER_FRACS &&
	    t >= (start = slot_start_tick(h, l, d))) {
		/* Both minima are lower bounds: one at or above when
		 * becomes when, exact; one c held may no longer be. */
		if (when <= h->min) {
			h->min = when;
			h->min_exact = true;
		} else if (c->c_time == h->min) {
			h->min_exact = false;
		}
		if (when <= h->smin[l][d]) {
			h->smin[l][d] = when;
			slotbit_set(h->min_ok[l], d);
		} else if (c->c_time == h->smin[l][d]) {
			slotbit_clear(h->min_ok[l], d);
		}
		c->c_time = when;
		if ((t - start) >> ((l - HIER_FRACS) * HIER_BITS) != 0)
			slotbit_set(h->kept[l], d);	/* past the slot's end */
		return;
	}
	hier_relink(h, c, when);
}

/*
 * Slot (l, d), the earliest occupied one, may hold callouts kept past its
 * end: file them again, into later slots (no kept deadline is before its
 * slot's start), and make the slot's minimum exact over those that stay.
 */
static void
hier_settle(struct hier *h, unsigned l, unsigned d)
{
	struct callout *c, *next;
	sbintime_t m = SBT_MAX;
	unsigned pl, pd;

	slotbit_clear(h->kept[l], d);
	for (c = LIST_FIRST(&h->slot[l][d]); c != NULL; c = next) {
		next = LIST_NEXT(c, c_links.le);
		if (hier_place(h, c->c_time, &pl, &pd) && pl == l && pd == d) {
			if (c->c_time < m)
				m = c->c_time;
			continue;
		}
		LIST_REMOVE(c, c_links.le);
		hier_file(h, c);
	}
	if (LIST_EMPTY(&h->slot[l][d])) {
		bm_clear(&h->map[l], d);
	} else {
		h->smin[l][d] = m;
		slotbit_set(h->min_ok[l], d);
	}
}

static sbintime_t
chain_min(const struct hier_slot *s)
{
	const struct callout *c;
	sbintime_t m = SBT_MAX;

	LIST_FOREACH(c, s, c_links.le)
		if (c->c_time < m)
			m = c->c_time;
	return m;
}

/*
 * The exact minimum: in the lowest occupied slot of the lowest occupied
 * level (see the comment at the top), found with the bitmaps.  All of an
 * f0 slot's callouts share one deadline; another slot's minimum is known
 * unless the callout that had it was removed, and then takes a walk.
 */
static sbintime_t
hier_min(struct hier *h)
{
	for (unsigned l = 0; l < HIER_NLEVELS; l++) {
		unsigned d;

		while (!bm_empty(&h->map[l])) {
			d = bm_next(&h->map[l], 0);
			if (slotbit_test(h->kept[l], d)) {
				hier_settle(h, l, d);	/* may empty it */
				continue;
			}
			if (l == 0)
				return LIST_FIRST(&h->slot[0][d])->c_time;
			if (!slotbit_test(h->min_ok[l], d)) {
				h->smin[l][d] = chain_min(&h->slot[l][d]);
				slotbit_set(h->min_ok[l], d);
			}
			return h->smin[l][d];
		}
	}
	return chain_min(&h->ovf);
}

static sbintime_t
hier_next(void *be)
{
	struct hier *h = be;

	if (!h->min_exact) {
		h->min = hier_min(h);
		h->min_exact = true;
	}
	return h->min;
}

static void
hier_expire(void *be, sbintime_t now, struct callout_tailq *due)
{
	struct hier *h = be;
	uint64_t to = tick_of(now), frac = (uint64_t)now - to * HIER_TICK_SBT;
	unsigned d;

	if (to != h->clk || frac != h->frac)
		hier_advance(h, to, frac, now, due);
	/* The f0 slot under the clock: deadlines equal to now. */
	d = digit(0, to, frac);
	if (bm_test(&h->map[0], d))
		hier_flush(h, 0, d, due);
	if (h->min <= now) {		/* keep min a lower bound */
		h->min = now < SBT_MAX ? now + 1 : SBT_MAX;
		h->min_exact = false;
	}
	h->now = now;
}

/* One chain's links and placement; level -1 is the overflow list. */
static const char *
hier_check_chain(const struct hier *h, const struct hier_slot *s, int level,
    unsigned d, size_t *n, sbintime_t *m)
{
	struct callout *const *prev = &LIST_FIRST(s);
	const struct callout *c;

	LIST_FOREACH(c, s, c_links.le) {
		unsigned l = 0, dd = 0;	/* unset by hier_place when !in */
		bool in = hier_place(h, c->c_time, &l, &dd);

		if (c->c_links.le.le_prev != prev)
			return "hierarchical: broken back link";
		if (c->c_time < h->now)
			return "hierarchical: a callout is older than the clock";
		if (level < 0 && (in || tick_of(c->c_time) < h->ovf_lb))
			return "hierarchical: an overflow callout within reach";
		if (c->c_slot != (level < 0 ? HIER_OVF_SLOT :
		    (unsigned)level * HIER_SLOTS + d))
			return "hierarchical: c_slot does not name the callout's "
			    "slot";
		/* Where its deadline and the clock put it, or, kept in place
		 * (hier_reschedule), in a slot before that. */
		if (level >= 0 && (!in || l != (unsigned)level || dd != d) &&
		    !(slotbit_test(h->kept[(unsigned)level], d) &&
		    (!in || l > (unsigned)level || (l == (unsigned)level &&
		    dd > d))))
			return "hierarchical: a callout is not in the slot its "
			    "deadline and the clock dictate";
		if (c->c_time < *m)
			*m = c->c_time;
		(*n)++;
		prev = &LIST_NEXT(c, c_links.le);
	}
	return NULL;
}

/* Slot (l, d)'s links, placement and known minimum. */
static const char *
hier_check_slot(const struct hier *h, unsigned l, unsigned d, size_t *n,
    sbintime_t *m)
{
	const struct hier_slot *s = &h->slot[l][d];
	sbintime_t sm = SBT_MAX;
	const char *why;

	if (bm_test(&h->map[l], d) == LIST_EMPTY(s))
		return "hierarchical: bitmap does not match slot occupancy";
	if (slotbit_test(h->kept[l], d) && (l <= HIER_FRACS || LIST_EMPTY(s)))
		return "hierarchical: a kept mark on an empty slot or below "
		    "tick level 1";
	if ((why = hier_check_chain(h, s, (int)l, d, n, &sm)) != NULL)
		return why;
	if (!LIST_EMPTY(s) && (h->smin[l][d] > sm ||
	    (slotbit_test(h->min_ok[l], d) && h->smin[l][d] != sm)))
		return "hierarchical: a slot's known minimum is wrong";
	if (sm < *m)
		*m = sm;
	return NULL;
}

static const char *
hier_check_bitmap(const struct hier_bitmap *bm)
{
	for (unsigned w = 0; w < HIER_WORDS; w++)
		if (HIER_WORDS > 1 &&
		    ((bm->summary >> w) & 1) != (bm->word[w] != 0))
			return "hierarchical: a summary bit does not match its "
			    "bitmap word";
	if (HIER_SLOTS < 64 && (bm->word[0] >> (HIER_SLOTS % 64)) != 0)
		return "hierarchical: a bitmap bit past the last slot";
	return NULL;
}

static const char *
hier_check(void *be)
{
	const struct hier *h = be;
	const char *why;
	sbintime_t m = SBT_MAX;
	size_t n = 0;

	if (h->clk != tick_of(h->now) ||
	    h->frac != (uint64_t)h->now - h->clk * HIER_TICK_SBT)
		return "hierarchical: the clock is not the position of now";
	for (unsigned l = 0; l < HIER_NLEVELS; l++) {
		if ((why = hier_check_bitmap(&h->map[l])) != NULL)
			return why;
		for (unsigned d = 0; d < HIER_SLOTS; d++)
			if ((why = hier_check_slot(h, l, d, &n, &m)) != NULL)
				return why;
	}
	if ((why = hier_check_chain(h, &h->ovf, -1, 0, &n, &m)) != NULL)
		return why;
	if (n != h->count)
		return "hierarchical: count does not match the callouts inside";
	if (m < h->min || (h->min_exact && m != h->min))
		return "hierarchical: cached minimum is wrong";
	return NULL;
}

static size_t
hier_footprint(void *be)
{
	(void)be;
	return sizeof(struct hier);
}

const struct callout_backend_ops callout_backend_hierarchical = {
	.name = "hierarchical",
	.description = "scheme 7: hierarchical timing wheel, "
	    HIER_STR(CALLOUT_HIER_LEVELS) " levels of 2^"
	    HIER_STR(CALLOUT_HIER_SLOT_BITS) " slots of "
	    HIER_STR(CALLOUT_HIER_TICK_US) " us ticks, the current tick cut "
	    "to the sbt, bitmaps",
	.create = hier_create,
	.destroy = hier_destroy,
	.insert = hier_insert,
	.remove = hier_remove,
	.reschedule = hier_reschedule,
	.next = hier_next,
	.expire = hier_expire,
	.check = hier_check,
	.footprint = hier_footprint,
};
