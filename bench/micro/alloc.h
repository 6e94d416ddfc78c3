/*
 * alloc.h - which malloc the benchmark runs on, and how much it has handed
 * out: jemalloc when the build links it (-Djemalloc), else glibc's.
 */
#ifndef MICRO_ALLOC_H
#define MICRO_ALLOC_H

#include <assert.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

const char *alloc_name(void);		/* "jemalloc" or "glibc" */
const char *alloc_version(void);	/* mallctl "version", or glibc's */
/* Bytes currently allocated by the application (jemalloc stats.allocated,
 * or mallinfo2: arena in use + mmapped chunks). */
size_t alloc_allocated(void);
/* n bytes on a cache-line boundary (aligned_alloc wants the size rounded
 * up to a multiple of the alignment); NULL when out of memory. */
void *alloc_lines(size_t n);

/*
 * Where an implementation keeps its N timers.  By default in a dense array
 * of its own timer struct.  With micro_bench --record_bytes R, timer i
 * sits at the start of record i of an array of R-byte records instead, as
 * a timer embedded in a connection does (TCP's callouts live in its
 * control block): consecutive timers are R bytes apart, so at large N
 * every timer touched is on a page of its own, and costs a TLB miss as
 * well as a cache miss.  Every implementation and the floor are laid out
 * the same way in a run; the run's context says which (record_bytes).
 */
#define RECORD_BYTES_MAX 65536
extern size_t micro_record_bytes;	/* 0: dense (the default); else R */

/* Parse --record_bytes's value: a multiple of 64 in [64, RECORD_BYTES_MAX].
 * 0 and *bytes set, or -1 with why (a static string) set. */
int records_parse(const char *text, size_t *bytes, const char **why);

/* With records, the largest N whose timers touch at most half of the
 * machine's memory (a record touched costs a page when R >= the page
 * size), and a line saying so; 0 and NULL when dense. */
size_t records_max_n(void);
const char *records_cap_why(void);

struct timer_array {
	char *base;
	size_t stride;	/* bytes from one timer to the next */
};

/* Room for n timers of timer_bytes each, laid out as micro_record_bytes
 * says (records at least as large as the timer, cache-line aligned);
 * 0, or -1 when out of memory. */
int timer_array_alloc(struct timer_array *a, size_t n, size_t timer_bytes);
void timer_array_free(struct timer_array *a);

static inline void *
timer_at(const struct timer_array *a, size_t i)
{
	return a->base + i * a->stride;
}

/* Which timer t is (the reference check logs timers by index). */
static inline size_t
timer_index(const struct timer_array *a, const void *t)
{
	size_t k = (size_t)((const char *)t - a->base) / a->stride;

	assert(timer_at(a, k) == t);
	return k;
}

#ifdef __cplusplus
}
#endif

#endif /* MICRO_ALLOC_H */
