/*
 * sysinfo.c - see sysinfo.h.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "loadgen_build.h"
#include "sysinfo.h"

#if LOADGEN_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

void
memory_sample(struct memory_sample *m)
{
#if LOADGEN_JEMALLOC
	uint64_t epoch = 1;
	size_t allocated, len = sizeof(allocated);

	/* Statistics are a snapshot refreshed by writing "epoch". */
	mallctl("epoch", NULL, NULL, &epoch, sizeof(epoch));
	if (mallctl("stats.allocated", &allocated, &len, NULL, 0) == 0) {
		m->source = "jemalloc stats.allocated";
		m->bytes = allocated;
		return;
	}
#endif
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long size, resident = 0;

	m->source = "rss";
	if (f != NULL) {
		if (fscanf(f, "%llu %llu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	m->bytes = resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

const char *build_commit(void) { return LOADGEN_COMMIT; }
const char *build_compiler(void) { return LOADGEN_COMPILER; }
const char *build_type(void) { return LOADGEN_BUILDTYPE; }

const char *
allocator_name(void)
{
#if LOADGEN_JEMALLOC
	return "jemalloc " JEMALLOC_VERSION;
#else
	return "glibc";
#endif
}

void
host_describe(struct host *h)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct utsname u;
	char line[256];
	time_t now = time(NULL);

	strcpy(h->cpu, "unknown");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(h->cpu, sizeof(h->cpu), "%s", colon + 2);
			h->cpu[strcspn(h->cpu, "\n")] = '\0';
			break;
		}
	}
	if (f != NULL)
		fclose(f);
	if (uname(&u) == 0)
		snprintf(h->kernel, sizeof(h->kernel), "%s %s", u.sysname, u.release);
	else
		strcpy(h->kernel, "unknown");
	strftime(h->date, sizeof(h->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	h->online_cpus = sysconf(_SC_NPROCESSORS_ONLN);
}

void
json_provenance(struct json *j)
{
	struct host h;

	host_describe(&h);
	json_string(j, "commit", build_commit());
	json_string(j, "compiler", build_compiler());
	json_string(j, "buildtype", build_type());
	json_string(j, "allocator", allocator_name());
	json_object_begin(j, "host");
	json_string(j, "cpu", h.cpu);
	json_int(j, "online_cpus", h.online_cpus);
	json_string(j, "kernel", h.kernel);
	json_string(j, "date", h.date);
	json_object_end(j);
}
