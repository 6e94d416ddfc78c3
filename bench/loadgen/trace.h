/*
 * trace.h - the trace format (TRACE.md): reading, with every check made
 * before anything runs, and writing.
 */
#ifndef LOADGEN_TRACE_H
#define LOADGEN_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "loadgen.h"

#define TRACE_HEADER "calloutlab-trace 1"
/* The longest line, its newline not counted (TRACE.md). */
#define TRACE_MAX_LINE 4096

struct trace {
	struct op *ops;		/* in file order; op.conn == op.id */
	size_t n;
	int nthreads;		/* highest thread + 1 */
	uint64_t nconns;	/* distinct connection ids */
	uint64_t end_t;		/* the plan's end: its `end` line, else the
				   last operation's time */
};

/* Read and check a whole trace.  On error prints "FILE:LINE: what is
 * wrong" on stderr and returns -1. */
int trace_read(const char *path, struct trace *tr);
void trace_free(struct trace *tr);

/* One line for op (op.id names the connection). */
void trace_write_op(FILE *f, const struct op *op);
/* The last line: the plan ends at t. */
void trace_write_end(FILE *f, uint64_t t);

#endif
