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

rejects() {	# value, words the message must contain
	"$BENCH" "--record_bytes=$1" --benchmark_filter=/100/ \
	    --benchmark_min_time=0.001 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "--record_bytes=$1" "$tmp/err" &&
	    grep -qF -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		echo "ok   --record_bytes=$1: $(cat "$tmp/err")"
	else
		echo "FAIL --record_bytes=$1: exit $rc, $lines line(s) on stderr, want 2 and one line with '$2':"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 5
		fail=1
	fi
}
rejects abc "not a whole number"
rejects -64 "not a whole number"
rejects 1.5 "not a whole number"
rejects "" "empty"
rejects 0 "multiple of 64"
rejects 100 "multiple of 64"
rejects 131072 "larger than 65536"
rejects 99999999999999999999999 "larger than 65536"

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
script_rejects() {	# script, value, words the message must contain
	RECORD_BYTES=$2 BUILD=$tmp/nobuild sh "$ROOT/$1" "$tmp/out.d" QUICK >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$3" "$tmp/err" &&
	    [ ! -e "$tmp/nobuild" ] && [ ! -e "$tmp/out.d" ]; then
		echo "ok   $1 RECORD_BYTES='$2': $(cat "$tmp/err")"
	else
		echo "FAIL $1 RECORD_BYTES='$2': exit $rc, $lines line(s) on stderr, want 2 and one line with '$3':"
		sed 's/^/    /' "$tmp/err" | head -n 5
		fail=1
	fi
}
script_rejects bench/micro/layouts.sh abc "must be a number of bytes"
script_rejects bench/micro/layouts.sh "1 2" "must be a number of bytes"
script_rejects bench/micro/layouts.sh -64 "must be a number of bytes"
bench_rejects() {	# value, words the message must contain
	RECORD_BYTES=$1 BUILD=$tmp/nobuild RESULTS_ROOT=$tmp/res sh "$ROOT/scripts/bench.sh" QUICK \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$2" "$tmp/err" &&
	    [ ! -s "$tmp/out" ] && [ ! -e "$tmp/nobuild" ] && [ ! -e "$tmp/res" ]; then
		echo "ok   scripts/bench.sh RECORD_BYTES='$1': $(cat "$tmp/err")"
	else
		echo "FAIL scripts/bench.sh RECORD_BYTES='$1': exit $rc, $lines line(s) on stderr, want 2 and one line with '$2':"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 5
		fail=1
	fi
}
bench_rejects abc "must be a number of bytes"
bench_rejects -64 "must be a number of bytes"
bench_rejects 100 "multiple of 64 from 64 to 65536"
bench_rejects 65600 "multiple of 64 from 64 to 65536"
bench_rejects 99999999999999999999 "multiple of 64 from 64 to 65536"
exit $fail
