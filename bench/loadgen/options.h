/*
 * options.h - the command-line options of every subcommand: one table
 * gives getopt_long its options, --help its text, and each option its
 * parser, so that what is documented is what is accepted.
 */
#ifndef LOADGEN_OPTIONS_H
#define LOADGEN_OPTIONS_H

#include <stddef.h>

#include "loadgen.h"

enum opt_id {
	O_BACKEND, O_THREADS, O_HZ, O_MANUAL_CLOCK, O_JSON,
	/* the TCP model */
	O_CONNS, O_DURATION, O_RATE, O_CHURN, O_CROSS_CPU, O_DRAIN, O_PRECISION,
	O_SEED, O_TIME_WAIT, O_RTO, O_DELACK, O_PERSIST, O_KEEPIDLE, O_MSL,
	/* record, replay */
	O_OUT, O_SPEED,
	O_END = -1
};

struct subcommand_usage {
	const char *args;		/* after "calloutlab NAME": "[OPTIONS]" */
	const char *about;		/* paragraphs after the usage line */
	const enum opt_id *opts;	/* O_END-terminated */
	int npositional;		/* exactly this many operands */
	const char *positional_name;	/* for the error when one is missing */
};

/* Defaults of every option. */
void options_defaults(struct lg_config *cfg);

enum { OPTS_OK, OPTS_HELP, OPTS_ERROR };

/*
 * Parse argv (argv[0] is the subcommand) into cfg; operands go to
 * positional[].  OPTS_HELP: --help was printed on stdout (exit 0).
 * OPTS_ERROR: a one-line error naming the option and its value was printed
 * on stderr (exit 2).
 */
int options_parse(int argc, char **argv, const struct subcommand_usage *u,
    struct lg_config *cfg, char **positional);

/* "exact", "default", "ticks", "1/8": the --precision value of prec. */
const char *options_precision_name(int prec, char *buf, size_t len);

#endif
