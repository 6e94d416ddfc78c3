/*
 * util.h - the few helpers every file of calloutlab uses: allocation that
 * cannot fail (the program exits with a message instead), the clock, and
 * the program's name for messages.
 */
#ifndef LOADGEN_UTIL_H
#define LOADGEN_UTIL_H

#include <stddef.h>
#include <stdint.h>

extern const char *lg_prog;	/* "calloutlab run", for messages */

_Noreturn void lg_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);

/* The unsigned decimal integer p[0..len): digits only, no sign or blank.
 * 0, or PARSE_NOT_NUMBER, or PARSE_TOO_BIG (above UINT64_MAX). */
enum { PARSE_NOT_NUMBER = -1, PARSE_TOO_BIG = -2 };
int parse_decimal(const char *p, size_t len, uint64_t *out);

/* CLOCK_MONOTONIC in ns: the real clock's sbinuptime() is the same clock. */
uint64_t now_ns(void);

#endif
