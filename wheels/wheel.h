/*
 * wheel.h - what the wheel backend exposes to its tests, nothing else.
 */
#ifndef CALLOUT_WHEEL_H
#define CALLOUT_WHEEL_H

#include <stddef.h>

/*
 * Every allocation of the wheel backend (its header and its buckets'
 * arrays) goes through this pointer, realloc by default.  Tests replace it
 * to make growth fail; a replacement must return memory that free()
 * releases.
 */
extern void *(*callout_wheel_realloc)(void *, size_t);

#endif /* CALLOUT_WHEEL_H */
