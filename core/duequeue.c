/*
 * duequeue.c - a base's due queues, kept in deadline order.
 *
 * Expired callouts wait on their base's queues (softclock or direct) until
 * they run.  The queues are sorted by c_time so that the manual clock can
 * take a whole tick out of the backend at once and still run every callout
 * at its own deadline: a hashed wheel's bucket is then swept once per tick,
 * not once per distinct deadline.  On the real clock everything queued is
 * already due and the order is just deadline order.
 *
 * A backend hands its expired callouts over in its own order; they are
 * sorted here (a bottom-up merge sort on the tqe_next chain, O(k log k))
 * and merged in.
 */
#include "base.h"

#define CHAIN_NEXT(c)	((c)->c_links.tqe.tqe_next)

static struct callout *
chain_merge(struct callout *a, struct callout *b)
{
	struct callout *head = NULL, **tail = &head;

	while (a != NULL && b != NULL) {
		struct callout **from = b->c_time < a->c_time ? &b : &a;

		*tail = *from;
		tail = &CHAIN_NEXT(*from);
		*from = CHAIN_NEXT(*from);
	}
	*tail = a != NULL ? a : b;
	return head;
}

/* Sort a NULL-terminated chain: bins[k] holds a sorted run of 2^k. */
static struct callout *
chain_sort(struct callout *list)
{
	struct callout *bins[64] = { NULL };
	struct callout *run;
	int k, top = 0;

	while (list != NULL) {
		run = list;
		list = CHAIN_NEXT(list);
		CHAIN_NEXT(run) = NULL;
		for (k = 0; bins[k] != NULL; k++) {
			run = chain_merge(bins[k], run);
			bins[k] = NULL;
		}
		bins[k] = run;
		if (k > top)
			top = k;
	}
	run = NULL;
	for (k = 0; k <= top; k++)
		if (bins[k] != NULL)
			run = chain_merge(bins[k], run);
	return run;
}

/* Rebuild q around a sorted chain (the back links). */
static void
queue_from_chain(struct callout_tailq *q, struct callout *chain)
{
	TAILQ_INIT(q);
	while (chain != NULL) {
		struct callout *next = CHAIN_NEXT(chain);

		TAILQ_INSERT_TAIL(q, chain, c_links.tqe);
		chain = next;
	}
}

static struct callout *
chain_of(struct callout_tailq *q)
{
	struct callout *first = TAILQ_FIRST(q);

	TAILQ_INIT(q);
	return first;	/* the tqe_next links already end in NULL */
}

/* Merge a sorted batch into the sorted queue q. */
static void
queue_merge(struct callout_tailq *q, struct callout_tailq *batch)
{
	struct callout *last = TAILQ_LAST(q, callout_tailq);

	if (TAILQ_EMPTY(batch))
		return;
	if (last == NULL || last->c_time <= TAILQ_FIRST(batch)->c_time) {
		TAILQ_CONCAT(q, batch, c_links.tqe);
		return;
	}
	queue_from_chain(q, chain_merge(chain_of(q), chain_of(batch)));
}

/* Queue an expired batch (any order) on cc's due queues, sorted. */
void
callout__queue_batch(struct callout_cpu *cc, struct callout_tailq *batch)
{
	struct callout_tailq soft = TAILQ_HEAD_INITIALIZER(soft);
	struct callout_tailq direct = TAILQ_HEAD_INITIALIZER(direct);
	struct callout *c, *sorted;

	cc_assert_locked(cc, __func__);
	sorted = chain_sort(chain_of(batch));
	while ((c = sorted) != NULL) {
		sorted = CHAIN_NEXT(c);
		ci_set(c, CI_QUEUED);
		TAILQ_INSERT_TAIL((ci_get(c) & CI_DIRECT) ? &direct : &soft, c,
		    c_links.tqe);
	}
	queue_merge(&cc->cc_softq, &soft);
	queue_merge(&cc->cc_directq, &direct);
}

/* Queue one callout at its place (c_time and CI_DIRECT are set). */
void
callout__queue_one(struct callout_cpu *cc, struct callout *c)
{
	struct callout_tailq *q = (ci_get(c) & CI_DIRECT) ? &cc->cc_directq :
	    &cc->cc_softq;
	struct callout *p = TAILQ_LAST(q, callout_tailq);

	cc_assert_locked(cc, __func__);
	while (p != NULL && p->c_time > c->c_time)
		p = TAILQ_PREV(p, callout_tailq, c_links.tqe);
	if (p == NULL)
		TAILQ_INSERT_HEAD(q, c, c_links.tqe);
	else
		TAILQ_INSERT_AFTER(q, p, c, c_links.tqe);
	ci_set(c, CI_QUEUED);
}

/* The earliest deadline waiting on cc's queues, SBT_MAX if none. */
sbintime_t
callout__queue_first(struct callout_cpu *cc)
{
	struct callout *s = TAILQ_FIRST(&cc->cc_softq);
	struct callout *d = TAILQ_FIRST(&cc->cc_directq);
	sbintime_t t = SBT_MAX;

	if (s != NULL)
		t = s->c_time;
	if (d != NULL && d->c_time < t)
		t = d->c_time;
	return t;
}
