#!/bin/sh
# run.sh - run the microbenchmarks and write, into OUTDIR:
#   micro.json   Google Benchmark JSON: medians of REPS repetitions, with
#                the context that produced them (git commit, backend
#                tunables, allocator, compiler and flags, CPU, kernel, date)
#   bytes.json   memory per pending timer, per backend and peer
#   ticks.json   per-tick cost distribution (percentiles, tail points) of
#                the tick_empty and tick_busy cases, each tick timed alone
#   window.json  what an instruction behind a cache miss costs at the
#                goal's N (micro_window): the model the floor goal is read
#                against
# bytes.json, ticks.json and window.json carry the same context keys as
# micro.json.
#
# usage: bench/micro/run.sh OUTDIR [QUICK]
#   QUICK      smoke run: N <= 1000, min_time 0.01, 1 repetition (< 30 s);
#              its numbers are for checking the plumbing, not for reading
# environment:
#   BUILD      build directory (default: build at the top of the tree);
#              configured and built here when needed
#   REPS       repetitions of the full run (default 5)
#   MIN_TIME   seconds per repetition, a plain number as Google Benchmark
#              1.7.1 takes it (default 0.2)
#   FILTER     a regular expression to run a subset (default: all; QUICK
#              appends its own N selection to it)
#   PIN_CPU    run pinned to this CPU with taskset (default: not pinned)
#   BYTES_N    the N of bytes.json, at most 16 (default 1000 100000 1000000
#              10000000; QUICK 100 1000)
#   TICKS_N    the N of ticks.json, at most 16 (default 1000 10000 100000;
#              QUICK 100 1000); TICKS_N=none skips ticks.json
#   TICKS      timed ticks per implementation and N (default 4200; QUICK 500)
#   TICKS_BUSY_MAX  the largest N of tick_busy in ticks.json (default
#              100000: a busy tick at 1e6 fires 1000 timers)
#   WINDOW_N   the records of window.json (default 1000000; QUICK 1000)
set -eu

. "$(dirname "$0")/context.sh"
micro_args "$0" "$@"
PROG=$0
. "$ROOT/scripts/check_env.sh"
need_count REPS 1000
need_seconds MIN_TIME
need_counts BYTES_N 1000000000 16
[ "${TICKS_N:-}" = none ] || need_counts TICKS_N 1000000000 16
need_count TICKS
need_count TICKS_BUSY_MAX

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT"
fi
ninja -C "$BUILD" >&2
BENCH=$BUILD/bench/micro/micro_bench
BYTES=$BUILD/bench/micro/micro_bytes
TICKER=$BUILD/bench/micro/micro_ticks
WINDOWER=$BUILD/bench/micro/micro_window
if [ ! -x "$BENCH" ]; then
	echo "$0: $BENCH was not built (no C++ compiler or no libbenchmark-dev?" \
	    "see the configure messages)" >&2
	exit 1
fi

if [ "$MODE" = QUICK ]; then
	REPS=${REPS:-1}
	MIN_TIME=${MIN_TIME:-0.01}
	FILTER="${FILTER:-}.*/(100|1000)/"
	BYTES_N=${BYTES_N:-100 1000}
	TICKS_N=${TICKS_N:-100 1000}
	TICKS=${TICKS:-500}
	WINDOW_ARGS="-n ${WINDOW_N:-1000} -s 65536 -r 3"
else
	REPS=${REPS:-5}
	MIN_TIME=${MIN_TIME:-0.2}
	FILTER=${FILTER:-.}
	BYTES_N=${BYTES_N:-1000 100000 1000000 10000000}
	TICKS_N=${TICKS_N:-1000 10000 100000}
	TICKS=${TICKS:-4200}
	WINDOW_ARGS="-n ${WINDOW_N:-1000000}"
fi
TICKS_BUSY_MAX=${TICKS_BUSY_MAX:-100000}

# micro_window's options checked before the long run: a bad WINDOW_N
# stops here, with micro_window's reason.
# shellcheck disable=SC2086 # WINDOW_ARGS are options
if ! why=$("$WINDOWER" $WINDOW_ARGS -s 1 -r 1 2>&1 >/dev/null); then
	echo "$0: WINDOW_N=${WINDOW_N-}: ${why#micro_window: }" >&2
	exit 2
fi

ctx=$(micro_context "$ROOT" "$BUILD" "$MODE" "$REPS" "$MIN_TIME")

PIN=
if [ -n "${PIN_CPU:-}" ]; then
	PIN="taskset -c $PIN_CPU"
fi

mkdir -p "$OUT"
$PIN "$BENCH" \
    --benchmark_filter="$FILTER" \
    --benchmark_min_time="$MIN_TIME" \
    --benchmark_repetitions="$REPS" \
    --benchmark_report_aggregates_only=true \
    --benchmark_out="$OUT/micro.json" \
    --benchmark_out_format=json \
    --benchmark_context="$ctx"

# The same context keys, as a JSON object, merged into the context of the
# files the other programs write (the programs add what they know
# themselves: allocator, compiler, clock).
ctx_json=$(printf '%s' "$ctx" | jq -R 'split(",") | map(select(length > 0)
    | capture("^(?<key>[^=]*)=(?<value>.*)$")) | from_entries')
ctx_json=$(jq --argjson ctx "$ctx_json" \
    '$ctx + (.context | {compiler, build})' "$OUT/micro.json")

# shellcheck disable=SC2086 # BYTES_N is a list of N
$PIN "$BYTES" $BYTES_N >"$OUT/bytes.json.tmp"
jq --argjson ctx "$ctx_json" --arg n "$BYTES_N" \
    '.context = $ctx + .context + {bytes_n: $n}' \
    "$OUT/bytes.json.tmp" >"$OUT/bytes.json"
rm -f "$OUT/bytes.json.tmp"
files="micro.json bytes.json"

if [ "$TICKS_N" != none ]; then
	# shellcheck disable=SC2086 # TICKS_N is a list of N
	$PIN "$TICKER" -t "$TICKS" -x "$TICKS_BUSY_MAX" $TICKS_N >"$OUT/ticks.json.tmp"
	jq --argjson ctx "$ctx_json" '.context = $ctx + .context' \
	    "$OUT/ticks.json.tmp" >"$OUT/ticks.json"
	rm -f "$OUT/ticks.json.tmp"
	files="$files ticks.json"
fi

# shellcheck disable=SC2086 # WINDOW_ARGS are options
$PIN "$WINDOWER" $WINDOW_ARGS >"$OUT/window.json.tmp"
jq --argjson ctx "$ctx_json" '.context = $ctx + .context' \
    "$OUT/window.json.tmp" >"$OUT/window.json"
rm -f "$OUT/window.json.tmp"
files="$files window.json"
echo "$0: wrote $files in $OUT" >&2
