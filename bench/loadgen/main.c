/*
 * main.c - calloutlab: the load generator of the callout lab.  Dispatches
 * to a subcommand by name; adding one is adding a row to `commands`.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "util.h"

static const struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run the TCP-like workload through the callout API" },
	{ "record", cmd_record, "write a model run's operations as a trace, and run it" },
	{ "replay", cmd_replay, "carry out the operations of a trace" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(void)
{
	printf("usage: calloutlab COMMAND [OPTIONS]\n\n"
	    "The FreeBSD callout(9) API under a TCP-like load, on pinned threads,\n"
	    "with exact accounting of every timer.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n`calloutlab COMMAND --help` lists the options of COMMAND.\n");
}

int
main(int argc, char **argv)
{
	static char prog[64];

	if (argc < 2) {
		fprintf(stderr, "calloutlab: missing COMMAND (see calloutlab --help)\n");
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage();
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			snprintf(prog, sizeof(prog), "calloutlab %s", commands[i].name);
			lg_prog = prog;
			return commands[i].main(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "calloutlab: unknown command '%s' (see calloutlab --help)\n",
	    argv[1]);
	return 2;
}
