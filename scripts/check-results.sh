#!/bin/sh
# check-results.sh [DIR] - check that a results folder (default: the
# newest) is complete: every JSON file parses with jq and has what its
# schema (results/README.md) says, the summary is there, and every chart
# (one per plots/*.gp, SVG and PNG) exists and is not empty.  With QUICK=1
# in meta.json or not, the same files are expected; the load generator's
# files only when meta.json names a load generator.  Prints one line per
# check and "N passed, N failed"; exits 1 on any failure.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$(sh "$ROOT/scripts/latest-results.sh")}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1"; }
check() {	# description, command...
	what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
json() {	# file, what, jq test
	check "$1: $2" jq -e "$3" "$DIR/$1"
}

[ -d "$DIR" ] || { echo "check-results.sh: no folder $DIR" >&2; exit 2; }
echo "checking $DIR"

json meta.json "describes the run" '.schema == "calloutlab-run/1" and .status == "finished"
    and (.git.commit | length) > 0 and (.host.cpu_model | length) > 0
    and (.host.kernel | length) > 0 and (.build.compiler | length) > 0
    and (.build.allocator | length) > 0 and (.steps | length) > 0'
json meta.json "every step ok" '[.steps[] | select(.status != "ok")] | length == 0'
json micro.json "has benchmarks and their context" '(.benchmarks | length) > 0 and (.context.git_commit | length) > 0
    and (.context.allocator | length) > 0 and (.context.compiler | length) > 0'
json micro.json "no case failed" '[.benchmarks[] | select(.error_occurred // false)] | length == 0'
json micro.json "has rearm/api cases" '[.benchmarks[] | .run_name | select(startswith("rearm/api/"))] | length > 0'
json micro.json "has expire/api cases" '[.benchmarks[] | .run_name | select(startswith("expire/api/"))] | length > 0'
json micro.json "has tick_busy cases" '[.benchmarks[] | .run_name | select(startswith("tick_busy/"))] | length > 0'
json micro.json "has the floor and the read floor" '([.benchmarks[] | .run_name | select(startswith("rearm/floor/"))] | length > 0)
    and ([.benchmarks[] | .run_name | select(startswith("rearm/readfloor/"))] | length > 0)'
GOAL_CASES='(.runs | length) >= 2
    and (.context.git_commit | length) > 0 and .context.goal_n > 0
    and all(.runs[]; [.benchmarks[] | select(.error_occurred // false)] | length == 0)
    and all(.runs[]; [.benchmarks[].run_name | select(startswith("rearm/api/"))] | length > 0)
    and all(.runs[]; [.benchmarks[].run_name | select(startswith("rearm/peer/libev/")
        or startswith("rearm/floor/"))] | length > 0)
    and all(.runs[]; [.benchmarks[].run_name | select(startswith("expire/api/"))] | length > 0)'
json goal.json "has the goal cases in every process, with their context" "$GOAL_CASES"
# The same in connection-sized records, when the run planned it.
rb=$(jq -r '.micro.goal_record_bytes // empty' "$DIR/meta.json" 2>/dev/null || true)
if [ -n "$rb" ]; then
	json goal-records.json "has the goal cases in every process, every timer in a $rb-byte record" \
	    "$GOAL_CASES and .context.record_bytes == \"$rb\"
	    and all(.runs[]; [.benchmarks[].run_name | select(startswith(\"rearm/floor/rec$rb/\"))] | length > 0)"
fi
# The allocator control, when the run planned it (meta.json's control):
# the goal's cases in pairs of processes, jemalloc's and glibc's, and the
# load runs with each.
if jq -e '.control != null' "$DIR/meta.json" >/dev/null 2>&1; then
	json goal-jemalloc.json "has the goal cases in every process, built with jemalloc (the control's pairs)" \
	    "$GOAL_CASES and (.context.allocator | startswith(\"jemalloc\"))"
	json goal-glibc.json "has the goal cases in every process, built with glibc's malloc" \
	    "$GOAL_CASES and .context.allocator == \"glibc\""
	for a in jemalloc glibc; do
		n=0
		for f in "$DIR"/loadgen/control-$a/*.json; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			json "${f#"$DIR"/}" "a control load run with $a" ".ops_per_sec != null and (.allocator | startswith(\"$a\"))"
		done
		planned=$(jq --arg a "$a" '[.steps[] | select(.what | startswith("control load ") and endswith(", " + $a))] | length' "$DIR/meta.json")
		check "loadgen/control-$a: $n JSON files for $planned planned runs" test "$n" -eq "$planned" -a "$n" -gt 0
	done
	# Each glibc run has its jemalloc run, the file of the same name.
	unpaired=$(cd "$DIR/loadgen" && for f in control-glibc/*.json; do
		[ -f "$f" ] && [ ! -f "control-jemalloc/${f#control-glibc/}" ] && echo "$f"; done || true)
	check "loadgen/control-glibc: every run paired with a jemalloc run${unpaired:+ (not: $(echo $unpaired))}" test -z "$unpaired"
	# Runs that say their pairs alternate (all since c727b8d): by the
	# steps' order, jemalloc ran first in odd pairs, glibc in even ones.
	if jq -e '.control.pair_order == "alternating"' "$DIR/meta.json" >/dev/null 2>&1; then
		json meta.json "the control's load pairs alternate which build runs first" '
		    [.steps[] | select(.what | startswith("control load "))
		     | {k, name: (.file | split("/") | last),
		        glibc: (.what | endswith(", glibc")),
		        pair: (.file | capture("-p(?<p>[0-9]+)[.]json$").p | tonumber)}]
		    | group_by(.name) | length > 0 and all(.[]; length == 2
		        and ((map(select(.glibc | not))[0].k < map(select(.glibc))[0].k)
		             == (.[0].pair % 2 == 1)))'
		json goal-glibc.json "the control's goal processes say their pairs alternate" \
		    '.context.pair_order == "alternating"'
	fi
fi
json bytes.json "has entries and their context" '(.bytes | length) > 0 and (.context.git_commit | length) > 0'
json ticks.json "has entries and their context" '(.ticks | length) > 0 and (.context.git_commit | length) > 0
    and all(.ticks[]; .ns.p50 != null and (.tail | length) > 0)'
json window.json "has every loop and the fit, with their context" '(.context.git_commit | length) > 0
    and .n > 0 and .reps > 0 and (.loops | length) >= 4
    and all(.loops[]; (.loop == "store" or .loop == "read") and .nops >= 0
        and .ns.min > 0 and .ns.min <= .ns.median and .ns.median <= .ns.max)
    and (.fit.t0_ns | isnormal or . == 0) and (.fit.ns_per_instruction | isnormal or . == 0)
    and .fit.r2 <= 1'

if jq -e '.loadgen.binary != null' "$DIR/meta.json" >/dev/null 2>&1; then
	n=0
	for f in "$DIR"/loadgen/sweep/*.json "$DIR"/loadgen/precision/*.json; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		json "${f#"$DIR"/}" "a load run that describes itself" '.backend and .threads and .conns and .ops_per_sec != null
		    and .lateness_ns.p99 != null and .latency_ns.reset.p99 != null
		    and .wakeups_per_sec != null and .commit and .compiler and .allocator
		    and .host.cpu and .host.kernel and .host.date'
	done
	planned=$(jq '[.steps[] | select(.what | test("^(load|precision) "))] | length' "$DIR/meta.json")
	check "loadgen: $n JSON files for $planned planned runs" test "$n" -eq "$planned" -a "$n" -gt 0
else
	echo "note  no load generator in this run: loadgen/ not checked"
fi

check "summary.txt is not empty" [ -s "$DIR/summary.txt" ]
for gp in "$ROOT"/plots/*.gp; do
	name=$(basename "$gp" .gp)
	[ "$name" = common ] && continue
	for ext in svg png; do
		check "plots/$name.$ext exists and is not empty" [ -s "$DIR/plots/$name.$ext" ]
	done
done
echo "check-results: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
