#!/bin/bash
# flags.sh - micro_bench and Google Benchmark's flags (bench/micro/shim.cc):
# the flags bench/micro/run.sh passes, and the other values 1.7.1 takes,
# run one case; a bad value is one line on stderr naming the flag and the
# value, exit 2, nothing on stdout (refused.sh), before any case runs, and
# so is an argument Google Benchmark does not know.  Before, 1.7.1 took the
# values on trust: --benchmark_repetitions=-1 aborted (std::length_error),
# =0 ran nothing and exited 0, --benchmark_min_time=1e400 never ended, an
# unknown format printed the usage and exited 0, a bool it could not read
# was true, and a number it could not read, or a flag and its value apart,
# was two lines and exit 1.
#
# usage: flags.sh MICRO_BENCH
set -u
BENCH=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
one='--benchmark_filter=^rearm/floor/rec64/rto/100/'

# As run.sh calls it: medians of the repetitions, JSON in --benchmark_out,
# the context given.
if "$BENCH" "$one" --benchmark_min_time=0.001 --benchmark_repetitions=2 \
    --benchmark_report_aggregates_only=true --benchmark_out="$tmp/m.json" \
    --benchmark_out_format=json --benchmark_context=flags=run.sh \
    >/dev/null 2>"$tmp/err" &&
    jq -e '.context.flags == "run.sh"
        and ([.benchmarks[] | select(.run_type == "aggregate") | .aggregate_name]
            | index("median") != null)
        and all(.benchmarks[]; .repetitions == 2)' "$tmp/m.json" >/dev/null; then
	echo "ok   run.sh's flags: 2 repetitions, aggregates only, JSON out, context"
else
	echo "FAIL run.sh's flags:"; sed 's/^/    /' "$tmp/err" | head -n 5; fail=1
fi
# Other good values accepted (the cases set their own time unit: ns).
others=(--benchmark_min_time=.001 --benchmark_min_warmup_time=0
    --benchmark_format=csv --benchmark_time_unit=us --benchmark_color=false
    --benchmark_counters_tabular=1 --benchmark_display_aggregates_only=0)
if "$BENCH" "$one" "${others[@]}" >"$tmp/m.csv" 2>"$tmp/err" &&
    head -n 1 "$tmp/m.csv" | grep -q '^name,iterations,' &&
    grep -q '^"rearm/floor/rec64/rto/100/manual_time",' "$tmp/m.csv"; then
	echo "ok   ${others[*]}: one CSV row"
else
	echo "FAIL ${others[*]}:"
	sed 's/^/    /' "$tmp/err" "$tmp/m.csv" | head -n 5; fail=1
fi

. "$(dirname "$0")/refused.sh"
bad() {	# NEEDLE ARGS...: refused, and never left to hang
	needle=$1
	shift
	refused "refused $*" "$needle" \
	    timeout 30 "$BENCH" "$one" --benchmark_min_time=0.001 "$@"
}
reps="not a whole number from 1 to 1000"
bad "--benchmark_repetitions '-1': $reps" --benchmark_repetitions=-1
bad "--benchmark_repetitions '0': $reps" --benchmark_repetitions=0
bad "--benchmark_repetitions 'abc': $reps" --benchmark_repetitions=abc
bad "--benchmark_repetitions '1001': $reps" --benchmark_repetitions=1001
bad "--benchmark_repetitions '': $reps" --benchmark_repetitions=
bad "--benchmark_repetitions 'x': $reps" --benchmark_repetitions=2 --benchmark_repetitions=x
secs="not a plain number of seconds above 0 and at most 3600"
bad "--benchmark_min_time '1e400': $secs" --benchmark_min_time=1e400
bad "--benchmark_min_time '0': $secs" --benchmark_min_time=0
bad "--benchmark_min_time '-1': $secs" --benchmark_min_time=-1
bad "--benchmark_min_time '3601': $secs" --benchmark_min_time=3601
bad "--benchmark_min_time '0.1s': $secs" --benchmark_min_time=0.1s
bad "--benchmark_min_time '1.2.3': $secs" --benchmark_min_time=1.2.3
bad "--benchmark_min_time '.': $secs" --benchmark_min_time=.
bad "--benchmark_min_warmup_time '1e400': not a plain number of seconds from 0 to 3600" \
    --benchmark_min_warmup_time=1e400
bad "--benchmark_format 'xml': not console, json or csv" --benchmark_format=xml
bad "--benchmark_out_format 'xml': not console, json or csv" --benchmark_out_format=xml
bad "--benchmark_time_unit 'h': not ns, us, ms or s" --benchmark_time_unit=h
bad "--benchmark_color 'red': not auto, true or false" --benchmark_color=red
bad "--benchmark_report_aggregates_only 'flase': not true, false, 1 or 0" \
    --benchmark_report_aggregates_only=flase
bad "--benchmark_list_tests 'yes please': not true, false, 1 or 0" \
    --benchmark_list_tests='yes please'
# What Google Benchmark does not take: the first named, in one line.
bad "unrecognized argument '--nosuch'" --nosuch
bad "unrecognized argument '--benchmark_repetitions'" --benchmark_repetitions 5
bad "unrecognized argument '--benchmark_context=bad'" --benchmark_context=bad
bad "unrecognized argument 'stray'" stray
exit $fail
