#!/bin/sh
# make_corpus.sh [DIR] - write the hand-made seed inputs of fuzz_api into
# DIR (default: corpus/api next to this script).  The format is described
# at the top of fuzz_api.c; each seed below says what it exercises.
#
#   byte 0: bit 0 = 2 CPUs, bits 1-2 = hz (0: 1000, 1: 100, 2: 1024, 3: 250)
#   ops:  0 reset ticks   [target extra class value]
#         1 reset sbt     [target extra class value.. flags prel pr16]
#         2 sched ticks   [target class value]
#         3 sched sbt     [target class value.. flags prel]
#         4 stop, 5 drain, 6 async drain, 7 deactivate   [target]
#         8, 9 advance    [class value..]
#   target = callout (0-7) | cpu << 3 | action << 4; action: 1 reset,
#   2 schedule, 3 reset+stop, 4 reset+async drain, 5 deactivate, 6 stop,
#   7 reset onto the other CPU; extra = times-1 (bits 0-1) | delay << 2,
#   delay = kind (0: none, 1: ms, 2: ticks, 3: s) | value << 2.
set -eu
dir=${1:-$(dirname "$0")/corpus/api}
mkdir -p "$dir"

# emit NAME BYTE... (decimal)
emit() {
	name=$1
	shift
	: >"$dir/$name"
	for b in "$@"; do
		# shellcheck disable=SC2059
		printf "\\$(printf %o "$b")" >>"$dir/$name"
	done
}

# One CPU: a tick reset, a 5 ms sbt reset, 20 ms pass, stop after firing.
emit 01-basic 0  0 0 0 0 10  1 1 0 2 5 0 0 0 0 0  8 2 20  4 0  9 2 10

# Two CPUs: self re-arming functions on the locked callouts: mutex (4),
# mutex returning unlocked (5) onto the other CPU, rwlock shared (6) with
# async drain, Giant (7) re-arm then stop; 50 ms, then 2 s.
emit 02-rearm-locks 1  0 20 39 0 3  0 117 39 0 4  0 70 39 0 5  0 55 39 0 6 \
	8 2 50  8 3 2 0

# Huge deadlines: 2^31-unit sbt, SBT_MAX - 5, absolute in the past, and
# an advance to just short of SBT_MAX, then past it.
emit 03-huge 0  1 0 0 5 255 255 255 127 0 0 0 0  1 1 0 6 5 0 0 0 0 0 \
	1 2 0 2 100 0 33 0 0 0  8 4  8 7 3  8 7 0  0 3 0 0 1  9 0 0 0

# hz 1024, two CPUs: C_DIRECT_EXEC + C_PREL + C_PRECALC, C_HARDCLOCK,
# a precision window, schedules on the other CPU.
emit 04-flags 5  1 0 0 2 7 0 76 3 0 1  1 9 0 3 2 0 2 0 16 0  3 0 1 1 0 4 0 \
	2 9 0 30  8 3 5 0  9 1 50

# Stop, drain, async drain, deactivate and reset of pending callouts.
emit 05-stop-drain 0  0 0 0 0 50  0 1 0 0 50  0 2 0 0 50  0 3 0 0 50 \
	4 0  5 1  6 2  7 3  0 2 0 0 5  8 2 100  4 3  5 3  6 3

# 5e6 ticks, days, 2^60 units; INT_MAX and negative ticks; hz 100.
emit 06-jumps 2  8 4  0 0 0 2 255 255 255 127  0 1 0 3 7  8 5 3  8 6 1 \
	0 2 0 1 255 255  9 5 200  9 7 0

# Functions that deactivate and stop themselves, schedule in ticks.
emit 07-self 1  0 80 7 0 2  0 97 7 0 2  0 34 11 0 2  9 2 30
