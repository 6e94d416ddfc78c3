/*
 * fuzz_trace.c - libFuzzer target for the trace reader of `calloutlab
 * replay` (bench/loadgen/trace.c).  The input is the file: it is handed to
 * trace_read through a memfd.  A trace is either refused (with its
 * FILE:LINE message) or accepted whole; an accepted one must satisfy what
 * replay relies on: times never go back, every operation's thread is below
 * the thread count.  Anything else, or a sanitizer report, is a failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	FILE *err = stderr;
	struct trace tr;
	char path[64];
	int fd, status;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	fd = memfd_create("trace", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* The reader's one-line refusals go nowhere; libFuzzer and the
	 * sanitizers write to file descriptor 2, not through stderr. */
	stderr = devnull;
	status = trace_read(path, &tr);
	stderr = err;
	if (status == 0) {
		for (size_t i = 0; i < tr.n; i++) {
			if (i > 0 && tr.ops[i].t < tr.ops[i - 1].t)
				abort();
			if (tr.ops[i].thread >= tr.nthreads)
				abort();
		}
		trace_free(&tr);
	}
	close(fd);
	return 0;
}
