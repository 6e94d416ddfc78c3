/*
 * heap.c - d-ary min-heaps in an array: Varghese & Lauck scheme 3, as two
 * backends, `heap` (d = 2, binary) and `heap4` (d = 4, as libev's).
 *
 *   heap, d = 2       0     1     2     3     4     5     6     7
 *            a[]:  [-inf][  3 ][  7 ][  5 ][ 42 ][  9 ][  8 ][+inf]   n = 6
 *                    |     root  \______/   \______/   \__...
 *               sentinel     children of 1   of 2      of 3
 *
 *   heap4, d = 4      0   1     2     3  |  4    5    6    7  |  8 ..
 *            a[]:  [  ][  ][-inf][  3 ] [  7 ][  5 ][ 42 ][  9 ] [ ...
 *                               root    children of 3: one line
 *
 *   for arity d:  root at d - 1, its -inf sentinel at d - 2;
 *                 children of i at d(i - d + 2) .. d(i - d + 2) + d - 1;
 *                 parent of i at i/d + d - 2  (d = 2: 2i, 2i + 1 and i/2)
 *
 * Every callout sits in the array as a {deadline, pointer} pair, no entry
 * later than its children (G. Varghese, T. Lauck, "Hashed and Hierarchical
 * Timing Wheels", SOSP 1987, scheme 3; the binary heap of J. W. J. Williams,
 * "Algorithm 232: Heapsort", CACM 7(6), 1964; d-ary heaps, D. B. Johnson,
 * 1975).  The key is copied next to the pointer so that sifting compares
 * without touching the callouts; each callout keeps its own index in
 * c_links.u64[1], so that remove finds its entry without a search.  Equal
 * deadlines come out in no fixed order.
 *
 * Why two arities: the array starts on a 16d-byte boundary, so the d
 * children of a node fill one aligned block, half a cache line for d = 2
 * and a whole one for d = 4.  A sift step reads one line either way, and
 * the 4-ary heap is half as deep (10 levels at 10^6 callouts, not 20), so
 * it moves half as many entries, each move a write of the moved callout's
 * index that misses the cache at that N.  It pays with three comparisons
 * a step instead of one.  The binary heap stays as the design's `heap`
 * and the textbook reference; README, "Two heaps", has the two side by side.
 *
 * The child a sift-down step follows is picked with a branch, not with
 * arithmetic on the comparison's result (c += a[c+1] < a[c]).  The branch
 * is mispredicted about half the time, but while it is predicted the next
 * level's load starts at once, so the misses of several levels overlap;
 * the branchless form makes every level's load wait for the previous
 * level's comparison.  Side by side at 10^6 callouts, the branchless
 * binary heap (up to e406870) expired in about 2.4 times the time of this
 * one.  Check the generated code when changing heap_sift_down: a compiler
 * that turns the branch into a cmov brings the chain back.
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
 *   array      (capacity + 2d - 2) entries + 16d bytes of alignment slack:
 *              1088 (heap) and 1184 (heap4) bytes at create, 16 MiB for
 *              1M callouts
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
 *   (log n is log_d n: a sift-down step compares d children)
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
 * Every function below takes the arity d as its first argument, and the
 * two backends' operations (at the end of the file) pass a constant: each
 * gets its own copy with d folded in, so i/d is a shift and the loop over
 * the children is unrolled.
 */
#define HEAP_INLINE	static inline __attribute__((always_inline))

struct heap_entry {
	sbintime_t when;	/* the key: <= c->c_time, == c's keep */
	struct callout *c;
};

/*
 * For arity d the entries are a[d - 1] (the root) .. a[n + d - 2] (the
 * last).  a[d - 2] = {INT64_MIN, NULL} and the d - 1 entries after the
 * last, {SBT_MAX, NULL}, are sentinels: the first stops a sift-up at the
 * root, the others are the missing children of the last parent.  Neither
 * loop tests a bound for them.  Hence room for capacity + 2d - 2 entries
 * (a[0] .. a[d - 3] are unused: they put the root's children, and so every
 * node's, on a 16d-byte boundary).
 */
