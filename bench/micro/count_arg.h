/*
 * count_arg.h - a count given on the command line of the micro programs
 * that read their own arguments (bytes.c, ticks.c, window.c).
 */
#ifndef MICRO_COUNT_ARG_H
#define MICRO_COUNT_ARG_H

#include <stddef.h>

/* text as a whole number in [lo, hi] (digits only: no sign, no space), or
 * one line on stderr naming prog, the option and the value, and exit 2. */
size_t count_arg(const char *prog, const char *opt, const char *text,
    size_t lo, size_t hi);

#endif /* MICRO_COUNT_ARG_H */
