#!/bin/bash
# goal_report.sh - the goal's ratios across process layouts, as report.sh
# and summary.sh print them from goal.json (bench/micro/layouts.sh), on a
# goal.json made up here with known numbers: per process, the ratio of
# that process's own measurements; then the median (the mean of the two
# middle ones for an even count), the lowest and the highest; a process
# that lacks a case is left out of that ratio.
#
# usage: goal_report.sh SOURCE_ROOT
set -u
ROOT=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {	# what, needle, file
	if grep -qF -- "$2" "$3"; then
		echo "ok   $1"
	else
		echo "FAIL $1: no '$2' in:"; sed 's/^/    /' "$3"; fail=1
	fi
}

run() {	# NAME SCRIPT: SCRIPT on $tmp into $tmp/NAME.txt; the test stops if it fails
	sh "$2" "$tmp" >"$tmp/$1.txt" 2>&1 || { echo "FAIL $(basename "$2") exited $?"; cat "$tmp/$1.txt"; exit 1; }
}

row() {	# name ns [fired]
	if [ $# -eq 3 ]; then
		printf '{"run_name": "%s/manual_time", "run_type": "iteration", "real_time": %s, "time_unit": "ns", "fired": %s}' "$1" "$2" "$3"
	else
		printf '{"run_name": "%s/manual_time", "run_type": "iteration", "real_time": %s, "time_unit": "ns"}' "$1" "$2"
	fi
}
proc() {	# api_ns libev_ns floor_ns [expire]: one process's benchmarks
	printf '[%s, %s, %s, %s, %s]' \
	    "$(row rearm/api/wheel/rto/1000000 "$1")" \
	    "$(row rearm/peer/libev/rto/1000000 "$2")" \
	    "$(row rearm/floor/rec64/rto/1000000 "$3")" \
	    "$(row expire/api/wheel/spread1s/1000000 200 2)" \
	    "$(row expire/peer/libev/spread1s/1000000 400 1)"
}
# re-arm api/libev: 0.5 0.4 0.9 0.6 -> median 0.55 [0.4, 0.9];
# api/floor: 10 10 18 15 -> 12.5 [10, 18]; expire: 100 / 400 = 0.25 each.
cat >"$tmp/goal.json" <<JSON
{"context": {"git_commit": "test", "goal_n": 1000000, "processes": 4},
 "runs": [{"process": 1, "benchmarks": $(proc 50 100 5)},
          {"process": 2, "benchmarks": $(proc 40 100 4)},
          {"process": 3, "benchmarks": $(proc 90 100 5)},
          {"process": 4, "benchmarks": $(proc 60 100 4)}]}
JSON
echo '{"context": {"backends": "wheel"}, "benchmarks": []}' >"$tmp/micro.json"

run report "$ROOT/bench/micro/report.sh"
expect "report: across 4 processes" "across 4 processes" "$tmp/report.txt"
expect "report: re-arm/libev median of an even count, missed" "0.55 [0.4, 0.9] missed" "$tmp/report.txt"
expect "report: re-arm/floor" "12.5 [10, 18] missed" "$tmp/report.txt"
expect "report: expire per fired timer, met" "0.25 [0.25, 0.25] met" "$tmp/report.txt"
expect "report: ns of libev" "rearm/peer/libev        100 [100, 100]" "$tmp/report.txt"

run summary "$ROOT/scripts/summary.sh"
expect "summary: the goal line" "re-arm/libev 0.55 [0.4, 0.9] (goal <= 0.5), re-arm/floor 12.5 [10, 18] (<= 3), expire/libev 0.25 [0.25, 0.25]" "$tmp/summary.txt"

# goal-records.json (layouts.sh with RECORD_BYTES): its own block and
# line, against its own floor (rec1024): api/floor 60/20 and 80/20 -> 3.5;
# expiry 200.08 / 400 = 0.5002, which rounds onto the goal without
# meeting it and so is printed with the digits that tell.
proc_rec() {	# api_ns floor_ns
	printf '[%s, %s, %s, %s, %s]' \
	    "$(row rearm/api/wheel/rto/1000000 "$1")" \
	    "$(row rearm/peer/libev/rto/1000000 200)" \
	    "$(row rearm/floor/rec1024/rto/1000000 "$2")" \
	    "$(row expire/api/wheel/spread1s/1000000 200.08 1)" \
	    "$(row expire/peer/libev/spread1s/1000000 400 1)"
}
cat >"$tmp/goal-records.json" <<JSON
{"context": {"git_commit": "test", "goal_n": 1000000, "processes": 2, "record_bytes": "1024"},
 "runs": [{"process": 1, "benchmarks": $(proc_rec 60 20)},
          {"process": 2, "benchmarks": $(proc_rec 80 20)}]}
JSON
run report "$ROOT/bench/micro/report.sh"
expect "report: the records block" "in a 1024-byte record" "$tmp/report.txt"
expect "report: records re-arm/floor against rec1024" "3.5 [3, 4] missed" "$tmp/report.txt"
expect "report: records floor ns" "rearm/floor/rec1024     20 [20, 20]" "$tmp/report.txt"
expect "report: the dense block stays" "12.5 [10, 18] missed" "$tmp/report.txt"
expect "report: a ratio just over its goal" "0.5002 [0.5, 0.5] missed" "$tmp/report.txt"
run summary "$ROOT/scripts/summary.sh"
expect "summary: the records line" "every timer and floor deadline in a 1024-byte record" "$tmp/summary.txt"
expect "summary: records ratios" "re-arm/libev 0.35 [0.3, 0.4] (goal <= 0.5), re-arm/floor 3.5 [3, 4] (<= 3), expire/libev 0.5002 [0.5, 0.5] (<= 0.5)" "$tmp/summary.txt"
rm "$tmp/goal-records.json"

# window.json (micro_window): a read costs 10 ns + 0.5 ns per instruction;
# goal.json's floor medians 5 5 4 4 -> 4.5, so 3x the floor, 13.5 ns,
# leaves (13.5 - 10) / 0.5 = 7 instructions; the API's median 55 ns
# costs as much as (55 - 10) / 0.5 = 90.
loop() { printf '{"loop": "%s", "nops": %s, "ns": {"median": %s, "min": %s, "max": %s}}' "$1" "$2" "$3" "$3" "$3"; }
cat >"$tmp/window.json" <<JSON
{"context": {"git_commit": "test"}, "n": 1000000, "steps": 1, "reps": 1, "record_bytes": 64,
 "loops": [$(loop store 0 3), $(loop store 40 4), $(loop read 0 10), $(loop read 40 30)],
 "fit": {"loop": "read", "t0_ns": 10, "ns_per_instruction": 0.5, "r2": 1}}
JSON
run report "$ROOT/bench/micro/report.sh"
expect "report: the window's loops" "  read          10      30" "$tmp/report.txt"
expect "report: the window's fit" "read ~ 10 ns + 0.5 ns per instruction" "$tmp/report.txt"
expect "report: what 3x the floor leaves" "3x the floor (13.5 ns, median over goal.json) leaves 7 instructions" "$tmp/report.txt"
expect "report: what the API costs in instructions" "55 ns: as much as 90 instructions" "$tmp/report.txt"
run summary "$ROOT/scripts/summary.sh"
expect "summary: the window's budget" "3x the floor leaves 7 instructions on top of that read" "$tmp/summary.txt"
expect "summary: the API in instructions" "  90 (wheel)" "$tmp/summary.txt"

# The allocator control: goal-jemalloc.json and goal-glibc.json, their
# processes run in pairs, and the load runs of loadgen/control-jemalloc/
# and control-glibc/.  Each case's median in both, and the ratio taken in
# each pair: the API's re-arm 40 and 60 with jemalloc (median 50), 50 and
# 66 with glibc (58), ratios 1.25 and 1.1 -> 1.18 [1.1, 1.25]; libev 100
# against 120 twice -> 1.2; the floor 4 and 6 (5) against 5 and 5 (5),
# ratios 1.25 and 0.83 -> 1.04.  The load runs pair by file name: the
# wheel's ops/s 1000 and 1200 (median 1100) against 900 and 1320 (1110),
# ratios 0.9 and 1.1 -> 1 [0.9, 1.1]; the heap's second jemalloc run
# missing, so its second glibc run counts in the median (1050) and in no
# ratio (1.1 from the first pair alone).
ctl() {	# FILE ALLOCATOR (api libev floor)...
	local f=$1 a=$2 k=1 runs=
	shift 2
	while [ $# -ge 3 ]; do
		runs="$runs${runs:+, }{\"process\": $k, \"benchmarks\": $(proc "$1" "$2" "$3")}"
		shift 3; k=$((k + 1))
	done
	printf '{"context": {"git_commit": "test", "goal_n": 1000000, "allocator": "%s", "allocator_version": "v"}, "runs": [%s]}' "$a" "$runs" >"$tmp/$f"
}
ctl goal-jemalloc.json jemalloc 40 100 4 60 100 6
ctl goal-glibc.json glibc 50 120 5 66 120 5
mkdir -p "$tmp/loadgen/control-jemalloc" "$tmp/loadgen/control-glibc"
load() {	# BACKEND OPS/S ALLOCATOR PAIR
	printf '{"ok": true, "backend": "%s", "threads": 2, "conns": 1000000, "drain": "sync", "ops_per_sec": %s, "lateness_ns": {"p99": 1000}}' \
	    "$1" "$2" >"$tmp/loadgen/control-$3/$1-t2-c1000000-sync-p$4.json"
}
load wheel 1000 jemalloc 1
load wheel 900 glibc 1
load wheel 1200 jemalloc 2
load wheel 1320 glibc 2
load heap 1000 jemalloc 1
load heap 1100 glibc 1
load heap 1000 glibc 2
run summary "$ROOT/scripts/summary.sh"
expect "summary: the control's builds" "in 2 pairs of" "$tmp/summary.txt"
expect "summary: the control's order" "processes, jemalloc then glibc v;" "$tmp/summary.txt"
expect "summary: a case's medians and its paired ratio" "rearm/api/wheel                           50        58  1.18 [1.1, 1.25]" "$tmp/summary.txt"
expect "summary: libev in both builds" "rearm/peer/libev                         100       120  1.2 [1.2, 1.2]" "$tmp/summary.txt"
expect "summary: the floor" "rearm/floor/rec64                          5         5  1.04 [0.83, 1.25]" "$tmp/summary.txt"
expect "summary: the load runs per build" "then the load runs (ops/s), 2 with each build, each glibc run right after its jemalloc one:" "$tmp/summary.txt"
expect "summary: the load runs paired" "load/wheel, 1e6 conns, 2 thr            1100      1110  1 [0.9, 1.1]" "$tmp/summary.txt"
expect "summary: a run without its pair" "load/heap, 1e6 conns, 2 thr             1000      1050  1.1 [1.1, 1.1]" "$tmp/summary.txt"
# A run whose pairs alternate which build goes first says so (the goal's
# processes in their context, the load runs in meta.json); the numbers
# are paired the same way.
jq '.context.pair_order = "alternating"' "$tmp/goal-glibc.json" >"$tmp/g2" && mv "$tmp/g2" "$tmp/goal-glibc.json"
echo '{"control": {"pair_order": "alternating"}}' >"$tmp/meta.json"
run summary-alt "$ROOT/scripts/summary.sh"
expect "summary: the alternating order" "processes, jemalloc and glibc v (each first in every other pair);" "$tmp/summary-alt.txt"
expect "summary: the load runs, alternating" "then the load runs (ops/s), 2 with each build, in pairs, each build first in every other pair:" "$tmp/summary-alt.txt"
expect "summary: alternating, paired as before" "rearm/api/wheel                           50        58  1.18 [1.1, 1.25]" "$tmp/summary-alt.txt"
rm "$tmp/meta.json"
rm -r "$tmp/goal-glibc.json" "$tmp/goal-jemalloc.json" "$tmp/loadgen"

# A process without libev: its ratio is left out, the others stay.
jq '.runs[2].benchmarks |= map(select(.run_name | startswith("rearm/peer/") | not))' \
    "$tmp/goal.json" >"$tmp/g2" && mv "$tmp/g2" "$tmp/goal.json"
sh "$ROOT/bench/micro/report.sh" "$tmp" >"$tmp/report.txt" 2>&1
expect "report: a missing case leaves its process out" "0.5 [0.4, 0.6] met" "$tmp/report.txt"
exit $fail
