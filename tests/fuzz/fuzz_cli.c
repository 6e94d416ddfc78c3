/*
 * fuzz_cli.c - libFuzzer target for the command-line parser of
 * `calloutlab` (bench/loadgen/options.c).  The input is split at NUL bytes
 * into the arguments of a subcommand that takes every option and, when the
 * first byte is odd, one operand.  The parser must answer OK, HELP or
 * ERROR without crashing, leaking or reading out of bounds, and an
 * accepted configuration must be inside the ranges --help documents.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS 32

static const enum opt_id every_option[] = {
	O_BACKEND, O_THREADS, O_HZ, O_MANUAL_CLOCK, O_JSON, O_CONNS,
	O_DURATION, O_RATE, O_CHURN, O_CROSS_CPU, O_DRAIN, O_PRECISION, O_SEED,
	O_TIME_WAIT, O_RTO, O_DELACK, O_PERSIST, O_KEEPIDLE, O_MSL, O_OUT,
	O_SPEED, O_END,
};

static void
check_config(const struct lg_config *cfg)
{
	if (cfg->threads < 1 || cfg->threads > 1024 || cfg->hz < 1 ||
	    cfg->rate < 0 || cfg->churn < 0 || cfg->cross_cpu < 0 ||
	    cfg->cross_cpu > 1 || cfg->time_wait < 0 || cfg->time_wait > 1)
		abort();
	for (int i = 0; i < NTIMERS; i++)
		if (cfg->timer_ns[i] <= 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	FILE *out = stdout, *err = stderr;
	const struct subcommand_usage usage = {
		"[OPTIONS]", "fuzzed", every_option, size > 0 && (data[0] & 1),
		"OPERAND",
	};
	char *argv[MAXARGS + 2], *positional[1] = { NULL };
	char *buf = malloc(size + 1);
	int argc = 1;
	struct lg_config cfg;
	int status;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"fuzz";
	for (size_t i = size > 0 ? 1 : 0; i < size && argc <= MAXARGS; ) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	optind = 0;	/* glibc: start getopt afresh */
	options_defaults(&cfg);
	/* Errors and --help by the thousand go nowhere; libFuzzer and the
	 * sanitizers write to file descriptor 2, not through stderr. */
	stdout = stderr = devnull;
	status = options_parse(argc, argv, &usage, &cfg, positional);
	stdout = out;
	stderr = err;
	switch (status) {
	case OPTS_OK:
		check_config(&cfg);
		break;
	case OPTS_HELP:
	case OPTS_ERROR:
		break;
	default:
		abort();
	}
	free(buf);
	return 0;
}
