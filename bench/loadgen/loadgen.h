/*
 * loadgen.h - what every part of calloutlab shares: the operation (one
 * line of a trace, one step of the TCP model), the timers of a connection
 * and the settings of a session.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <stdbool.h>
#include <stdint.h>

#define LG_MAX_THREADS	1024		/* trace thread field: 0..1023 */
#define LG_MAX_CONN_ID	16777215	/* trace connection field: 0..2^24-1 */
#define LG_MAX_DELAY_NS	(365LL * 86400 * 1000000000)	/* a year */

/* The timers of a TCP control block, in the order tcp_timer.h lists them. */
enum timer_kind { T_REXMT, T_DELACK, T_PERSIST, T_KEEP, T_2MSL, NTIMERS };

extern const char *const timer_names[NTIMERS];	/* "rexmt", ... "2msl" */

enum op_kind {
	OP_OPEN,	/* allocate a connection: mutex, callout_init_mtx */
	OP_RESET,	/* under the lock: callout_reset_* */
	OP_STOP,	/* under the lock: callout_stop */
	OP_DRAIN,	/* without the lock: callout_drain */
	OP_ASYNC_DRAIN,	/* under the lock: callout_async_drain */
	OP_CLOSE,	/* forget the connection; free it once no drain is due */
	NOPS
};

extern const char *const op_names[NOPS];	/* "open", ... "close" */

/* op.prec: a shift 0..62 (C_PREL(shift), relative precision 2^-shift)
 * or one of these. */
#define PREC_EXACT	(-1)	/* C_PREL(63) and pr = 0: no window at all */
#define PREC_DEFAULT	(-2)	/* no C_PREL: the core's default window */
#define PREC_TICKS	(-3)	/* callout_reset_curcpu/_on in ticks of hz */

#define OP_CPU_CUR	(-1)	/* op.cpu: the issuing thread's own CPU */

/* One operation. */
struct op {
	uint64_t t;		/* planned time, ns from the start */
	int64_t delay;		/* reset: delay in ns */
	uint32_t id;		/* the connection's id in a trace */
	uint32_t conn;		/* the worker's own index of that connection */
	uint16_t thread;
	int16_t cpu;		/* reset: OP_CPU_CUR or the target thread */
	uint8_t kind;		/* enum op_kind */
	uint8_t timer;		/* enum timer_kind */
	int8_t prec;		/* reset: PREC_* or a shift */
};

enum drain_mode { DRAIN_SYNC, DRAIN_ASYNC };
enum speed { SPEED_REAL, SPEED_MAX };

/* The settings of one session, from the command line. */
struct lg_config {
	const char *backend;		/* NULL: the library's default */
	int threads;
	int hz;
	bool manual_clock;
	bool json;
	enum speed speed;
	/* The TCP model (run, record). */
	uint64_t conns;
	uint64_t duration_ns;
	double rate;			/* segments per second per connection */
	double churn;			/* connections closed per second, total */
	double cross_cpu;		/* fraction of resets onto another CPU */
	double time_wait;		/* fraction of closes through TIME_WAIT */
	enum drain_mode drain;
	int prec;			/* PREC_* or a shift */
	uint64_t seed;
	int64_t timer_ns[NTIMERS];	/* rexmt: RTO; 2msl: the MSL */
	/* record / replay */
	const char *out;
	const char *trace;
};

#endif
