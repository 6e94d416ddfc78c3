/*
 * model.c - the TCP-like workload.
 *
 * Each thread owns about conns/threads connections.  Its plan is a
 * constant-rate sequence of events, event k at k/R (R = its connections
 * times --rate, plus its share of --churn); each event picks a connection
 * at random, so every connection sees segments as a Bernoulli process,
 * which at these sizes is the Poisson arrival process TCP sees.  An event
 * is a few operations that share its planned time:
 *
 *   send data       unacked++, re-arm rexmt (RTO); with the peer's window
 *                   at zero, arm persist instead
 *   receive ACK     re-arm keep; acknowledge some data: stop rexmt when
 *                   all is acknowledged, else re-arm it; now and then the
 *                   window closes (arm persist) or opens (stop persist)
 *   receive data    re-arm keep; every second segment is acknowledged at
 *                   once (stop delack), the first arms delack
 *   churn           close a random connection and open a new one (open,
 *                   arm keep).  A passive close (peer closed first) tears
 *                   down at once; an active one (--time-wait) stops the
 *                   four other timers, arms 2msl, and tears down 2MSL
 *                   later.  A teardown stops every timer and drains it
 *                   (--drain sync), or async-drains them (--drain async),
 *                   then closes.
 *
 * At time 0 every connection is opened and its keepalive armed (the
 * set-up).  The delays are FreeBSD's defaults, see the option table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

#define QUEUE_MAX 16	/* operations of one event: at most 13 */

enum { MC_DELACK = 1, MC_ZEROWIN = 2, MC_PERSIST = 4 };

struct mconn {
	int64_t rto;		/* this connection's RTO: RTT varies */
	uint16_t unacked;	/* segments sent and not acknowledged */
	uint8_t flags;		/* MC_* */
};

struct time_wait {
	uint32_t id;
	uint64_t end;		/* when its teardown is planned */
};

struct model {
	const struct lg_config *cfg;
	int thread;
	uint64_t rng;
	uint64_t nconns;	/* established connections: constant */
	double rate;		/* events per second */
	double p_churn;		/* probability that an event is a churn */
	uint64_t k;		/* next event */
	uint64_t setup;		/* connections opened at time 0 so far */

	struct mconn *conns;	/* by connection index */
	uint32_t conns_cap;
	uint32_t next_id;	/* indexes below are in use or free */
	uint32_t *est;		/* the established connections */
	uint32_t *free_ids;
	uint32_t nfree;
	struct time_wait *tw;	/* FIFO ring: closes come in time order */
	uint32_t tw_head, tw_len, tw_cap;

	struct op queue[QUEUE_MAX];
	int q_head, q_len;
	uint64_t now;		/* planned time of the event being built */
};

/* splitmix64: small, seedable, and the same on every machine. */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rng_below(struct model *m, uint64_t n)
{
	return rng_next(&m->rng) % n;
}

static double
rng_unit(struct model *m)	/* uniform in [0, 1) */
{
	return (double)(rng_next(&m->rng) >> 11) * 0x1p-53;
}

static uint64_t
thread_conns(const struct lg_config *cfg, int thread)
{
	uint64_t n = cfg->conns / (uint64_t)cfg->threads;

	return n + ((uint64_t)thread < cfg->conns % (uint64_t)cfg->threads);
}

static struct op *
emit(struct model *m, enum op_kind kind, uint32_t id, enum timer_kind timer)
{
	struct op *op = &m->queue[(m->q_head + m->q_len++) % QUEUE_MAX];

	memset(op, 0, sizeof(*op));
	op->t = m->now;
	op->kind = (uint8_t)kind;
	op->conn = id;
	/* Ids unique across threads, and their owner readable in a trace. */
	op->id = id * (uint32_t)m->cfg->threads + (uint32_t)m->thread;
	op->thread = (uint16_t)m->thread;
	op->timer = (uint8_t)timer;
	op->cpu = OP_CPU_CUR;
	return op;
}

