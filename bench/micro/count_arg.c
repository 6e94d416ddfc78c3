/*
 * count_arg.c - see count_arg.h.  strtoul is not used: it takes a sign and
 * leading spaces, and turns "-5" into a count near 2^64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "count_arg.h"

size_t
count_arg(const char *prog, const char *opt, const char *text, size_t lo,
    size_t hi)
{
	unsigned long long v = 0;
	const char *p = text;

	if (*p == '\0')
		goto bad;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > hi)
			break;
	}
	if (v >= lo && v <= hi)
		return (size_t)v;
bad:
	fprintf(stderr, "%s: %s '%s': not a whole number from %zu to %zu\n",
	    prog, opt, text, lo, hi);
	exit(2);
}

size_t
count_fits(const char *prog, const char *opt, size_t n, size_t each)
{
	size_t half = (size_t)sysconf(_SC_PHYS_PAGES) / 2 *
	    (size_t)sysconf(_SC_PAGESIZE);

	if (each == 0 || n <= half / each)
		return n;
	fprintf(stderr, "%s: %s %zu: at %zu bytes each, more than half of the "
	    "memory\n", prog, opt, n, each);
	exit(2);
}

void
option_refused(const char *prog, const char *usage, char *const argv[])
{
	/* getopt reads an argument that looks long (--help) as the option '-'
	 * followed by more letters, so it is still at that argument (optind):
	 * name it whole.  A short option is named by optopt: argv[optind - 1]
	 * is another argument when the option is not the last letter of its
	 * own (-zq), or when getopt has moved an operand before it. */
	if (optopt == '-') {
		if (strcmp(argv[optind], "--help") == 0) {
			printf("usage: %s\n", usage);
			exit(0);
		}
		fprintf(stderr, "%s: unknown option '%s' (usage: %s)\n", prog,
		    argv[optind], usage);
	} else {
		fprintf(stderr, "%s: unknown option or missing value: '-%c' "
		    "(usage: %s)\n", prog, optopt, usage);
	}
	exit(2);
}
