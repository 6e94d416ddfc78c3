#!/bin/bash
# knobs.sh SOURCE_ROOT - the benchmark scripts' bad input:
#   - scripts/bench.sh and bench/micro/run.sh refuse a bad knob (an
#     environment variable) with one line naming it, exit 2, before they
#     build or write anything; so does bench/micro/layouts.sh a GOAL_FILE
#     or ALT_FILE that is not a plain file name ending in .json, or an
#     ALT_BUILD that is not a configured build;
#   - the scripts that read a results folder (scripts/summary.sh,
#     plots/extract.sh, bench/micro/report.sh) stop with one line naming a
#     file that is there but is not JSON, or a load run that is not, and
#     refuse a bad METRIC or N; a missing file still reads as n/a;
#   - scripts/latest-results.sh passes over a run that did not finish;
#   - scripts/test.sh refuses no configuration, or an unknown one, before
#     it runs any; scripts/fuzz.sh refuses 0 seconds (libFuzzer: no limit).
set -u
ROOT=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. "$(dirname "$0")/refused.sh"
refused_also() { wrote_nothing; }

bench_rejects() {	# NAME=VALUE, words the message must contain
	refused "scripts/bench.sh $1" "$2" \
	    env "$1" BUILD="$tmp/nobuild" RESULTS_ROOT="$tmp/res" sh "$ROOT/scripts/bench.sh" QUICK
}
bench_rejects REPS=abc "REPS=abc: not one whole number from 1 to 1000"
bench_rejects "REPS=3 4" "REPS=3 4: not one whole number"
bench_rejects REPS=0 "REPS=0:"
bench_rejects MIN_TIME=1e400 "MIN_TIME=1e400: not a plain decimal number"
bench_rejects MIN_TIME=0 "MIN_TIME=0: not above 0"
bench_rejects "SWEEP_CONNS=1000 abc" "SWEEP_CONNS=1000 abc: 'abc'"
bench_rejects SWEEP_DURATION=1.5s "SWEEP_DURATION=1.5s: '1.5s' is not TIME"
bench_rejects SWEEP_DURATION=100:2x "'100:2x' is not TIME"
bench_rejects PREC_LIST=1/3 "PREC_LIST=1/3: '1/3' is not 0 or 1/N"
bench_rejects SWEEP_CAPS=list "SWEEP_CAPS=list: 'list' is not BACKEND:MAX_CONNS"
bench_rejects SWEEP_DRAINS=maybe "SWEEP_DRAINS=maybe: 'maybe' is not one of: sync async"
bench_rejects SWEEP_BACKENDS=bogus "SWEEP_BACKENDS=bogus: 'bogus' is not one of"
bench_rejects WINDOW_N=-5 "WINDOW_N=-5:"
bench_rejects PROCESSES=100 "PROCESSES=100:"
bench_rejects TICKS_N=12345678901 "TICKS_N=12345678901:"
seventeen="1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"
bench_rejects "TICKS_N=$seventeen" "TICKS_N=$seventeen: 17 values, at most 16"
bench_rejects CONTROL=maybe "CONTROL=maybe: 'maybe' is not one of: on off"
bench_rejects CONTROL_CONNS=-5 "CONTROL_CONNS=-5:"
bench_rejects "CONTROL_CONNS=1000 10000" "CONTROL_CONNS=1000 10000: not one whole number"
bench_rejects CONTROL_PAIRS=0 "CONTROL_PAIRS=0: not one whole number from 1 to 99"
bench_rejects CONTROL_PAIRS=100 "CONTROL_PAIRS=100:"
bench_rejects "PREC_CONNS=1000 2000" "PREC_CONNS=1000 2000: not one whole number"

refused "bench/micro/layouts.sh ALT_FILE='x'" "ALT_FILE must be a file name ending in .json, not 'x'" \
    env ALT_BUILD="$tmp/nobuild2" ALT_FILE=x BUILD="$tmp/nobuild" sh "$ROOT/bench/micro/layouts.sh" "$tmp/out.d" QUICK
refused "bench/micro/layouts.sh ALT_BUILD with no build" "ALT_BUILD='$tmp/nobuild2' is not a configured Meson build (no build.ninja)" \
    env ALT_BUILD="$tmp/nobuild2" ALT_FILE=alt.json BUILD="$tmp/nobuild" sh "$ROOT/bench/micro/layouts.sh" "$tmp/out.d" QUICK
