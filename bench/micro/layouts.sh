#!/bin/sh
# layouts.sh - the performance goal's cases, each in several processes:
# writes OUTDIR/goal.json.
#
# Why: at N = 1e6 a re-arm costs a different amount in different processes
# of the same binary, by up to 60% for every implementation, the floor and
# the peers included, depending on where the stack happens to lie (moving
# it by 16 bytes with an alloca before the timed loop moves a case between
# its fast and its slow mode; README, "Measuring across layouts").  One
# process is one draw of that layout, and the ratios of one process can
# compare a fast draw with a slow one.  Each process here starts with its
# own randomised stack (the kernel's ASLR), runs the goal's cases once side
# by side, and report.sh takes the median over the processes of the
# ratios each process measured.
#
# The cases: re-arm (rto) through the API for every backend, libev's
# ev_timer_again and the floor; expiry (spread1s) through the API and
# libev; at N = GOAL_N.
#
# usage: bench/micro/layouts.sh OUTDIR [QUICK]
#   QUICK      2 processes at N = 1000, min_time 0.01: the plumbing only
# environment:
#   BUILD      build directory (default: build at the top of the tree)
#   PROCESSES  processes (default 7)
#   MIN_TIME   seconds per case in each process (default 0.2)
#   GOAL_N     N (default 1000000)
#   PIN_CPU    run pinned to this CPU with taskset (default: not pinned)
#   RECORD_BYTES  every timer, and the floor's deadline, in a record of
#              this many bytes (micro_bench --record_bytes: a multiple of
#              64), as timers embedded in connections; writes
#              OUTDIR/goal-records.json instead (default: dense arrays)
#   GOAL_FILE  the file written in OUTDIR, a name such as goal-glibc.json
#              (default goal.json, or goal-records.json with RECORD_BYTES)
#   ALT_BUILD, ALT_FILE  a second build (the allocator control's) whose
#              micro_bench runs next to each of BUILD's processes, its
#              processes written to OUTDIR/ALT_FILE: pairs of processes a
#              few seconds apart, so that the machine's drift, which moves
#              absolute times by 20% from one minute to the next, falls on
#              both builds alike; BUILD runs first in odd pairs and second
#              in even ones, so that whatever favours the first (or the
#              second) process of a pair does not favour one build
#              (context: pair_order=alternating)
set -eu

. "$(dirname "$0")/context.sh"
micro_args "$0" "$@"

if [ "$MODE" = QUICK ]; then
	PROCESSES=2
	MIN_TIME=0.01
	GOAL_N=1000
else
	PROCESSES=${PROCESSES:-7}
	MIN_TIME=${MIN_TIME:-0.2}
	GOAL_N=${GOAL_N:-1000000}
fi
case $PROCESSES in
'' | *[!0-9]* | 0) echo "$0: PROCESSES must be a positive integer, not '$PROCESSES'" >&2; exit 2 ;;
esac
case $GOAL_N in
'' | *[!0-9]* | 0) echo "$0: GOAL_N must be a positive integer, not '$GOAL_N'" >&2; exit 2 ;;
esac
if ! printf '%s\n' "$MIN_TIME" | grep -Eq '^([0-9]+\.?[0-9]*|\.[0-9]+)$' ||
    ! awk -v t="$MIN_TIME" 'BEGIN { exit !(t > 0) }'; then
	echo "$0: MIN_TIME must be a positive number of seconds, not '$MIN_TIME'" >&2
	exit 2
fi

OUT_FILE=goal.json
RECORDS=
if [ -n "${RECORD_BYTES:-}" ]; then
	case $RECORD_BYTES in
	*[!0-9]*) echo "$0: RECORD_BYTES must be a number of bytes, not '$RECORD_BYTES'" >&2; exit 2 ;;
	esac
	OUT_FILE=goal-records.json
	RECORDS=--record_bytes=$RECORD_BYTES
fi
need_file_name() {	# NAME VALUE: a plain file name in OUTDIR, or exit 2
	if ! printf '%s\n' "$2" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9_-]*\.json$'; then
		echo "$0: $1 must be a file name ending in .json, not '$2'" >&2
		exit 2
	fi
}
if [ -n "${GOAL_FILE:-}" ]; then
	need_file_name GOAL_FILE "$GOAL_FILE"
	OUT_FILE=$GOAL_FILE
