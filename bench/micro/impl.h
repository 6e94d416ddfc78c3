/*
 * impl.h - one timer implementation as the microbenchmark cases drive it.
 *
 * An implementation is calloutlab's backend operations table alone
 * ("backend": no lock, no core), the full callout(9) API on the manual
 * clock ("api"), a peer library through its public API ("peer"), or the
 * memory-latency floor ("floor": a store; "readfloor": a read, a compare
 * and a store).  Each is one struct of functions, like
 * wahern/timeout's benchmark modules; a NULL function is an operation the
 * implementation does not have, and the cases that need it skip it.
 *
 * Time.  Delays are relative.  The stream generator converts every delay
 * to the implementation's own unit before timing starts (native()), so the
 * hot loop does no conversion a user of that library would not do.
 * calloutlab runs on its manual clock, which stands still except in
 * run_due() and tick().  The peers run on their real clocks; `clock` says
 * how each one reads time, and native_due() says how a timer is made due
 * at the next run_due() without waiting for the real clock to move.
 */
#ifndef MICRO_IMPL_H
#define MICRO_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <callout.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fire_log;

struct impl {
	const char *level;	/* "backend", "api", "peer", "floor",
				 * "readfloor" */
	const char *name;	/* backend name, library name, floor record */
	const char *clock;	/* how it reads time; goes into the results */
	const char *(*version)(void);	/* library version, NULL: calloutlab */
	size_t timer_bytes;	/* one timer as its user embeds it */
	size_t max_n;		/* 0: any N; else the largest N worth running */
	const char *max_n_why;
	const void *priv;	/* calloutlab: the backend's operations table */

	/* Room for ntimers stopped timers, 0 .. ntimers-1; NULL: failed, see
	 * impl_error. */
	void *(*create)(const struct impl *im, size_t ntimers);
	void (*destroy)(void *ctx);

	/* A relative delay in the implementation's unit. */
	int64_t (*native)(sbintime_t delay);
	/* The delay that makes a timer due at the next run_due(), at offset
	 * u in (0, 1 s] of the second before it; NULL: no expiry case. */
	int64_t (*native_due)(sbintime_t u);

	void (*start)(void *ctx, size_t i, int64_t delay);	/* stopped -> pending */
	void (*rearm)(void *ctx, size_t i, int64_t delay);	/* pending -> pending,
								 * the library's own re-arm */
	void (*stop)(void *ctx, size_t i);			/* pending -> stopped */

	/* Run everything made due by native_due(); the number fired. */
	uint64_t (*run_due)(void *ctx);
	/* One tick: 1 ms of simulated time, or one non-blocking pass of a
	 * peer's loop; the number fired. */
	uint64_t (*tick)(void *ctx);
	/* The next deadline, in the implementation's unit. */
	int64_t (*next)(void *ctx);
	/* A fired timer re-arms itself `period` later (0: one-shot); only
	 * implementations whose clock can be moved one tick (calloutlab). */
	void (*set_period)(void *ctx, sbintime_t period);

	/* Bytes the structure holds beyond the timers (calloutlab's
	 * footprint()); NULL: measured from the allocator instead. */
	size_t (*footprint)(void *ctx);

	/* The reference check (calloutlab only): log every firing, and run
	 * until nothing is pending. */
	void (*record)(void *ctx, struct fire_log *log);
	void (*drain)(void *ctx);
};

/* Every implementation compiled in, NULL-terminated: for each backend in
 * callout_backends[] its "backend" and "api" levels, then the peers, then
 * the floor. */
const struct impl *const *impl_all(void);

/* The least memory one pending timer takes in any implementation: its
 * timer, and its place in a case's permutation and stream of deadlines. */
size_t impl_timer_cost(void);

/* The reference ("list") at the same level as im. */
const struct impl *impl_reference(const struct impl *im);

/* Why the last create() failed. */
extern char impl_error[256];

/* The adapters' tables, filled by impl_all(). */
extern const struct impl impl_backend_template;
extern const struct impl impl_api_template;
extern const struct impl impl_floor;
extern const struct impl impl_read_floor;

#ifdef __cplusplus
}
#endif

#endif /* MICRO_IMPL_H */
