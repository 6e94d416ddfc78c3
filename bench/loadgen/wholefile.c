/*
 * wholefile.c - a file written whole or not at all (wholefile.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "wholefile.h"

/* The temporary file, while it exists: removed at exit and by a stopping
 * signal, renamed to FILE when whole. */
static char *tmp_path;

static void
remove_tmp(void)
{
	if (tmp_path != NULL)
		unlink(tmp_path);
	free(tmp_path);
	tmp_path = NULL;
}

static const int stop_signals[] = { SIGHUP, SIGINT, SIGTERM };
#define NSTOP ((int)(sizeof(stop_signals) / sizeof(stop_signals[0])))
static struct sigaction saved[NSTOP];

/* Stopped by a signal while writing: the temporary trace goes too, then
 * the signal does what it would have (SA_RESETHAND). */
static void
stopped(int sig)
{
	unlink(tmp_path);
	raise(sig);
}

/* Catch the signals that stop the program (not those it ignores), or
 * restore them. */
static void
catch_stop(bool on)
{
	const struct sigaction sa = { .sa_handler = stopped, .sa_flags = SA_RESETHAND };

	for (int i = 0; i < NSTOP; i++) {
		if (!on)
			sigaction(stop_signals[i], &saved[i], NULL);
		else if (sigaction(stop_signals[i], NULL, &saved[i]) == 0 &&
		    saved[i].sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

FILE *
wholefile_open(const char *path)
{
	struct stat st;
	mode_t mask;
	bool exists;
	FILE *f;
	int fd;

	exists = lstat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode))
		return fopen(path, "w");
	tmp_path = xcalloc(strlen(path) + sizeof(".XXXXXX"), 1);
	sprintf(tmp_path, "%s.XXXXXX", path);
	catch_stop(true);
	if ((fd = mkstemp(tmp_path)) < 0) {
		catch_stop(false);
		free(tmp_path);
		tmp_path = NULL;
		return NULL;
	}
	atexit(remove_tmp);	/* lg_die, out of memory, exits */
	/* mkstemp's 0600: FILE's mode instead, or a new file's. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		catch_stop(false);
		remove_tmp();
	}
	return f;
}

/* Close f (from wholefile_open), after a write error if error != 0; a trace
 * that is not whole is removed. */
int
wholefile_close(FILE *f, const char *path, int error)
{
	if (fclose(f) != 0 && error == 0)
		error = errno;
	if (error == 0 && tmp_path != NULL && rename(tmp_path, path) != 0)
		error = errno;
	if (tmp_path != NULL)
		catch_stop(false);
	if (error == 0) {
		free(tmp_path);	/* it is FILE now */
		tmp_path = NULL;
	}
	remove_tmp();
	if (error != 0)
		fprintf(stderr, "%s: %s: %s\n", lg_prog, path, strerror(error));
	return error;
}