struct heap_be {
	struct callout_keep_state ks;	/* first: the core re-arms in place */
	struct heap_entry *a;	/* 16d-byte aligned, inside block */
	void *block;		/* what the allocator returned */
	size_t n;		/* callouts inside */
	size_t cap;		/* callouts the array has room for */
	sbintime_t now;		/* last expire time; nothing inside is earlier */
};

static const struct heap_entry heap_end = { SBT_MAX, NULL };

void *(*callout_heap_realloc)(void *, size_t) = realloc;

HEAP_INLINE size_t heap_root(size_t d) { return d - 1; }
HEAP_INLINE size_t heap_parent(size_t d, size_t i) { return i / d + d - 2; }
HEAP_INLINE size_t heap_child(size_t d, size_t i) { return d * (i - d + 2); }
/* The index of the last entry (the root's sentinel when empty). */
HEAP_INLINE size_t heap_last(size_t d, const struct heap_be *h) { return h->n + d - 2; }

/* realloc only promises 16 bytes, hence the slack. */
static size_t
heap_align(size_t d)
{
	return d * sizeof(struct heap_entry);
}

static size_t
heap_bytes(size_t d, size_t cap)
{
	return (cap + 2 * d - 2) * sizeof(struct heap_entry) + heap_align(d);
}

/* Bytes to skip from block to the first aligned boundary. */
static size_t
heap_phase(size_t d, const void *block)
{
	return -(uintptr_t)block & (heap_align(d) - 1);
}

/* Put e at index i and tell its callout where it is. */
HEAP_INLINE void
heap_set(struct heap_entry *a, size_t i, struct heap_entry e)
{
	a[i] = e;
	e.c->c_links.u64[1] = i;
}

/* The entry of c keyed by `when`, which becomes c's keep. */
HEAP_INLINE struct heap_entry
heap_key(struct callout *c, sbintime_t when)
{
	c->c_links.u64[0] = (uint64_t)when;
	return (struct heap_entry){ when, c };
}

/* Move the hole at i up past every later parent, then fill it with e. */
HEAP_INLINE void
heap_sift_up(size_t d, struct heap_entry *a, size_t i, struct heap_entry e)
{
	size_t p;

	/* a[d - 2] stops it at the root */
	while (a[p = heap_parent(d, i)].when > e.when) {
		heap_set(a, i, a[p]);
		i = p;
	}
	heap_set(a, i, e);
}

/* Move the hole at i down past every earlier child, then fill it with e;
 * last is the index of the last entry. */
HEAP_INLINE void
heap_sift_down(size_t d, struct heap_entry *a, size_t last, size_t i,
    struct heap_entry e)
{
	size_t c, m;

	while ((c = heap_child(d, i)) <= last) {
		m = c;			/* the sentinels after last never win */
		for (size_t k = 1; k < d; k++)	/* a branch: see the top */
			if (a[c + k].when < a[m].when)
				m = c + k;
		if (a[m].when >= e.when)
			break;
		heap_set(a, i, a[m]);
		i = m;
	}
	heap_set(a, i, e);
}

/*
 * Take out the entry at index i: the last entry fills the hole and moves
 * up if it is earlier than the hole's parent, else down.  (Floyd's variant,
 * sinking the hole to a leaf before placing the last entry, measured no
 * faster here for the binary heap: the cost is the callouts' index writes,
 * not comparisons.)
 */
HEAP_INLINE void
heap_delete(size_t d, struct heap_be *h, size_t i)
{
	struct heap_entry *a = h->a;
	size_t last = heap_last(d, h);
	struct heap_entry e = a[last];

	a[last--] = heap_end;
	h->n--;
	if (i > last)			/* the last entry was the one */
		return;
	if (a[heap_parent(d, i)].when > e.when)	/* never for the root */
		heap_sift_up(d, a, i, e);
	else
		heap_sift_down(d, a, last, i, e);
}

