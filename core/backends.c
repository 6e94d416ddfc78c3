/*
 * backends.c - the registry of compiled-in backends, looked up by name.
 */
#include <string.h>

#include "callout_backend.h"
#include "callout_build.h"

extern const struct callout_backend_ops callout_backend_list;
extern const struct callout_backend_ops callout_backend_wheel;
extern const struct callout_backend_ops callout_backend_hierarchical;
extern const struct callout_backend_ops callout_backend_heap;
extern const struct callout_backend_ops callout_backend_heap4;

/* In the order the README's table lists them. */
const struct callout_backend_ops *const callout_backends[] = {
	&callout_backend_list,
	&callout_backend_wheel,
	&callout_backend_hierarchical,
	&callout_backend_heap,
	&callout_backend_heap4,
	NULL,
};

const struct callout_backend_ops *
callout_backend_find(const char *name)
{
	for (int i = 0; callout_backends[i] != NULL; i++)
		if (strcmp(callout_backends[i]->name, name) == 0)
			return callout_backends[i];
	return NULL;
}
