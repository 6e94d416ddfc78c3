/*
 * commands.h - the subcommands; main.c dispatches to them by name.  Each
 * takes its argv from the subcommand's name on and returns the exit status.
 */
#ifndef LOADGEN_COMMANDS_H
#define LOADGEN_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);

#endif
