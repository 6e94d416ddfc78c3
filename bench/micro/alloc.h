/*
 * alloc.h - which malloc the benchmark runs on, and how much it has handed
 * out: jemalloc when the build links it (-Djemalloc), else glibc's.
 */
#ifndef MICRO_ALLOC_H
#define MICRO_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

const char *alloc_name(void);		/* "jemalloc" or "glibc" */
const char *alloc_version(void);	/* mallctl "version", or glibc's */
/* Bytes currently allocated by the application (jemalloc stats.allocated,
 * or mallinfo2: arena in use + mmapped chunks). */
size_t alloc_allocated(void);
/* n bytes on a cache-line boundary (aligned_alloc wants the size rounded
 * up to a multiple of the alignment); NULL when out of memory. */
void *alloc_lines(size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MICRO_ALLOC_H */
