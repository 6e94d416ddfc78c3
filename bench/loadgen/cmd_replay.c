/*
 * cmd_replay.c - `calloutlab replay FILE`: carry out a trace's operations
 * through the callout API, with the metrics and checks of `run`.
 */
#include <stdlib.h>

#include "commands.h"
#include "options.h"
#include "session.h"
#include "trace.h"
#include "util.h"

/* A worker's share of the trace. */
struct op_list {
	struct op *ops;
	size_t n, cap, next;
};

static bool
source_list(void *src, struct op *op)
{
	struct op_list *l = src;

	if (l->next == l->n)
		return false;
	*op = l->ops[l->next++];
	return true;
}

/*
 * Trace thread t goes to worker t % threads; a cross-CPU target thread too
 * (conn.c takes it modulo).  A worker numbers the connections it meets
 * 0, 1, ... (a connection id belongs to one trace thread, so one worker).
 */
static struct op_list *
split(const struct trace *tr, int threads)
{
	struct op_list *lists = xcalloc((size_t)threads, sizeof(*lists));
	uint32_t *local = xcalloc((size_t)LG_MAX_CONN_ID + 1, sizeof(*local));
	uint32_t *nlocal = xcalloc((size_t)threads, sizeof(*nlocal));

	for (size_t i = 0; i < tr->n; i++) {
		struct op op = tr->ops[i];
		struct op_list *l = &lists[op.thread % threads];

		/* local[] holds index + 1; 0: not met yet. */
		if (local[op.id] == 0)
			local[op.id] = ++nlocal[op.thread % threads];
		op.conn = local[op.id] - 1;
		if (l->n == l->cap)
			l->ops = xrealloc(l->ops, l->cap = l->cap ? 2 * l->cap : 1024,
			    sizeof(*l->ops));
		l->ops[l->n++] = op;
	}
	free(local);
	free(nlocal);
	return lists;
}

int
cmd_replay(int argc, char **argv)
{
	static const enum opt_id opts[] = {
		O_BACKEND, O_THREADS, O_SPEED, O_HZ, O_MANUAL_CLOCK, O_JSON, O_END,
	};
	static const struct subcommand_usage usage = {
		"FILE [OPTIONS]",
		"Carry out the operations of trace FILE (see TRACE.md) through the\n"
		"callout API, on pinned threads, with the metrics and the accounting\n"
		"of `run`.  Trace thread t runs on thread t % --threads.  The whole\n"
		"trace is read and checked first: a malformed one is refused with\n"
		"FILE:LINE: what is wrong, and exit status 1, before anything runs.",
		opts, 1, "trace FILE",
	};
	struct lg_config cfg;
	struct trace tr;
	struct op_list *lists;
	struct worker **ws;
	char *file;
	int status;

	options_defaults(&cfg);
	cfg.threads = 0;	/* default: the trace's */
	switch (options_parse(argc, argv, &usage, &cfg, &file)) {
	case OPTS_HELP:
		return 0;
	case OPTS_ERROR:
		return 2;
	}
	if (trace_read(file, &tr) != 0)
		return 1;
	cfg.trace = file;
	if (cfg.threads == 0)
		cfg.threads = tr.nthreads > 0 ? tr.nthreads : 1;
	lists = split(&tr, cfg.threads);
	ws = session_workers(&cfg);
	for (int i = 0; i < cfg.threads; i++) {
		ws[i]->next = source_list;
		ws[i]->src = &lists[i];
	}
	status = session_run("replay", &cfg, ws, tr.nconns, tr.end_t);
	for (int i = 0; i < cfg.threads; i++)
		free(lists[i].ops);
	free(lists);
	trace_free(&tr);
	return status;
}
