/*
 * count_arg.h - a count given on the command line of the micro programs
 * that read their own arguments (bytes.c, ticks.c, window.c; shim.cc for
 * --benchmark_repetitions), whether that many fit in memory, and an option
 * getopt refused in them.
 */
#ifndef MICRO_COUNT_ARG_H
#define MICRO_COUNT_ARG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* text as a whole number in [lo, hi] (digits only: no sign, no space), or
 * one line on stderr naming prog, the option and the value, and exit 2. */
size_t count_arg(const char *prog, const char *opt, const char *text,
    size_t lo, size_t hi);

/* n items of `each` bytes, when they fit in half of the machine's memory
 * (more would be killed or swap instead of being measured); else one line
 * on stderr naming prog, the option and the value, and exit 2. */
size_t count_fits(const char *prog, const char *opt, size_t n, size_t each);

/* After getopt returned '?' in prog, whose options all take a value:
 * --help prints "usage: USAGE" on stdout and exits 0; anything else is one
 * line on stderr naming the option refused and the usage, and exit 2. */
void option_refused(const char *prog, const char *usage, char *const argv[])
    __attribute__((__noreturn__));

#ifdef __cplusplus
}
#endif

#endif /* MICRO_COUNT_ARG_H */
