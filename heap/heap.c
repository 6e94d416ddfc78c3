/*
 * heap.c - a binary min-heap in an array: Varghese & Lauck scheme 3.
 *
 *           0     1     2     3     4     5     6     7
 *   a[]:  [-inf][  3 ][  7 ][  5 ][ 42 ][  9 ][  8 ][+inf]   n = 6
 *           sentinel                                  sentinel
 *
 *                           [1] 3
 *                         /       \
 *                   [2] 7           [3] 5          children of i: 2i, 2i+1
 *                  /     \         /               parent of i:   i/2
 *             [4] 42    [5] 9   [6] 8
 *
 * Every callout sits in the array as a {deadline, pointer} pair, no entry
 * later than its children (G. Varghese, T. Lauck, "Hashed and Hierarchical
 * Timing Wheels", SOSP 1987, scheme 3; the binary heap of J. W. J. Williams,
 * "Algorithm 232: Heapsort", CACM 7(6), 1964).  The key is copied next to
 * the pointer so that sifting compares without touching the callouts; each
 * callout keeps its own index in c_links.u64[1], so that remove finds its
 * entry without a search.  Equal deadlines come out in no fixed order.
 *
 * Lazy re-arm: an entry's key is the callout's deadline when it was keyed,
 * and a re-arm to that key or later only writes c_time (the core does it
 * without calling the heap: the key is the callout's keep, c_links.u64[0],
 * callout_backend.h).  Keys are then lower bounds of deadlines, not
 * always the deadlines: when an entry whose key is stale reaches the root,
 * expire and next() give it its deadline as key and sift it down, once,
 * however many re-arms pushed it back in between (Go's runtime timers do
 * the same with their "modified later" state).  TCP pushes back nearly
 * every timer before it fires, so most re-arms sift nothing.  next() is
 * exact through the cached minimum, as the wheel's.
 *
 * Default configuration:
 *   entry      16 bytes: {sbintime_t when; struct callout *c}
 *   capacity   64 callouts at create, doubled (realloc) when full, never
 *              shrunk: the array costs 16 bytes per callout at the peak, a
 *              quarter of the callouts' own 64, and giving it back would
 *              put the allocator on the remove and expire paths
 *   array      (capacity + 2) entries + 32 bytes of alignment slack:
 *              1088 bytes at create, 16 MiB for 1M callouts
 *   header     48 bytes
 *
 *   insert   O(log n)  sift up; O(1) when the deadline is no earlier than
 *                      its parent's, usual for timeouts armed at now + d
 *   remove   O(log n)  fill the hole with the last entry, sift it up or
 *                      down; O(1) for the last entry
 *   resched  O(1)      to the key or later: c_time (and the cached minimum);
 *            O(log n)  earlier: the entry takes the new key and sifts up
 *   next     O(1)      while the cached minimum holds; else O(log n) per
 *                      stale root re-keyed, amortised over the re-arms
 *                      that made it stale
 *   expire   O(log n)  per expired callout (remove at the root) and per
 *                      stale root re-keyed; O(1) when nothing is due
 *   memory   16 bytes per callout at the peak, plus the header
 *
 * Insert fails with ENOMEM only when the array must grow and cannot; the
 * heap is left as it was.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "callout_build.h"
#include "heap/heap.h"

#define HEAP_INITIAL	64	/* callouts the first array holds */

/*
 * The array starts on a 32-byte boundary.  With 16-byte entries counted
 * from 1, siblings 2i and 2i+1 then fill one half of a 64-byte cache line,
 * so a sift-down step reads one line, not two, when the heap is larger
 * than the caches.  realloc only promises 16 bytes, hence the slack.
 */
#define HEAP_ALIGN	32

struct heap_entry {
	sbintime_t when;	/* the key: <= c->c_time, == c's keep */
	struct callout *c;
};

/*
 * a[0] = {INT64_MIN, NULL} and a[n + 1] = {SBT_MAX, NULL} are sentinels:
 * the first stops a sift-up at the root, the second is the right child of
 * a last entry that has only a left one.  Neither loop tests a bound for
 * them.  Hence room for capacity + 2 entries.
 */
struct heap_be {
	struct callout_keep_state ks;	/* first: the core re-arms in place */
	struct heap_entry *a;	/* HEAP_ALIGN-aligned, inside block */
	void *block;		/* what the allocator returned */
	size_t n;		/* callouts inside: a[1] .. a[n] */
	size_t cap;		/* callouts the array has room for */
	sbintime_t now;		/* last expire time; nothing inside is earlier */
};

static const struct heap_entry heap_end = { SBT_MAX, NULL };

void *(*callout_heap_realloc)(void *, size_t) = realloc;