fi
ALT_BENCH=
if [ -n "${ALT_BUILD:-}" ]; then
	need_file_name ALT_FILE "${ALT_FILE:-}"
	if [ ! -f "$ALT_BUILD/build.ninja" ]; then
		echo "$0: ALT_BUILD='$ALT_BUILD' is not a configured Meson build (no build.ninja)" >&2
		exit 2
	fi
	ALT_BENCH=$ALT_BUILD/bench/micro/micro_bench
fi

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT"
fi
ninja -C "$BUILD" >&2
BENCH=$BUILD/bench/micro/micro_bench
if [ ! -x "$BENCH" ]; then
	echo "$0: $BENCH was not built (no C++ compiler or no libbenchmark-dev?)" >&2
	exit 1
fi

ctx=$(micro_context "$ROOT" "$BUILD" "$MODE" 1 "$MIN_TIME")
[ -z "$ALT_BENCH" ] || ctx="$ctx,pair_order=alternating"
FILTER="^(rearm/(api/[^/]+|peer/libev|floor/[^/]+)/rto|expire/(api/[^/]+|peer/libev)/spread1s)/$GOAL_N/"

PIN=
if [ -n "${PIN_CPU:-}" ]; then
	PIN="taskset -c $PIN_CPU"
fi

# micro_bench exits 2 on a bad RECORD_BYTES, after saying what is wrong.
set +e
cases=$("$BENCH" $RECORDS --benchmark_list_tests --benchmark_filter="$FILTER")
rc=$?
set -e
[ $rc -ne 2 ] || exit 2
if [ -z "$cases" ]; then
	echo "$0: no goal case at N = $GOAL_N (micro_bench --benchmark_list_tests lists the N it has)" >&2
	exit 2
fi

if [ -n "$ALT_BENCH" ]; then
	ninja -C "$ALT_BUILD" >&2
	if [ ! -x "$ALT_BENCH" ]; then
		echo "$0: $ALT_BENCH was not built" >&2
		exit 1
	fi
fi

mkdir -p "$OUT"
trap 'rm -f "$OUT"/goal.*.json.tmp "$OUT"/alt.*.json.tmp' EXIT
one() {	# BINARY OUT: one process of the goal's cases
	$PIN "$1" $RECORDS \
	    --benchmark_filter="$FILTER" \
	    --benchmark_min_time="$MIN_TIME" \
	    --benchmark_out="$2" \
	    --benchmark_out_format=json \
	    --benchmark_context="$ctx" >&2
}
k=1
while [ $k -le "$PROCESSES" ]; do
	echo "$0: process $k of $PROCESSES" >&2
	if [ -n "$ALT_BENCH" ] && [ $((k % 2)) -eq 0 ]; then
		one "$ALT_BENCH" "$OUT/alt.$k.json.tmp"
		one "$BENCH" "$OUT/goal.$k.json.tmp"
	else
		one "$BENCH" "$OUT/goal.$k.json.tmp"
		[ -z "$ALT_BENCH" ] || one "$ALT_BENCH" "$OUT/alt.$k.json.tmp"
	fi
	k=$((k + 1))
done

# One file: the first process's context (they share it) and each
# process's benchmarks.
merge() {	# PREFIX FILE
	# shellcheck disable=SC2046 # the list of files
	jq -n --argjson p "$PROCESSES" --argjson n "$GOAL_N" --arg filter "$FILTER" '
	  [inputs] as $runs
	  | { context: ($runs[0].context + {processes: $p, goal_n: $n, filter: $filter}),
	      runs: [range(0; $runs | length) as $i
	             | {process: ($i + 1), benchmarks: $runs[$i].benchmarks}] }' \
	    $(k=1; while [ $k -le "$PROCESSES" ]; do echo "$OUT/$1.$k.json.tmp"; k=$((k + 1)); done) \
	    >"$OUT/$2"
	echo "$0: wrote $OUT/$2 ($PROCESSES processes)" >&2
}
merge goal "$OUT_FILE"
[ -z "$ALT_BENCH" ] || merge alt "$ALT_FILE"