/* Double the array; ENOMEM leaves the heap untouched. */
static int
heap_grow(size_t d, struct heap_be *h)
{
	size_t cap = h->cap * 2;
	size_t phase = (char *)h->a - (char *)h->block;
	size_t entries = h->n + 2 * d - 2;
	char *block;

	if (cap > (SIZE_MAX - heap_align(d)) / sizeof(struct heap_entry) -
	    2 * d)
		return ENOMEM;
	block = callout_heap_realloc(h->block, heap_bytes(d, cap));
	if (block == NULL)
		return ENOMEM;
	/* realloc kept the entries at the old phase; the new block may
	 * want another one. */
	if (heap_phase(d, block) != phase)
		memmove(block + heap_phase(d, block), block + phase,
		    entries * sizeof(struct heap_entry));
	h->block = block;
	h->a = (struct heap_entry *)(block + heap_phase(d, block));
	h->cap = cap;
	return 0;
}

static void *
heap_create(size_t d, sbintime_t now)
{
	struct heap_be *h = callout_heap_realloc(NULL, sizeof(*h));
	char *block = callout_heap_realloc(NULL, heap_bytes(d, HEAP_INITIAL));

	if (h == NULL || block == NULL) {
		free(h);
		free(block);
		return NULL;
	}
	h->block = block;
	h->a = (struct heap_entry *)(block + heap_phase(d, block));
	memset(h->a, 0, heap_root(d) * sizeof(struct heap_entry));
	h->a[heap_root(d) - 1] = (struct heap_entry){ INT64_MIN, NULL };
	for (size_t k = heap_root(d); k < 2 * d - 2; k++)
		h->a[k] = heap_end;
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

HEAP_INLINE int
heap_insert(size_t d, struct heap_be *h, struct callout *c)
{
	if (h->n == h->cap && heap_grow(d, h) != 0)
		return ENOMEM;
	h->n++;
	h->a[heap_last(d, h) + d - 1] = heap_end;
	heap_sift_up(d, h->a, heap_last(d, h), heap_key(c, c->c_time));
	callout_keep_added(&h->ks, c);
	return 0;
}

HEAP_INLINE void
heap_remove(size_t d, struct heap_be *h, struct callout *c)
{
	size_t i = (size_t)c->c_links.u64[1];

#if CALLOUT_INVARIANTS
	if (i < heap_root(d) || i > heap_last(d, h) || h->a[i].c != c) {
		fprintf(stderr, "heap: removing a callout that is not inside\n");
		abort();
	}
#endif
	heap_delete(d, h, i);
	callout_keep_removed(&h->ks, c);
}

/* Before the key: the entry takes `when` as key where it is and sifts up,
 * one sift instead of a delete and an insert.  At the key or later: only
 * c_time, as the core does. */
HEAP_INLINE void
heap_reschedule(size_t d, struct heap_be *h, struct callout *c,
    sbintime_t when)
{
	size_t i = (size_t)c->c_links.u64[1];

	if (when < callout_keep(c))
		heap_sift_up(d, h->a, i, heap_key(c, when));
	callout_keep_retime(&h->ks, c, when);
}

/* The root's key made its deadline: it sifts down to where that goes. */
HEAP_INLINE void
heap_rekey_root(size_t d, struct heap_be *h)
{
	struct callout *c = h->a[heap_root(d)].c;

	heap_sift_down(d, h->a, heap_last(d, h), heap_root(d),
	    heap_key(c, c->c_time));
}

/*
 * Every key is at or below its callout's deadline, and the root's key is
 * the smallest: once the root's key is its deadline, that deadline is the
 * smallest of all.
 */
HEAP_INLINE sbintime_t
heap_next(size_t d, struct heap_be *h)
{
	struct heap_entry *root = &h->a[heap_root(d)];

	if (h->ks.min == CALLOUT_KEEP_MIN_UNKNOWN) {
		while (h->n > 0 && root->when != root->c->c_time)
			heap_rekey_root(d, h);
		h->ks.min = root->when;	/* a sentinel, SBT_MAX, when empty */
	}
	return h->ks.min;
}

HEAP_INLINE void
heap_expire(size_t d, struct heap_be *h, sbintime_t now,
    struct callout_tailq *due)
{
	struct heap_entry *root = &h->a[heap_root(d)];
	struct callout *c;

	/* Nothing due: only a known minimum (never -1) can be after now.
	 * h->n before the root: the empty heap's root is SBT_MAX, a valid
	 * `now`. */
	if (h->ks.min > now) {
		h->now = now;
		return;
	}
	while (h->n > 0 && root->when <= now) {
		c = root->c;
		if (c->c_time > now) {		/* pushed back: not yet */
			heap_rekey_root(d, h);
			continue;
		}
		heap_delete(d, h, heap_root(d));
		TAILQ_INSERT_TAIL(due, c, c_links.tqe);
	}
	h->now = now;
	h->ks.min = CALLOUT_KEEP_MIN_UNKNOWN;
}

static const char *
heap_check(size_t d, struct heap_be *h)
{
	const struct heap_entry *a = h->a;
	size_t root = heap_root(d), last = heap_last(d, h);
	sbintime_t min = SBT_MAX;

	if (h->n > h->cap)
		return "heap: more callouts than capacity";
	if (heap_phase(d, a) != 0)
		return "heap: array not aligned";
	if (a[root - 1].when != INT64_MIN || a[root - 1].c != NULL)
		return "heap: sentinel overwritten";
	for (size_t k = last + 1; k < last + d; k++)
		if (a[k].when != SBT_MAX || a[k].c != NULL)
			return "heap: sentinel overwritten";
	if (h->n > 0 && a[root].when < h->now)
		return "heap: a callout is older than the clock";
	for (size_t i = root; i <= last; i++) {
		if (a[i].c == NULL)
			return "heap: empty entry";
		if (a[i].c->c_links.u64[1] != i)
			return "heap: stored index does not match position";
		if (a[i].when > a[i].c->c_time)
			return "heap: a key is after its deadline";
		if (callout_keep(a[i].c) != a[i].when)
			return "heap: a callout's keep is not its key";
		if (i > root && a[heap_parent(d, i)].when > a[i].when)
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
	    a[root].when != h->ks.min)
		return "heap: a known minimum is not the root's key";
	return NULL;
}

static size_t
heap_footprint(size_t d, struct heap_be *h)
{
	return sizeof(*h) + heap_bytes(d, h->cap);
}

/* The operations of the heap of arity D, named NAME: the functions above
 * with d = D. */
#define HEAP_BACKEND(NAME, D, DESCRIPTION)				\
static void *NAME##_op_create(sbintime_t now)				\
{ return heap_create(D, now); }						\
static int NAME##_op_insert(void *be, struct callout *c)			\
{ return heap_insert(D, be, c); }					\
static void NAME##_op_remove(void *be, struct callout *c)			\
{ heap_remove(D, be, c); }						\
static void NAME##_op_reschedule(void *be, struct callout *c, sbintime_t w) \
{ heap_reschedule(D, be, c, w); }					\
static sbintime_t NAME##_op_next(void *be)					\
{ return heap_next(D, be); }						\
static void NAME##_op_expire(void *be, sbintime_t now,			\
    struct callout_tailq *due)						\
{ heap_expire(D, be, now, due); }					\
static const char *NAME##_op_check(void *be)				\
{ return heap_check(D, be); }						\
static size_t NAME##_op_footprint(void *be)				\
{ return heap_footprint(D, be); }					\
const struct callout_backend_ops callout_backend_##NAME = {		\
	.name = #NAME,							\
	.description = DESCRIPTION,					\
	.create = NAME##_op_create,					\
	.destroy = heap_destroy,					\
	.insert = NAME##_op_insert,					\
	.remove = NAME##_op_remove,					\
	.reschedule = NAME##_op_reschedule,				\
	.keeps = true,							\
	.next = NAME##_op_next,						\
	.expire = NAME##_op_expire,					\
	.check = NAME##_op_check,						\
	.footprint = NAME##_op_footprint,					\
}

HEAP_BACKEND(heap, 2,
    "scheme 3: binary min-heap in an array, O(log n) insert/remove/expire");
HEAP_BACKEND(heap4, 4,
    "scheme 3: 4-ary min-heap in an array (children in one cache line), O(log n) insert/remove/expire");
