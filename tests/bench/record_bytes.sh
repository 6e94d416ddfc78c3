#!/bin/bash
# record_bytes.sh - micro_bench --record_bytes: a bad value is one line
# on stderr naming the flag and what is wrong, and exit 2, before any case
# runs; a good one lays every timer out in records (the floor is then
# named after them, and the run's context says so).
#
# The scripts refuse a bad RECORD_BYTES the same way, before they build or
# run anything: bench/micro/layouts.sh and scripts/bench.sh.
#
# usage: record_bytes.sh MICRO_BENCH SOURCE_ROOT
set -u
BENCH=$1
ROOT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# A refusal (refused.sh) builds and writes nothing: the scripts below are
# pointed at $tmp/nobuild, $tmp/out.d and $tmp/res.
. "$(dirname "$0")/refused.sh"
refused_also() { wrote_nothing; }
rejects() {	# value, what is wrong with it
	refused "--record_bytes=$1" "--record_bytes=$1: the value $2" \
	    "$BENCH" "--record_bytes=$1" --benchmark_filter=/100/ --benchmark_min_time=0.001
}
rejects abc "is not a whole number"
rejects -64 "is not a whole number"
rejects 1.5 "is not a whole number"
rejects "" "is empty"
rejects 0 "is not a multiple of 64"
rejects 100 "is not a multiple of 64"
rejects 131072 "is larger than 65536"
rejects 99999999999999999999999 "is larger than 65536"
# The value apart from the flag (before, two lines: each unrecognized).
refused "--record_bytes 128" "--record_bytes: the value goes after '=' (--record_bytes=R)" \
    "$BENCH" --record_bytes 128 --benchmark_filter=/100/ --benchmark_min_time=0.001

# A good value: the floor is rec4096 and the context records it.
if "$BENCH" --record_bytes=4096 --benchmark_filter='^rearm/(floor/[^/]+|api/wheel)/rto/100/' \
    --benchmark_min_time=0.001 --benchmark_format=json >"$tmp/run.json" 2>"$tmp/err" &&
    jq -e '.context.record_bytes == "4096"
        and ([.benchmarks[].run_name] | index("rearm/floor/rec4096/rto/100/manual_time") != null)
        and ([.benchmarks[].run_name] | index("rearm/api/wheel/rto/100/manual_time") != null)' \
        "$tmp/run.json" >/dev/null; then
	echo "ok   --record_bytes=4096: rearm/floor/rec4096 and api/wheel ran, context record_bytes 4096"
else
	echo "FAIL --record_bytes=4096:"; sed 's/^/    /' "$tmp/err" | head -n 5; fail=1
fi
# Records cap N at what half of the memory holds, and say so in the
# context; no case above the cap is registered (here: 64 KB records, a
# page each).
if "$BENCH" --record_bytes=65536 --benchmark_filter='^rearm/floor/[^/]+/rto/100/' \
    --benchmark_min_time=0.001 --benchmark_format=json >"$tmp/run.json" 2>"$tmp/err"; then
	cap=$(jq -r '.context.caps' "$tmp/run.json" | sed -n 's/.*records: N capped at \([0-9]*\) .*/\1/p')
	top=$("$BENCH" --record_bytes=65536 --benchmark_list_tests |
	    awk -F/ '{ if ($5 + 0 > max) max = $5 + 0 } END { print max + 0 }')
	if [ -n "$cap" ] && [ "$top" -gt 0 ] && [ "$top" -le "$cap" ]; then
		echo "ok   --record_bytes=65536: N capped at $cap, the largest case registered is $top"
	else
		echo "FAIL --record_bytes=65536: cap '$cap', largest case registered $top"; fail=1
	fi
else
	echo "FAIL --record_bytes=65536:"; sed 's/^/    /' "$tmp/err" | head -n 5; fail=1
fi
# And without it the layout is dense: rec64, context "dense".
if "$BENCH" --benchmark_filter='^rearm/floor/[^/]+/rto/100/' --benchmark_min_time=0.001 \
    --benchmark_format=json >"$tmp/run.json" 2>"$tmp/err" &&
    jq -e '.context.record_bytes == "dense"
        and [.benchmarks[].run_name] == ["rearm/floor/rec64/rto/100/manual_time"]' \
        "$tmp/run.json" >/dev/null; then
	echo "ok   no --record_bytes: dense, the floor is rec64"
else
	echo "FAIL no --record_bytes:"; sed 's/^/    /' "$tmp/err" | head -n 5; fail=1
fi
script_rejects() {	# value, words the message must contain
	refused "bench/micro/layouts.sh RECORD_BYTES='$1'" "$2" \
	    env RECORD_BYTES="$1" BUILD="$tmp/nobuild" sh "$ROOT/bench/micro/layouts.sh" "$tmp/out.d" QUICK
}
script_rejects abc "must be a number of bytes"
script_rejects "1 2" "must be a number of bytes"
script_rejects -64 "must be a number of bytes"
bench_rejects() {	# value, words the message must contain
	refused "scripts/bench.sh RECORD_BYTES='$1'" "$2" \
	    env RECORD_BYTES="$1" BUILD="$tmp/nobuild" RESULTS_ROOT="$tmp/res" sh "$ROOT/scripts/bench.sh" QUICK
}
bench_rejects abc "must be a number of bytes"
bench_rejects -64 "must be a number of bytes"
bench_rejects 100 "multiple of 64 from 64 to 65536"
bench_rejects 65600 "multiple of 64 from 64 to 65536"
bench_rejects 99999999999999999999 "multiple of 64 from 64 to 65536"
exit $fail
