/*
 * wholefile.h - a file written whole or not at all: the data goes to
 * FILE.XXXXXX beside FILE and is renamed to FILE once complete, so a
 * writer that fails (a write error, out of memory, a stopping signal)
 * leaves FILE as it was and no partial copy that a reader would take for
 * a whole one.  FILE that is not a regular file (a pipe, a device, a
 * symbolic link) is written directly.  One at a time per process.
 */
#ifndef LOADGEN_WHOLEFILE_H
#define LOADGEN_WHOLEFILE_H

#include <stdio.h>

/* Open for writing; NULL with errno set. */
FILE *wholefile_open(const char *path);
/* Close; error: the errno of a write that failed before (0: none).  On
 * success FILE is the new content; on any error the temporary file is
 * removed, one line "PROG: FILE: reason" printed, and the error
 * returned. */
int wholefile_close(FILE *f, const char *path, int error);

#endif