static void
emit_reset(struct model *m, uint32_t id, enum timer_kind timer, int64_t delay)
{
	const struct lg_config *cfg = m->cfg;
	struct op *op = emit(m, OP_RESET, id, timer);

	op->delay = delay;
	op->prec = (int8_t)cfg->prec;
	if (cfg->threads > 1 && cfg->cross_cpu > 0 && rng_unit(m) < cfg->cross_cpu) {
		/* Another thread's CPU: pick among the others uniformly. */
		int other = (int)rng_below(m, (uint64_t)cfg->threads - 1);

		op->cpu = (int16_t)(other >= m->thread ? other + 1 : other);
	}
}

/* An index for a new connection: a freed one, or the next. */
static uint32_t
conn_alloc(struct model *m)
{
	if (m->nfree > 0)
		return m->free_ids[--m->nfree];
	if (m->next_id == m->conns_cap) {
		m->conns_cap *= 2;
		m->conns = xrealloc(m->conns, m->conns_cap, sizeof(*m->conns));
		m->free_ids = xrealloc(m->free_ids, m->conns_cap, sizeof(*m->free_ids));
	}
	return m->next_id++;
}

static void
open_conn(struct model *m, uint32_t id)
{
	struct mconn *c = &m->conns[id];

	c->unacked = 0;
	c->flags = 0;
	/* RTT differs between peers: RTO within +-25% of --rto. */
	c->rto = (int64_t)((double)m->cfg->timer_ns[T_REXMT] * (0.75 + 0.5 * rng_unit(m)));
	emit(m, OP_OPEN, id, 0);
	emit_reset(m, id, T_KEEP, m->cfg->timer_ns[T_KEEP]);
}

/* Stop (or async-drain) every timer, drain them, close: TCP's discard. */
static void
teardown(struct model *m, uint32_t id)
{
	for (int t = 0; t < NTIMERS; t++)
		emit(m, m->cfg->drain == DRAIN_ASYNC ? OP_ASYNC_DRAIN : OP_STOP, id,
		    (enum timer_kind)t);
	if (m->cfg->drain == DRAIN_SYNC)
		for (int t = 0; t < NTIMERS; t++)
			emit(m, OP_DRAIN, id, (enum timer_kind)t);
	emit(m, OP_CLOSE, id, 0);
	m->free_ids[m->nfree++] = id;
}

static void
tw_push(struct model *m, uint32_t id, uint64_t end)
{
	if (m->tw_len == m->tw_cap) {
		uint32_t cap = m->tw_cap ? m->tw_cap * 2 : 64;
		struct time_wait *tw = xcalloc(cap, sizeof(*tw));

		for (uint32_t i = 0; i < m->tw_len; i++)
			tw[i] = m->tw[(m->tw_head + i) % m->tw_cap];
		free(m->tw);
		m->tw = tw;
		m->tw_head = 0;
		m->tw_cap = cap;
	}
	m->tw[(m->tw_head + m->tw_len++) % m->tw_cap] = (struct time_wait){ id, end };
}

static void
churn(struct model *m)
{
	uint64_t slot = rng_below(m, m->nconns);
	uint32_t old = m->est[slot], id;

	if (rng_unit(m) < m->cfg->time_wait) {
		/* Active close: TIME_WAIT for 2MSL (plus 1/8 so that a 2msl
		 * timer with a precision window fires before the teardown). */
		int64_t two_msl = 2 * m->cfg->timer_ns[T_2MSL];

		for (int t = 0; t < NTIMERS; t++)
			if (t != T_2MSL)
				emit(m, OP_STOP, old, (enum timer_kind)t);
		emit_reset(m, old, T_2MSL, two_msl);
		tw_push(m, old, m->now + (uint64_t)(two_msl + two_msl / 8));
	} else {
		teardown(m, old);
	}
	id = conn_alloc(m);
	m->est[slot] = id;
	open_conn(m, id);
}

