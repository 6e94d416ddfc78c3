/*
 * fire_log.h - what fired, and when: the record the reference check
 * compares between the list backend and a candidate.
 */
#ifndef MICRO_FIRE_LOG_H
#define MICRO_FIRE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include <callout.h>

struct fire {
	sbintime_t when;	/* the (simulated) time it fired at */
	uint64_t idx;		/* which timer */
};

struct fire_log {
	struct fire *v;
	size_t len, cap;
};

void fire_log_push(struct fire_log *log, sbintime_t when, uint64_t idx);
/* Sort by (when, idx): backends may fire equal deadlines in any order. */
void fire_log_sort(struct fire_log *log);
void fire_log_free(struct fire_log *log);

#endif /* MICRO_FIRE_LOG_H */
