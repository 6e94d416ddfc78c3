/*
 * list.c - the legacy BSD callout list: Varghese & Lauck scheme 2.
 *
 *   head -> [t=3] <-> [t=7] <-> [t=7] <-> [t=42] -> NULL
 *
 * One doubly linked list kept sorted by deadline (G. Varghese, T. Lauck,
 * "Hashed and Hierarchical Timing Wheels", SOSP 1987, scheme 2; the BSD
 * callout list before 4.4BSD-Lite's callwheel).  Equal deadlines keep their
 * insertion order.
 *
 *   insert   O(n)  walk to the first later deadline
 *   remove   O(1)  unlink (LIST_ENTRY knows its predecessor)
 *   next     O(1)  the head
 *   expire   O(1)  per expired callout, O(1) per empty tick
 *   memory   the head and the clock: 16 bytes, whatever N
 *
 * It is also the reference: every other backend must fire the same callouts
 * at the same times as this one (tests/differential.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "callout_backend.h"

struct list_be {
	LIST_HEAD(, callout) head;
	sbintime_t now;		/* last expire time; nothing inside is earlier */
};

static void *
list_create(sbintime_t now)
{
	struct list_be *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	LIST_INIT(&l->head);
	l->now = now;
	return l;
}

static void
list_destroy(void *be)
{
	free(be);
}

static int
list_insert(void *be, struct callout *c)
{
	struct list_be *l = be;
	struct callout *p, *prev = NULL;

	for (p = LIST_FIRST(&l->head); p != NULL; p = LIST_NEXT(p, c_links.le)) {
		if (p->c_time > c->c_time)
			break;
		prev = p;
	}
	if (prev == NULL)
		LIST_INSERT_HEAD(&l->head, c, c_links.le);
	else
		LIST_INSERT_AFTER(prev, c, c_links.le);
	return 0;
}

static void
list_remove(void *be, struct callout *c)
{
	(void)be;
	LIST_REMOVE(c, c_links.le);
}

static sbintime_t
list_next(void *be)
{
	struct list_be *l = be;
	struct callout *c = LIST_FIRST(&l->head);

	return c != NULL ? c->c_time : SBT_MAX;
}

static void
list_expire(void *be, sbintime_t now, struct callout_tailq *due)
{
	struct list_be *l = be;
	struct callout *c;

	while ((c = LIST_FIRST(&l->head)) != NULL && c->c_time <= now) {
		LIST_REMOVE(c, c_links.le);
		TAILQ_INSERT_TAIL(due, c, c_links.tqe);
	}
	l->now = now;
}

static const char *
list_check(void *be)
{
	struct list_be *l = be;
	struct callout *c, *prev = NULL;

	LIST_FOREACH(c, &l->head, c_links.le) {
		if (c->c_links.le.le_prev != (prev == NULL ?
		    &LIST_FIRST(&l->head) : &LIST_NEXT(prev, c_links.le)))
			return "list: broken back link";
		if (prev != NULL && prev->c_time > c->c_time)
			return "list: not sorted by deadline";
		if (c->c_time < l->now)
			return "list: a callout is older than the clock";
		prev = c;
	}
	return NULL;
}

static size_t
list_footprint(void *be)
{
	(void)be;
	return sizeof(struct list_be);
}

const struct callout_backend_ops callout_backend_list = {
	.name = "list",
	.description = "scheme 2: sorted doubly linked list, O(n) insert (the reference)",
	.create = list_create,
	.destroy = list_destroy,
	.insert = list_insert,
	.remove = list_remove,
	.next = list_next,
	.expire = list_expire,
	.check = list_check,
	.footprint = list_footprint,
};