static void
segment(struct model *m)
{
	const int64_t *tn = m->cfg->timer_ns;
	uint32_t id = m->est[rng_below(m, m->nconns)];
	struct mconn *c = &m->conns[id];
	uint64_t r = rng_below(m, 100);

	if (r < 40) {				/* send data */
		if (c->flags & MC_ZEROWIN) {
			if (!(c->flags & MC_PERSIST))
				emit_reset(m, id, T_PERSIST, tn[T_PERSIST]);
			c->flags |= MC_PERSIST;
		} else {
			if (c->unacked < UINT16_MAX)
				c->unacked++;
			emit_reset(m, id, T_REXMT, c->rto);
		}
	} else if (r < 80) {			/* receive an ACK */
		emit_reset(m, id, T_KEEP, tn[T_KEEP]);
		if ((c->flags & MC_ZEROWIN) && rng_below(m, 4) == 0) {
			c->flags &= (uint8_t)~(MC_ZEROWIN | MC_PERSIST);
			emit(m, OP_STOP, id, T_PERSIST);
		} else if (!(c->flags & MC_ZEROWIN) && rng_below(m, 50) == 0) {
			c->flags |= MC_ZEROWIN;
		}
		if (c->unacked > 0) {
			c->unacked -= (uint16_t)(1 + rng_below(m, c->unacked));
			if (c->unacked == 0)
				emit(m, OP_STOP, id, T_REXMT);
			else
				emit_reset(m, id, T_REXMT, c->rto);
		}
	} else {				/* receive data */
		emit_reset(m, id, T_KEEP, tn[T_KEEP]);
		if (c->flags & MC_DELACK)
			emit(m, OP_STOP, id, T_DELACK);
		else
			emit_reset(m, id, T_DELACK, tn[T_DELACK]);
		c->flags ^= MC_DELACK;
	}
}

struct model *
model_new(const struct lg_config *cfg, int thread)
{
	struct model *m = xcalloc(1, sizeof(*m));
	uint64_t n = thread_conns(cfg, thread);

	m->cfg = cfg;
	m->thread = thread;
	m->rng = cfg->seed ^ (0x632be59bd9b4e019ULL * (uint64_t)(thread + 1));
	m->nconns = n;
	if (n > 0) {
		double churn = cfg->churn * (double)n / (double)cfg->conns;

		m->rate = (double)n * cfg->rate + churn;
		m->p_churn = m->rate > 0 ? churn / m->rate : 0;
	}
	m->conns_cap = (uint32_t)(n > 0 ? n : 1);
	m->conns = xcalloc(m->conns_cap, sizeof(*m->conns));
	m->free_ids = xcalloc(m->conns_cap, sizeof(*m->free_ids));
	m->est = xcalloc(m->conns_cap, sizeof(*m->est));
	m->next_id = (uint32_t)n;
	for (uint32_t i = 0; i < n; i++)
		m->est[i] = i;
	m->k = 1;
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	free(m->conns);
	free(m->free_ids);
	free(m->est);
	free(m->tw);
	free(m);
}

/* Build the next event into the queue (it may have no operation: a send
 * into a closed window with persist armed); false when the run is over. */
static bool
next_event(struct model *m)
{
	uint64_t duration = m->cfg->duration_ns;
	uint64_t t_ev = UINT64_MAX;

	if (m->setup < m->nconns) {
		m->now = 0;
		open_conn(m, (uint32_t)m->setup++);
		return true;
	}
	if (m->rate > 0) {
		double t = (double)m->k * 1e9 / m->rate;

		t_ev = t < (double)duration ? (uint64_t)t : UINT64_MAX;
	}
	if (m->tw_len > 0 && m->tw[m->tw_head].end <= t_ev &&
	    m->tw[m->tw_head].end < duration) {
		m->now = m->tw[m->tw_head].end;
		teardown(m, m->tw[m->tw_head].id);
		m->tw_head = (m->tw_head + 1) % m->tw_cap;
		m->tw_len--;
		return true;
	}
	if (t_ev == UINT64_MAX)
		return false;
	m->now = t_ev;
	m->k++;
	if (rng_unit(m) < m->p_churn)
		churn(m);
	else
		segment(m);
	return true;
}

bool
model_next(struct model *m, struct op *op)
{
	while (m->q_len == 0)
		if (!next_event(m))
			return false;
	*op = m->queue[m->q_head];
	m->q_head = (m->q_head + 1) % QUEUE_MAX;
	m->q_len--;
	return true;
}