for f in goal.txt ../goal.json -x.json; do
	refused "bench/micro/layouts.sh GOAL_FILE='$f'" "GOAL_FILE must be a file name ending in .json, not '$f'" \
	    env GOAL_FILE="$f" BUILD="$tmp/nobuild" sh "$ROOT/bench/micro/layouts.sh" "$tmp/out.d" QUICK
done

run_rejects() {
	refused "bench/micro/run.sh $1" "$2" \
	    env "$1" BUILD="$tmp/nobuild" sh "$ROOT/bench/micro/run.sh" "$tmp/out.d" QUICK
}
run_rejects REPS=-1 "REPS=-1:"
run_rejects "TICKS=500 600" "TICKS=500 600: not one whole number"
run_rejects MIN_TIME=abc "MIN_TIME=abc: not a plain decimal number"
run_rejects "BYTES_N=100 x" "BYTES_N=100 x: 'x'"
run_rejects "BYTES_N=$seventeen" "BYTES_N=$seventeen: 17 values, at most 16"

# A results folder: meta.json and a micro.json with no cases.
res=$tmp/folder
mkdir -p "$res/loadgen/sweep"
echo '{"status": "finished", "mode": "QUICK"}' >"$res/meta.json"
echo '{"context": {}, "benchmarks": []}' >"$res/micro.json"
readers() {	# what each reader of a results folder must do with $res
	"$1" "scripts/summary.sh" sh "$ROOT/scripts/summary.sh" "$res"
	"$1" "plots/extract.sh" sh "$ROOT/plots/extract.sh" "$res"
	"$1" "bench/micro/report.sh" sh "$ROOT/bench/micro/report.sh" "$res"
}
reads() {	# WHAT CMD...: exits 0
	local what=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "ok   $what reads a folder with files missing"
	else
		echo "FAIL $what on a folder with files missing: exit $?"; head -n 5 "$tmp/err"; fail=1
	fi
}
stops() {	# WHAT CMD...: exits 1 with one line naming $bad
	local what=$1 rc
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -qF "$bad: not valid JSON" "$tmp/err"; then
		echo "ok   $what: $(cat "$tmp/err")"
	else
		echo "FAIL $what with $bad cut short: exit $rc, want 1 and one line naming it:"
		head -n 5 "$tmp/err"; fail=1
	fi
}
readers reads
bad=$res/bytes.json
echo '{"bytes": [{"n": 1' >"$bad"
readers stops
rm "$bad"
bad=$res/loadgen/sweep/wheel-t1-c1000-sync.json
echo '{"ok": tru' >"$bad"
stops "scripts/summary.sh" sh "$ROOT/scripts/summary.sh" "$res"
stops "plots/extract.sh" sh "$ROOT/plots/extract.sh" "$res"
rm "$bad"
refused "scripts/summary.sh METRIC=bogus" "METRIC=bogus: not wall or cpu" \
    env METRIC=bogus sh "$ROOT/scripts/summary.sh" "$res"
refused "plots/extract.sh METRIC=bogus" "METRIC=bogus: not wall or cpu" \
    env METRIC=bogus sh "$ROOT/plots/extract.sh" "$res"
refused "bench/micro/report.sh N=-5" "N '-5': not a positive whole number" \
    sh "$ROOT/bench/micro/report.sh" "$res" -5

# A newer run that is still going (or was killed) is passed over.
mkdir -p "$tmp/results/host/20990102T0000Z-new" "$tmp/results/host/20990101T0000Z-old"
echo '{"status": "running"}' >"$tmp/results/host/20990102T0000Z-new/meta.json"
echo '{"status": "finished"}' >"$tmp/results/host/20990101T0000Z-old/meta.json"
got=$(sh "$ROOT/scripts/latest-results.sh" "$tmp/results" 2>"$tmp/err")
if [ "$got" = "$tmp/results/host/20990101T0000Z-old" ] && grep -q "passing over" "$tmp/err"; then
	echo "ok   latest-results.sh passes over an unfinished run"
else
	echo "FAIL latest-results.sh picked '$got'"; cat "$tmp/err"; fail=1
fi

refused "scripts/test.sh with no configuration" "no configuration" \
    sh "$ROOT/scripts/test.sh"
refused "scripts/test.sh plain bogus" "unknown configuration 'bogus'" \
    sh "$ROOT/scripts/test.sh" plain bogus
for s in 0 abc 86401; do
	refused "scripts/fuzz.sh $s" "FUZZ_SECONDS must be a whole number from 1 to 86400, not '$s'" \
	    sh "$ROOT/scripts/fuzz.sh" "$s"
done
exit $fail