static size_t
heap_bytes(size_t cap)
{
	return (cap + 2) * sizeof(struct heap_entry) + HEAP_ALIGN;
}

/* Bytes to skip from block to the first HEAP_ALIGN boundary. */
static size_t
heap_phase(const void *block)
{
	return -(uintptr_t)block & (HEAP_ALIGN - 1);
}

/* Put e at index i and tell its callout where it is. */
static inline void
heap_set(struct heap_entry *a, size_t i, struct heap_entry e)
{
	a[i] = e;
	e.c->c_links.u64[1] = i;
}

/* The entry of c keyed by `when`, which becomes c's keep. */
static inline struct heap_entry
heap_key(struct callout *c, sbintime_t when)
{
	c->c_links.u64[0] = (uint64_t)when;
	return (struct heap_entry){ when, c };
}

/* Move the hole at i up past every later parent, then fill it with e. */
static inline void
heap_sift_up(struct heap_entry *a, size_t i, struct heap_entry e)
{
	size_t p;

	while (a[p = i / 2].when > e.when) {	/* a[0] stops it at the root */
		heap_set(a, i, a[p]);
		i = p;
	}
	heap_set(a, i, e);
}

/* Move the hole at i down past every earlier child, then fill it with e. */
static inline void
heap_sift_down(struct heap_entry *a, size_t n, size_t i, struct heap_entry e)
{
	size_t c;

	while ((c = 2 * i) <= n) {
		c += a[c + 1].when < a[c].when;	/* a[n + 1] never wins */
		if (a[c].when >= e.when)
			break;
		heap_set(a, i, a[c]);
		i = c;
	}
	heap_set(a, i, e);
}

/*
 * Take out the entry at index i: the last entry fills the hole and moves
 * up if it is earlier than the hole's parent, else down.  (Floyd's variant,
 * sinking the hole to a leaf before placing the last entry, measured no
 * faster here: the cost is the callouts' index writes, not comparisons.)
 */
static inline void
heap_delete(struct heap_be *h, size_t i)
{
	struct heap_entry *a = h->a;
	struct heap_entry last = a[h->n];

	a[h->n--] = heap_end;
	if (i > h->n)			/* the last entry was the one */
		return;
	if (a[i / 2].when > last.when)	/* a[0] sends a root hole down */
		heap_sift_up(a, i, last);
	else
		heap_sift_down(a, h->n, i, last);
}

/* Double the array; ENOMEM leaves the heap untouched. */
static int
heap_grow(struct heap_be *h)
{
	size_t cap = h->cap * 2;
	size_t phase = (char *)h->a - (char *)h->block;
	char *block;

	if (cap > (SIZE_MAX - HEAP_ALIGN) / sizeof(struct heap_entry) - 2)
		return ENOMEM;
	block = callout_heap_realloc(h->block, heap_bytes(cap));
	if (block == NULL)
		return ENOMEM;
	/* realloc kept the entries at the old phase; the new block may
	 * want another one. */
	if (heap_phase(block) != phase)
		memmove(block + heap_phase(block), block + phase,
		    (h->n + 2) * sizeof(struct heap_entry));
	h->block = block;
	h->a = (struct heap_entry *)(block + heap_phase(block));
	h->cap = cap;
	return 0;
}

static void *
heap_create(sbintime_t now)
{
	struct heap_be *h = callout_heap_realloc(NULL, sizeof(*h));
	char *block = callout_heap_realloc(NULL, heap_bytes(HEAP_INITIAL));

	if (h == NULL || block == NULL) {
		free(h);
		free(block);
		return NULL;
	}
	h->block = block;
	h->a = (struct heap_entry *)(block + heap_phase(block));
	h->a[0] = (struct heap_entry){ INT64_MIN, NULL };
	h->a[1] = heap_end;
	h->n = 0;
	h->cap = HEAP_INITIAL;
	h->now = now;
	h->ks.min = SBT_MAX;
	return h;
}

static void
heap_destroy(void *be)
{
	struct heap_be *h = be;

	free(h->block);
	free(h);
}

static int
heap_insert(void *be, struct callout *c)
{
	struct heap_be *h = be;

	if (h->n == h->cap && heap_grow(h) != 0)
		return ENOMEM;
	h->n++;
	h->a[h->n + 1] = heap_end;
	heap_sift_up(h->a, h->n, heap_key(c, c->c_time));
	callout_keep_added(&h->ks, c);
	return 0;
}

static void
heap_remove(void *be, struct callout *c)
{
	struct heap_be *h = be;
	size_t i = (size_t)c->c_links.u64[1];

#if CALLOUT_INVARIANTS
	if (i == 0 || i > h->n || h->a[i].c != c) {
		fprintf(stderr, "heap: removing a callout that is not inside\n");
		abort();
	}
#endif
	heap_delete(h, i);
	callout_keep_removed(&h->ks, c);
}

