/*
 * legacy.c - the timeout(9) API: timeout(), untimeout(),
 * callout_handle_init().
 *
 * timeout() takes a callout from a pool, as the BSD callout table did, so
 * that a handle keeps pointing at a callout (possibly recycled: the page's
 * "handles are recycled by the system") for the life of the process.  The
 * pool grows by chunks and never shrinks.  Pool callouts are tied to Giant,
 * so timeout functions run with Giant held.
 *
 * The free list is first in, first out: a callout just given back is the
 * last to be handed out again, so a stale handle meets a new timeout on
 * its callout only after every other free callout has been used (the
 * page's "possible (although unlikely)").  Last in, first out, the next
 * timeout() would always get it.
 */
#include <stdlib.h>

#include "base.h"

#define POOL_CHUNK 256

/* pool_lock guards the free list, handed out at pool_head and given back
 * at pool_tail; a free callout is linked by c_links.le. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct callout *pool_head, *pool_tail;

struct pool_chunk {
	struct pool_chunk *next;
	struct callout c[POOL_CHUNK];
};
static struct pool_chunk *pool_chunks;	/* pool_lock; kept for the process */

/* pool_lock held. */
static void
pool_append(struct callout *c)
{
	c->c_links.le.le_next = NULL;
	if (pool_tail != NULL)
		pool_tail->c_links.le.le_next = c;
	else
		pool_head = c;
	pool_tail = c;
}

static struct callout *
pool_get(void)
{
	struct callout *c;

	pthread_mutex_lock(&pool_lock);
	if (pool_head == NULL) {
		struct pool_chunk *ch = calloc(1, sizeof(*ch));

		if (ch == NULL)
			callout__panic("timeout: out of memory for the callout pool");
		ch->next = pool_chunks;
		pool_chunks = ch;
		for (int i = 0; i < POOL_CHUNK; i++)
			pool_append(&ch->c[i]);
	}
	c = pool_head;
	pool_head = c->c_links.le.le_next;
	if (pool_head == NULL)
		pool_tail = NULL;
	pthread_mutex_unlock(&pool_lock);
	return c;
}

/* Called with the callout's base lock held (lock order: base, pool). */
void
callout__pool_put(struct callout *c)
{
	pthread_mutex_lock(&pool_lock);
	pool_append(c);
	pthread_mutex_unlock(&pool_lock);
}

void
callout_handle_init(struct callout_handle *handle)
{
	handle->callout = NULL;
}

struct callout_handle
timeout(timeout_t *func, void *arg, int to_ticks)
{
	struct callout *c = pool_get();

	/* Under Giant: an untimeout() of a stale handle to this callout
	 * (handles are recycled) reads it under Giant. */
	mtx_lock(&Giant);
	callout_init(c, 0);
	c->c_iflags |= CI_LOCAL_ALLOC;
	callout_reset(c, to_ticks, func, arg);
	mtx_unlock(&Giant);
	return (struct callout_handle){ c };
}

void
untimeout(timeout_t *func, void *arg, struct callout_handle handle)
{
	if (handle.callout == NULL)
		return;
	callout__ensure();
	mtx_lock(&Giant);
	callout__stop_if(handle.callout, func, arg);
	mtx_unlock(&Giant);
}
