/*
 * heap.h - what the heap backend exposes to its tests, nothing else.
 */
#ifndef CALLOUT_HEAP_H
#define CALLOUT_HEAP_H

#include <stddef.h>

/*
 * Every allocation of the heap backend (its header and its array) goes
 * through this pointer, realloc by default.  Tests replace it to make
 * growth fail; a replacement must return memory that free() releases.
 */
extern void *(*callout_heap_realloc)(void *, size_t);

#endif /* CALLOUT_HEAP_H */