/* Before the key: the entry takes `when` as key where it is and sifts up,
 * one sift instead of a delete and an insert.  At the key or later: only
 * c_time, as the core does. */
static void
heap_reschedule(void *be, struct callout *c, sbintime_t when)
{
	struct heap_be *h = be;
	size_t i = (size_t)c->c_links.u64[1];

	if (when < callout_keep(c))
		heap_sift_up(h->a, i, heap_key(c, when));
	callout_keep_retime(&h->ks, c, when);
}

/* The root's key made its deadline: it sifts down to where that goes. */
static void
heap_rekey_root(struct heap_be *h)
{
	struct callout *c = h->a[1].c;

	heap_sift_down(h->a, h->n, 1, heap_key(c, c->c_time));
}

/*
 * Every key is at or below its callout's deadline, and the root's key is
 * the smallest: once the root's key is its deadline, that deadline is the
 * smallest of all.
 */
static sbintime_t
heap_next(void *be)
{
	struct heap_be *h = be;

	if (h->ks.min == CALLOUT_KEEP_MIN_UNKNOWN) {
		while (h->n > 0 && h->a[1].when != h->a[1].c->c_time)
			heap_rekey_root(h);
		h->ks.min = h->a[1].when;  /* the a[n + 1] sentinel when empty */
	}
	return h->ks.min;
}

static void
heap_expire(void *be, sbintime_t now, struct callout_tailq *due)
{
	struct heap_be *h = be;
	struct callout *c;

	/* Nothing due: only a known minimum (never -1) can be after now.
	 * h->n before the root: the empty heap's root is SBT_MAX, a valid
	 * `now`. */
	if (h->ks.min > now) {
		h->now = now;
		return;
	}
	while (h->n > 0 && h->a[1].when <= now) {
		c = h->a[1].c;
		if (c->c_time > now) {		/* pushed back: not yet */
			heap_rekey_root(h);
			continue;
		}
		heap_delete(h, 1);
		TAILQ_INSERT_TAIL(due, c, c_links.tqe);
	}
	h->now = now;
	h->ks.min = CALLOUT_KEEP_MIN_UNKNOWN;
}

static const char *
heap_check(void *be)
{
	struct heap_be *h = be;
	const struct heap_entry *a = h->a;
	sbintime_t min = SBT_MAX;

	if (h->n > h->cap)
		return "heap: more callouts than capacity";
	if (heap_phase(a) != 0)
		return "heap: array not aligned";
	if (a[0].when != INT64_MIN || a[0].c != NULL ||
	    a[h->n + 1].when != SBT_MAX || a[h->n + 1].c != NULL)
		return "heap: sentinel overwritten";
	if (h->n > 0 && a[1].when < h->now)
		return "heap: a callout is older than the clock";
	for (size_t i = 1; i <= h->n; i++) {
		if (a[i].c == NULL)
			return "heap: empty entry";
		if (a[i].c->c_links.u64[1] != i)
			return "heap: stored index does not match position";
		if (a[i].when > a[i].c->c_time)
			return "heap: a key is after its deadline";
		if (callout_keep(a[i].c) != a[i].when)
			return "heap: a callout's keep is not its key";
		if (i > 1 && a[i / 2].when > a[i].when)
			return "heap: parent later than child";
		if (a[i].c->c_time < min)
			min = a[i].c->c_time;
	}
	if (h->ks.min != CALLOUT_KEEP_MIN_UNKNOWN && h->ks.min != min)
		return "heap: the cached minimum is wrong";
	/* Every key is at or above a known minimum (each way of setting
	 * one keeps that), so the root's key is the minimum: expire may
	 * trust it. */
	if (h->ks.min != CALLOUT_KEEP_MIN_UNKNOWN && h->n > 0 &&
	    a[1].when != h->ks.min)
		return "heap: a known minimum is not the root's key";
	return NULL;
}

static size_t
heap_footprint(void *be)
{
	struct heap_be *h = be;

	return sizeof(*h) + heap_bytes(h->cap);
}

const struct callout_backend_ops callout_backend_heap = {
	.name = "heap",
	.description = "scheme 3: binary min-heap in an array, O(log n) insert/remove/expire",
	.create = heap_create,
	.destroy = heap_destroy,
	.insert = heap_insert,
	.remove = heap_remove,
	.reschedule = heap_reschedule,
	.keeps = true,
	.next = heap_next,
	.expire = heap_expire,
	.check = heap_check,
	.footprint = heap_footprint,
};
