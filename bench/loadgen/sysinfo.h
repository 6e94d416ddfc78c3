/*
 * sysinfo.h - what a results file records about where it came from (build,
 * allocator, CPU, kernel, date), and the process's memory.
 */
#ifndef LOADGEN_SYSINFO_H
#define LOADGEN_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

struct memory_sample {
	const char *source;	/* "jemalloc stats.allocated" or "rss" */
	uint64_t bytes;
};

/* Bytes allocated now (jemalloc builds), else the resident set size. */
void memory_sample(struct memory_sample *m);

const char *build_commit(void);		/* git describe at configure time */
const char *build_compiler(void);
const char *build_type(void);		/* meson buildtype */
const char *allocator_name(void);	/* "jemalloc 5.3.0-..." or "glibc" */

struct host {
	char cpu[128];		/* /proc/cpuinfo model name */
	char kernel[160];	/* uname -sr */
	char date[32];		/* now, ISO 8601 UTC */
	long online_cpus;
};

void host_describe(struct host *h);

struct json;
/* The build and host fields every JSON report ends with: commit,
 * compiler, buildtype, allocator, host{cpu, online_cpus, kernel, date}. */
void json_provenance(struct json *j);

#endif
