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

/*
 * How many callouts of the wheel `be` (a callout_backend_wheel instance)
 * wait on its overflow list, where they go when an array cannot grow: 0
 * unless the allocator failed.  For tests.
 */
size_t callout_wheel_overflowed(const void *be);

#endif /* CALLOUT_WHEEL_H */
