/*
 * check.h - the few macros the tests share.
 *
 * CHECK(cond) records a failure with file:line and goes on; a test program
 * exits non-zero when any check failed.  RUN(fn) runs one named case and
 * prints its outcome.  A dozen lines do what the tests need, so no test
 * library is pulled in.
 */
#ifndef CALLOUT_TESTS_CHECK_H
#define CALLOUT_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		check_failures++;					\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);	\
	if (check_a_ != check_b_) {					\
		check_failures++;					\
		fprintf(stderr, "%s:%d: check failed: %s == %s "	\
		    "(%lld != %lld)\n", __FILE__, __LINE__, #a, #b,	\
		    check_a_, check_b_);				\
	}								\
} while (0)

#define RUN(fn) do {							\
	int check_before_ = check_failures;				\
	fn();								\
	printf("%s %s\n", check_failures == check_before_ ?		\
	    "ok  " : "FAIL", #fn);					\
	fflush(stdout);							\
} while (0)

#define CHECK_EXIT() (check_failures == 0 ? 0 : 1)

#endif
