/*
 * loadgen_options.c - options_parse (bench/loadgen/options.c) more than
 * once in a process, as the fuzz target and `advise` call it: a parse that
 * stopped inside a cluster of short options ("-xy": -x refused, y not read
 * yet) must not leak into the next one.  glibc's getopt keeps its place in
 * the cluster unless optind is set to 0; the next parse used to go on
 * with that stale y, refuse it, and read argv past its end.
 */
#include <stdio.h>

#include "check.h"
#include "options.h"

static const enum opt_id opts[] = { O_THREADS, O_CONNS, O_END };
static const struct subcommand_usage usage = {
	"[OPTIONS]", "a test", opts, 0, NULL,
};

/* Parse argv (NULL-terminated) quietly; the status. */
static int
parse(char **argv)
{
	struct lg_config cfg;
	FILE *err = stderr;
	int argc = 0, status;

	while (argv[argc] != NULL)
		argc++;
	options_defaults(&cfg);
	stderr = fopen("/dev/null", "w");
	status = options_parse(argc, argv, &usage, &cfg, NULL);
	fclose(stderr);
	stderr = err;
	return status;
}

static void
test_parse_after_a_refused_cluster(void)
{
	char *bad[] = { "t", "-xy", NULL };
	char *none[] = { "t", NULL };
	char *good[] = { "t", "--conns", "5", NULL };

	CHECK_EQ(parse(bad), OPTS_ERROR);
	CHECK_EQ(parse(none), OPTS_OK);
	CHECK_EQ(parse(bad), OPTS_ERROR);
	CHECK_EQ(parse(good), OPTS_OK);
}

int
main(void)
{
	RUN(test_parse_after_a_refused_cluster);
	return CHECK_EXIT();
}
