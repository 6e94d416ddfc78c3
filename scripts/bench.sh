#!/bin/sh
# bench.sh [QUICK] - the benchmark pipeline behind `make bench`: a release
# build, the microbenchmarks, a sweep of the load generator, a summary
# table and the charts, into a new folder results/HOST/DATE-GITSHA/.
# `make bench` installs the Debian packages first (install-deps.sh bench).
#
#   full   about 15 minutes on 2 cores: micro N = 1e2 .. 1e6 (list to 1e4),
#          every backend x 1, 2 threads x 1e3 .. 1e6 connections x sync,
#          async drain, then a precision sweep 0 .. 1/8
#   QUICK  the same pipeline at small sizes, under a minute: a smoke run
#          whose numbers check the plumbing, not the structures
#
# Every knob below is an environment variable; the values a run used are
# recorded in its meta.json.  results/README.md describes the files.
#
#   BUILD           build directory (build-release)
#   RESULTS_ROOT    where run folders go (results)
#   REPS MIN_TIME   micro repetitions and seconds per repetition
#   MICRO_N         micro N values (full: 100 .. 1000000)
#   MICRO_SKIP      an extended regex of micro cases left out of a full run
#   BYTES_N TICKS_N TICKS WINDOW_N   see bench/micro/run.sh
#   PROCESSES       processes of the goal's run across stack layouts
#                   (bench/micro/layouts.sh: full 7, QUICK 2)
#   RECORD_BYTES    the goal's run again with every timer in a record of
#                   this many bytes, as in a connection (default 1024;
#                   goal-records.json); 0: not run
#   SWEEP_BACKENDS  backends of the load sweep (default: every backend the
#                   load generator knows)
#   SWEEP_THREADS SWEEP_CONNS SWEEP_DRAINS
#   SWEEP_DURATION  the planned length of a load run: one TIME, or
#                   CONNS:TIME pairs and a default TIME (the generator
#                   follows a constant-rate plan, --rate 10 segments/s per
#                   connection, and runs past its duration when the machine
#                   cannot keep up: 1e6 connections plan 1e7 operations/s)
#   BIG_CONNS BIG_DRAINS   at conns >= BIG_CONNS only these drains run
#   SWEEP_CAPS      backend:max_conns pairs (list:1000: its insert is O(n));
#                   the precision sweep skips a backend capped below PREC_CONNS
#   PREC_LIST PREC_CONNS PREC_THREADS PREC_DURATION   the precision sweep
#   CONTROL         the allocator control (default on): a second release
#                   build without jemalloc (CONTROL_BUILD, build-release-glibc)
#                   and the main build, in turn, run the goal's cases across
#                   layouts (goal-jemalloc.json, goal-glibc.json: pairs of
#                   processes) and, for every backend, the sweep's run at
#                   CONTROL_CONNS connections, most threads, sync drain,
#                   CONTROL_PAIRS times with each build (loadgen/
#                   control-jemalloc/ and control-glibc/, B-tT-cN-D-pK.json:
#                   pair K); in odd pairs jemalloc runs first, in even ones
#                   glibc (meta.json control.pair_order); CONTROL=off:
#                   none.  Skipped when the main build has no jemalloc
#   CONTROL_CONNS   connections of the control's load runs (full 1000000,
#                   where the machine, not the plan, limits the rate; QUICK
#                   1000; a point of the sweep)
#   CONTROL_PAIRS   pairs of control load runs per backend (full 5, QUICK 2,
#                   at most 99): a single run moves by 15%, as much as the
#                   allocators might differ
#   RUN_GRACE       seconds a load run may take beyond its duration before
#                   it is killed (default 120)
#   LOADGEN         the load generator (default: BUILD/bench/loadgen/calloutlab)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
case "${1:-}" in
QUICK) MODE=QUICK ;;
'' | full) MODE=full ;;
*) echo "usage: $0 [QUICK]" >&2; exit 2 ;;
esac

# Every knob checked before anything is built or written.
PROG=bench
. "$ROOT/scripts/check_env.sh"
need_count REPS 1000
need_seconds MIN_TIME
need_counts MICRO_N
need_counts BYTES_N 1000000000 16
[ "${TICKS_N:-}" = none ] || need_counts TICKS_N 1000000000 16
need_count TICKS
need_count WINDOW_N
need_count PROCESSES 99
need_words SWEEP_BACKENDS list wheel hierarchical heap heap4
need_counts SWEEP_THREADS 1024
need_counts SWEEP_CONNS
need_words SWEEP_DRAINS sync async
need_times SWEEP_DURATION
need_count BIG_CONNS
need_words BIG_DRAINS sync async
need_caps SWEEP_CAPS
need_precisions PREC_LIST
need_count PREC_CONNS
need_count PREC_THREADS 1024
need_times PREC_DURATION
need_count RUN_GRACE 86400
need_words CONTROL on off
need_count CONTROL_CONNS
need_count CONTROL_PAIRS 99

BUILD=${BUILD:-$ROOT/build-release}
RESULTS_ROOT=${RESULTS_ROOT:-$ROOT/results}
RUN_GRACE=${RUN_GRACE:-120}
RECORD_BYTES=${RECORD_BYTES:-1024}
case $RECORD_BYTES in
'' | *[!0-9]*) echo "bench: RECORD_BYTES must be a number of bytes (0: none), not '$RECORD_BYTES'" >&2; exit 2 ;;
esac
RECORD_BYTES=$(echo "$RECORD_BYTES" | sed 's/^0*//')
RECORD_BYTES=${RECORD_BYTES:-0}
if [ "$RECORD_BYTES" != 0 ] && { [ ${#RECORD_BYTES} -gt 5 ] || [ "$RECORD_BYTES" -gt 65536 ] ||
    [ "$RECORD_BYTES" -lt 64 ] || [ $((RECORD_BYTES % 64)) -ne 0 ]; }; then
	echo "bench: RECORD_BYTES must be a multiple of 64 from 64 to 65536 (0: none), not $RECORD_BYTES" >&2
	exit 2
fi

# The micro selection: the cases the summary and the charts read.  Re-arm
# with the RTO distribution (the headline), expiry, the empty and busy tick,
# at every level (backend, api, peer, floor).  N is appended below.
MICRO_CASES='(rearm/[^/]+/[^/]+/rto|expire/[^/]+/[^/]+/spread1s|tick_empty/[^/]+/[^/]+/far|tick_busy/[^/]+/[^/]+/period1s)'

if [ "$MODE" = QUICK ]; then
	REPS=${REPS:-1}		# run.sh QUICK's defaults, recorded here
	MIN_TIME=${MIN_TIME:-0.01}
	MICRO_N=${MICRO_N:-100 1000}	# run.sh QUICK picks 100, 1000 itself
	SWEEP_THREADS=${SWEEP_THREADS:-1 2}
	SWEEP_CONNS=${SWEEP_CONNS:-1000}
	SWEEP_DRAINS=${SWEEP_DRAINS:-sync async}
	SWEEP_DURATION=${SWEEP_DURATION:-300ms}
	PREC_CONNS=${PREC_CONNS:-1000}
	PREC_DURATION=${PREC_DURATION:-300ms}
	MICRO_EST=15
	LAYOUTS_EST=10
	RECORDS_EST=10
	CONTROL_CONNS=${CONTROL_CONNS:-1000}
	CONTROL_PAIRS=${CONTROL_PAIRS:-2}
	CONTROL_EST=70
else
	REPS=${REPS:-3}
	MIN_TIME=${MIN_TIME:-0.1}
	MICRO_N=${MICRO_N:-100 1000 10000 100000 1000000}
	BYTES_N=${BYTES_N:-1000 10000 100000 1000000}
	TICKS_N=${TICKS_N:-1000 10000 100000}
	SWEEP_THREADS=${SWEEP_THREADS:-1 2}
	SWEEP_CONNS=${SWEEP_CONNS:-1000 10000 100000 1000000}
	SWEEP_DRAINS=${SWEEP_DRAINS:-sync async}
	SWEEP_DURATION=${SWEEP_DURATION:-100000:1s 1000000:300ms 2s}
	PREC_CONNS=${PREC_CONNS:-10000}
	PREC_DURATION=${PREC_DURATION:-2s}
	MICRO_EST=300
	LAYOUTS_EST=60
	RECORDS_EST=90
	CONTROL_CONNS=${CONTROL_CONNS:-1000000}
	CONTROL_PAIRS=${CONTROL_PAIRS:-5}
	CONTROL_EST=200
fi
# Cases left out of the full run: the list's expiry at 1e4 re-inserts 1e4
# timers into a sorted list (O(N^2), untimed) before each timed batch.
MICRO_SKIP=${MICRO_SKIP:-^expire/[^/]+/list/[^/]+/10000/}
BIG_CONNS=${BIG_CONNS:-1000000}
BIG_DRAINS=${BIG_DRAINS:-sync}
# The list's every insert walks the list: at 1e4 connections one 2 s run
# takes 47 s (2 cores, shared).
SWEEP_CAPS=${SWEEP_CAPS:-list:1000}
PREC_LIST=${PREC_LIST:-0 1/64 1/32 1/16 1/8}
PREC_THREADS=${PREC_THREADS:-1}
CONTROL=${CONTROL:-on}
CONTROL_BUILD=${CONTROL_BUILD:-$ROOT/build-release-glibc}

now() { date +%s; }
T0=$(now)
loadavg() { cut -d ' ' -f 1-3 /proc/loadavg; }
LOAD_START=$(loadavg)

# ------------------------------------------------------------ the build

echo "bench: $MODE run, load average $LOAD_START (2 cores: above 2 the numbers are noisy)"
# A release build in $1 with -Djemalloc=$2; what went wrong is in $1.log.
build_release() {
	# --reconfigure: the commit compiled into the tools stays current.
	reconf=
	[ ! -f "$1/build.ninja" ] || reconf=--reconfigure
	meson setup $reconf "$1" -Dbuildtype=release -Djemalloc="$2" >"$1.log" 2>&1 &&
	    ninja -C "$1" >>"$1.log" 2>&1 && rm -f "$1.log"
}
echo "bench: release build in $BUILD (jemalloc when available)"
build_release "$BUILD" auto || { tail -n 40 "$BUILD.log" >&2; exit 1; }

LOADGEN=${LOADGEN:-$BUILD/bench/loadgen/calloutlab}
if [ ! -x "$LOADGEN" ]; then
	LOADGEN=$(find "$BUILD" -type f -name calloutlab -perm -u+x 2>/dev/null | head -n 1)
fi
if [ "$CONTROL" = on ] && ! ldd "$BUILD/bench/micro/micro_bench" 2>/dev/null | grep -q jemalloc; then
	echo "bench: the release build has no jemalloc: no allocator control to run"
	CONTROL=off
fi

# ------------------------------------------------------- the run folder

host=$(hostname -s 2>/dev/null || hostname)
sha=$(git rev-parse --short=7 HEAD 2>/dev/null || echo nogit)
dirty=false
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	dirty=true
	sha="$sha-dirty"
fi
stamp=$(date -u +%Y%m%dT%H%MZ)
DIR=$RESULTS_ROOT/$host/$stamp-$sha
k=2
while ! mkdir -p "$(dirname "$DIR")" || ! mkdir "$DIR" 2>/dev/null; do
	# Never overwrite an earlier run: the next free suffix.
	DIR=$RESULTS_ROOT/$host/$stamp-$sha-$k
	k=$((k + 1))
	[ $k -lt 100 ] || { echo "bench: cannot create a folder in $RESULTS_ROOT/$host" >&2; exit 1; }
done
mkdir -p "$DIR/log"
STEPS=$DIR/log/steps.jsonl
: >"$STEPS"
echo "bench: results in $DIR"

# --------------------------------------------------------------- the plan

BACKENDS=
if [ -n "$LOADGEN" ]; then
	BACKENDS=${SWEEP_BACKENDS:-$("$LOADGEN" run --help 2>/dev/null |
	    sed -n 's/^backends: *//p')}
	if [ -z "$BACKENDS" ]; then
		echo "bench: $LOADGEN run --help names no backends: load sweep skipped" >&2
	fi
else
	echo "bench: no load generator in $BUILD (calloutlab not built): load sweep skipped"
fi

cap_of() {	# the largest conns of backend $1, or empty
	for c in $SWEEP_CAPS; do
		[ "${c%%:*}" = "$1" ] && { echo "${c#*:}"; return; }
	done
	echo
}

PLAN=$DIR/log/plan.txt
{
	echo "micro"
	echo "layouts"
	[ "$RECORD_BYTES" = 0 ] || echo "layouts-records"
	if [ "$CONTROL" = on ]; then
		echo "control-build"
		echo "control-layouts"
		ct=$(echo $SWEEP_THREADS | tr ' ' '\n' | sort -n | tail -n 1)
		# Pair k of every backend before pair k + 1 of any: a drift of
		# the machine then spreads over the backends' pairs alike.
		for k in $(seq "$CONTROL_PAIRS"); do
			for b in $BACKENDS; do
				cap=$(cap_of "$b")
				[ -n "$cap" ] && [ "$CONTROL_CONNS" -gt "$cap" ] && continue
				# The build that runs first alternates from pair
				# to pair, so that any advantage of running first
				# (or second) falls on both builds alike.
				if [ $((k % 2)) -eq 1 ]; then
					echo "control-load-jemalloc $b $ct $CONTROL_CONNS sync $k"
					echo "control-load-glibc $b $ct $CONTROL_CONNS sync $k"
				else
					echo "control-load-glibc $b $ct $CONTROL_CONNS sync $k"
					echo "control-load-jemalloc $b $ct $CONTROL_CONNS sync $k"
				fi
			done
		done
	fi
	for b in $BACKENDS; do
		cap=$(cap_of "$b")
		for n in $SWEEP_CONNS; do
			[ -n "$cap" ] && [ "$n" -gt "$cap" ] && continue
			for t in $SWEEP_THREADS; do
				drains=$SWEEP_DRAINS
				[ "$n" -ge "$BIG_CONNS" ] && drains=$BIG_DRAINS
				for d in $drains; do
					echo "sweep $b $t $n $d"
				done
			done
		done
	done
	for b in $BACKENDS; do
		cap=$(cap_of "$b")
		[ -n "$cap" ] && [ "$PREC_CONNS" -gt "$cap" ] && continue
		for p in $PREC_LIST; do
			echo "precision $b $p"
		done
	done
	echo "summary"
	echo "plots"
} >"$PLAN"
NSTEPS=$(wc -l <"$PLAN")

secs() {	# a duration such as 2s, 300ms -> seconds, rounded up
	case $1 in
	*ms) echo $(( (${1%ms} + 999) / 1000 )) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}
dur_for() {	# conns -> the planned duration of a sweep run
	dflt=2s
	for e in $SWEEP_DURATION; do
		case $e in
		"$1":*) echo "${e#*:}"; return ;;
		*:*) ;;
		*) dflt=$e ;;
		esac
	done
	echo "$dflt"
}
# The estimate: a load run's planned operations at about 5e5 a second (2
# cores, as measured), at least its duration, plus a second to start.
est=$((MICRO_EST + LAYOUTS_EST))
[ "$RECORD_BYTES" = 0 ] || est=$((est + RECORDS_EST))
[ "$CONTROL" = off ] || est=$((est + CONTROL_EST))
while read -r kind a b c d e; do
	case $kind in
	sweep | control-load-*) dur=$(dur_for "$c") ;;
	precision) dur=$PREC_DURATION; c=$PREC_CONNS ;;
	*) continue ;;
	esac
	ms=$(case $dur in *ms) echo "${dur%ms}" ;; *s) echo $(( ${dur%s} * 1000 )) ;; *) echo $(( dur * 1000 )) ;; esac)
	work=$(( c * 10 * ms / 1000 / 500000 ))
	[ $work -gt $((ms / 1000)) ] || work=$((ms / 1000))
	est=$((est + work + 1))
done <"$PLAN"
est=$((est + 15))
nsweep=$(grep -c '^sweep' "$PLAN" || true)
nprec=$(grep -c '^precision' "$PLAN" || true)
echo "bench: plan: $NSTEPS steps ($nsweep load runs, $nprec precision runs), about $((est / 60)) min $((est % 60)) s"

# ------------------------------------------------------------ meta.json

# The tree as it was when the run started (and was built).
GIT_JSON=$(jq -n --arg commit "$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --arg short "$sha" --arg branch "$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)" \
    --arg describe "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
    --argjson dirty "$dirty" \
    '{commit: $commit, short: $short, branch: $branch, describe: $describe, dirty: $dirty}')

write_meta() {	# $1: running | finished
	allocator=glibc
	if ldd "$BUILD/bench/micro/micro_bytes" 2>/dev/null | grep -q jemalloc; then
		allocator="jemalloc $(meson introspect "$BUILD" --dependencies |
		    jq -r '.[] | select(.name == "jemalloc") | .version')"
	fi
	jq -n --arg status "$1" --arg mode "$MODE" --arg dir "${DIR#"$ROOT"/}" \
	    --arg host "$host" \
	    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
	    --argjson cpus "$(getconf _NPROCESSORS_ONLN)" \
	    --arg kernel "$(uname -sr)" \
	    --arg os "$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")" \
	    --argjson mem_kb "$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)" \
	    --argjson git "$GIT_JSON" \
	    --arg compiler "$(${CC:-cc} --version 2>/dev/null | head -n 1)" \
	    --arg allocator "$allocator" \
	    --arg build "${BUILD#"$ROOT"/}" \
	    --argjson options "$(meson introspect "$BUILD" --buildoptions |
	        jq '[.[] | select(.section == "user" or .name == "buildtype"
	            or .name == "optimization" or .name == "b_ndebug"
	            or .name == "c_args") | {key: .name, value: .value}] | from_entries')" \
	    --argjson deps "$(meson introspect "$BUILD" --dependencies |
	        jq '[.[] | {key: .name, value: .version}] | from_entries')" \
	    --arg tunables "$(sed -n 's/^#define \(CALLOUT_[A-Z0-9_]*\) \(.*\)$/\1=\2/p' "$BUILD/callout_build.h" | tr -d '"')" \
	    --arg gnuplot "$(gnuplot --version 2>/dev/null || echo none)" \
	    --arg jq "$(jq --version)" --arg meson "$(meson --version)" \
	    --arg started "$(date -u -d "@$T0" +%Y-%m-%dT%H:%M:%SZ)" \
	    --arg finished "$(if [ "$1" = finished ]; then date -u +%Y-%m-%dT%H:%M:%SZ; fi)" \
	    --argjson wall "$(($(now) - T0))" \
	    --arg load_start "$LOAD_START" --arg load_now "$(loadavg)" \
	    --arg loadgen "${LOADGEN#"$ROOT"/}" \
	    --arg backends "$BACKENDS" \
	    --arg micro_filter "$MICRO_FILTER" --arg micro_skip "$MICRO_SKIP" \
	    --arg reps "${REPS:-}" --arg min_time "${MIN_TIME:-}" \
	    --argjson record_bytes "$RECORD_BYTES" \
	    --arg control "$CONTROL" --arg control_build "${CONTROL_BUILD#"$ROOT"/}" \
	    --argjson control_conns "$CONTROL_CONNS" --argjson control_pairs "$CONTROL_PAIRS" \
	    --arg micro_n "$MICRO_N" --arg bytes_n "${BYTES_N:-}" \
	    --arg ticks_n "${TICKS_N:-}" --arg ticks "${TICKS:-}" \
	    --arg sweep_threads "$SWEEP_THREADS" --arg sweep_conns "$SWEEP_CONNS" \
	    --arg sweep_drains "$SWEEP_DRAINS" --arg sweep_duration "$SWEEP_DURATION" \
	    --arg big_conns "$BIG_CONNS" --arg big_drains "$BIG_DRAINS" \
	    --arg caps "$SWEEP_CAPS" --arg prec_list "$PREC_LIST" \
	    --arg prec_conns "$PREC_CONNS" --arg prec_threads "$PREC_THREADS" \
	    --arg prec_duration "$PREC_DURATION" \
	    --slurpfile steps "$STEPS" '
	def words: split(" ") | map(select(length > 0));
	{
	  schema: "calloutlab-run/1",
	  status: $status,
	  mode: $mode,
	  dir: $dir,
	  host: {name: $host, cpu_model: $cpu, online_cpus: $cpus, kernel: $kernel,
	         os: $os, mem_total_kb: $mem_kb},
	  git: $git,
	  build: {dir: $build, compiler: $compiler, allocator: $allocator,
	          options: $options, tunables: ($tunables | split("\n")
	            | map(select(length > 0) | split("=") | {key: .[0], value: .[1]})
	            | from_entries),
	          dependencies: $deps},
	  tools: {gnuplot: $gnuplot, jq: $jq, meson: $meson},
	  started: $started,
	  finished: (if $finished == "" then null else $finished end),
	  wall_s: $wall,
	  load_avg: {start: ($load_start | words | map(tonumber)),
	             end: ($load_now | words | map(tonumber))},
	  micro: {filter: $micro_filter, skip: $micro_skip, n: ($micro_n | words | map(tonumber)),
	          repetitions: (if $reps == "" then null else ($reps | tonumber) end),
	          min_time: (if $min_time == "" then null else ($min_time | tonumber) end),
	          bytes_n: ($bytes_n | words | map(tonumber)),
	          ticks_n: ($ticks_n | words | map(tonumber)),
	          ticks: (if $ticks == "" then null else ($ticks | tonumber) end),
	          goal_record_bytes: (if $record_bytes == 0 then null else $record_bytes end)},
	  loadgen: {binary: (if $loadgen == "" then null else $loadgen end),
	            backends: ($backends | words),
	            sweep: {threads: ($sweep_threads | words | map(tonumber)),
	                    conns: ($sweep_conns | words | map(tonumber)),
	                    drains: ($sweep_drains | words), duration: $sweep_duration,
	                    big_conns: ($big_conns | tonumber), big_drains: ($big_drains | words),
	                    caps: ($caps | words | map(split(":") | {key: .[0], value: (.[1] | tonumber)})
	                           | from_entries)},
	            precision: {precisions: ($prec_list | words), conns: ($prec_conns | tonumber),
	                        threads: ($prec_threads | tonumber), duration: $prec_duration}},
	  control: (if $control == "on" then {allocator: "glibc", build: $control_build,
	            goal_file: "goal-glibc.json", paired_with: "goal-jemalloc.json",
	            loadgen: "loadgen/control-glibc", loadgen_paired_with: "loadgen/control-jemalloc",
	            conns: $control_conns, pairs: $control_pairs,
	            pair_order: "alternating"} else null end),
	  steps: $steps
	}' >"$DIR/meta.json.tmp"
	mv "$DIR/meta.json.tmp" "$DIR/meta.json"
}

# ------------------------------------------------------------- the steps

K=0
FAILED=0
step_begin() {	# what
	K=$((K + 1))
	STEP_T0=$(now)
	STEP_WHAT=$1
}
step_end() {	# status file [note]
	dt=$(($(now) - STEP_T0))
	jq -cn --argjson k "$K" --arg what "$STEP_WHAT" --arg status "$1" \
	    --arg file "$2" --arg note "${3:-}" --argjson seconds "$dt" \
	    '{k: $k, what: $what, status: $status, seconds: $seconds}
	     + (if $file == "" then {} else {file: $file} end)
	     + (if $note == "" then {} else {note: $note} end)' >>"$STEPS"
	[ "$1" = ok ] || FAILED=$((FAILED + 1))
}

if [ "$MODE" = QUICK ]; then
	MICRO_FILTER="^$MICRO_CASES"
else
	# The selection as an explicit list of names, less MICRO_SKIP (Google
	# Benchmark's POSIX regex has no negative look-ahead).
	sel=$("$BUILD/bench/micro/micro_bench" --benchmark_list_tests \
	    --benchmark_filter="^$MICRO_CASES/($(echo $MICRO_N | tr ' ' '|'))/" |
	    grep -Ev "$MICRO_SKIP" | sed 's|/manual_time$||' | paste -sd '|')
	MICRO_FILTER="^($sel)/"
fi
write_meta running

run_micro() {
	step_begin "microbenchmarks"
	echo "[$K/$NSTEPS] microbenchmarks ($MODE; REPS=$REPS MIN_TIME=$MIN_TIME; about $MICRO_EST s)"
	# Google Benchmark's console goes to the log; the terminal gets each
	# case's median (or its single run) as it finishes.
	set +e
	(
		export BUILD FILTER="$MICRO_FILTER"
		[ -n "${REPS:-}" ] && export REPS
		[ -n "${MIN_TIME:-}" ] && export MIN_TIME
		[ -n "${BYTES_N:-}" ] && export BYTES_N
		[ -n "${TICKS_N:-}" ] && export TICKS_N
		[ -n "${TICKS:-}" ] && export TICKS
		[ -n "${WINDOW_N:-}" ] && export WINDOW_N
		if [ "$MODE" = QUICK ]; then
			sh bench/micro/run.sh "$DIR" QUICK
		else
			sh bench/micro/run.sh "$DIR"
		fi
		echo $? >"$DIR/log/micro.status"
	) </dev/null 2>"$DIR/log/micro.err" | tee "$DIR/log/micro.log" |
	    awk '$1 ~ /\/manual_time/ && $1 !~ /_(mean|stddev|cv)$/ {
		name = $1; sub(/\/manual_time(_median)?$/, "", name)
		printf "      %-44s %12s %s\n", name, $2, $3; fflush() }'
	status=$(cat "$DIR/log/micro.status" 2>/dev/null || echo 1)
	rm -f "$DIR/log/micro.status"
	set -e
	if [ "$status" = 0 ] && [ -s "$DIR/micro.json" ] && jq -e '.benchmarks | length > 0' "$DIR/micro.json" >/dev/null 2>&1; then
		step_end ok micro.json
	else
		echo "      failed: see $DIR/log/micro.err" >&2
		tail -n 5 "$DIR/log/micro.err" >&2 || true
		step_end failed micro.json "see log/micro.err"
	fi
}

# The goal's cases in several processes, each with its own stack layout
# (bench/micro/layouts.sh): goal.json; with records (RECORD_BYTES), every
# timer in a connection-sized record: goal-records.json.
run_layouts() {	# file log record_bytes (empty: dense) [alt_file alt_build]
	file=$1 log=$2 records=$3 alt_file=${4:-} alt_build=${5:-}
	if [ -n "$alt_build" ]; then
		step_begin "allocator control: goal across layouts"
		echo "[$K/$NSTEPS] allocator control: goal cases across process layouts, jemalloc and glibc malloc processes in pairs, each build first in every other pair (about 120 s)"
	elif [ -z "$records" ]; then
		step_begin "goal across layouts"
		echo "[$K/$NSTEPS] goal cases across process layouts (bench/micro/layouts.sh; about $LAYOUTS_EST s)"
	else
		step_begin "goal across layouts, $records-byte records"
		echo "[$K/$NSTEPS] goal cases across process layouts, every timer in a $records-byte record (about $RECORDS_EST s)"
	fi
	set +e
	(
		GOAL_FILE=$file
		export BUILD GOAL_FILE
		if [ -n "$alt_build" ]; then
			ALT_BUILD=$alt_build ALT_FILE=$alt_file
			export ALT_BUILD ALT_FILE
		fi
		[ -n "${PROCESSES:-}" ] && export PROCESSES
		if [ -n "$records" ]; then
			export RECORD_BYTES="$records"
		else
			unset RECORD_BYTES
		fi
		if [ "$MODE" = QUICK ]; then
			sh bench/micro/layouts.sh "$DIR" QUICK
		else
			sh bench/micro/layouts.sh "$DIR"
		fi
	) </dev/null >"$DIR/log/$log.log" 2>"$DIR/log/$log.err"
	status=$?
	set -e
	if [ "$status" = 0 ] && jq -e '(.runs | length) > 0' "$DIR/$file" >/dev/null 2>&1 &&
	    { [ -z "$alt_file" ] || jq -e '(.runs | length) > 0' "$DIR/$alt_file" >/dev/null 2>&1; }; then
		step_end ok "$file"
	else
		echo "      failed: see $DIR/log/$log.err" >&2
		tail -n 5 "$DIR/log/$log.err" >&2 || true
		step_end failed "$file" "see log/$log.err"
	fi
}

# One run of the load generator; keeps its JSON if it parses.
run_load() {	# loadgen file what args...
	bin=$1 file=$2 what=$3
	shift 3
	step_begin "$what"
	printf '[%d/%d] %s ... ' "$K" "$NSTEPS" "$what"
	mkdir -p "$(dirname "$DIR/$file")"
	log=$DIR/log/$(echo "$file" | tr '/' '_' | sed 's/\.json$//').err
	set +e
	timeout -k 5 "$(( $(secs "$DURATION") + RUN_GRACE ))" \
	    "$bin" run "$@" --json >"$DIR/$file.tmp" 2>"$log" </dev/null
	rc=$?
	set -e
	if [ $rc -eq 0 ] && jq -e 'type == "object"' "$DIR/$file.tmp" >/dev/null 2>&1; then
		mv "$DIR/$file.tmp" "$DIR/$file"
		[ -s "$log" ] || rm -f "$log"
		echo "$(jq -r 'def t: if type != "number" then "n/a"
		    elif . >= 1e6 then "\(. / 1e5 | round / 10) ms"
		    elif . >= 1e3 then "\(. / 1e2 | round / 10) us" else "\(.) ns" end;
		    "\(.ops_per_sec // "n/a" | if type == "number" then round else . end) ops/s, p99 lateness \(.lateness_ns.p99 | t), \(.elapsed_s // "?" | if type == "number" then (. * 10 | round / 10) else . end) s run"' \
		    "$DIR/$file") ($(($(now) - STEP_T0)) s)"
		if [ "$(jq -r '.ok // true' "$DIR/$file")" = false ]; then
			echo "      the run reports ok=false (its accounting failed): left out of the summary and charts"
			step_end not-ok "$file" "the run reports ok=false"
		else
			step_end ok "$file"
		fi
	else
		rm -f "$DIR/$file.tmp"
		why="exit $rc"
		[ $rc -eq 124 ] && why="timed out"
		echo "FAILED ($why, $(($(now) - STEP_T0)) s; log/$(basename "$log"))"
		tail -n 3 "$log" | sed 's/^/      /'
		step_end failed "" "$why; see log/$(basename "$log")"
	fi
}

exec 3<"$PLAN"
while read -r kind a b c d e <&3; do
	case $kind in
	micro)
		run_micro
		;;
	layouts)
		run_layouts goal.json layouts ""
		;;
	layouts-records)
		run_layouts goal-records.json layouts-records "$RECORD_BYTES"
		;;
	control-build)
		step_begin "allocator control: build"
		echo "[$K/$NSTEPS] allocator control: release build without jemalloc in ${CONTROL_BUILD#"$ROOT"/}"
		if build_release "$CONTROL_BUILD" disabled; then
			step_end ok ""
		else
			tail -n 20 "$CONTROL_BUILD.log" >&2
			mv "$CONTROL_BUILD.log" "$DIR/log/control-build.log"
			step_end failed "" "see log/control-build.log"
		fi
		;;
	control-layouts)
		run_layouts goal-jemalloc.json layouts-control "" goal-glibc.json "$CONTROL_BUILD"
		;;
	control-load-jemalloc | control-load-glibc)
		alloc=${kind#control-load-}
		bin=$LOADGEN
		[ "$alloc" = jemalloc ] || bin=$CONTROL_BUILD/bench/loadgen/calloutlab
		DURATION=$(dur_for "$c")
		run_load "$bin" "loadgen/control-$alloc/$a-t$b-c$c-$d-p$e.json" \
		    "control load $a threads=$b conns=$c drain=$d $DURATION, pair $e, $alloc" \
		    --backend "$a" --threads "$b" --conns "$c" --drain "$d" \
		    --duration "$DURATION"
		;;
	sweep)
		DURATION=$(dur_for "$c")
		run_load "$LOADGEN" "loadgen/sweep/$a-t$b-c$c-$d.json" \
		    "load $a threads=$b conns=$c drain=$d $DURATION" \
		    --backend "$a" --threads "$b" --conns "$c" --drain "$d" \
		    --duration "$DURATION"
		;;
	precision)
		DURATION=$PREC_DURATION
		run_load "$LOADGEN" "loadgen/precision/$a-p$(echo "$b" | tr '/' '_').json" \
		    "precision $a precision=$b conns=$PREC_CONNS threads=$PREC_THREADS $PREC_DURATION" \
		    --backend "$a" --threads "$PREC_THREADS" --conns "$PREC_CONNS" \
		    --drain sync --precision "$b" --duration "$PREC_DURATION"
		;;
	summary)
		step_begin "summary"
		write_meta running
		echo "[$K/$NSTEPS] summary (scripts/summary.sh; also in summary.txt)"
		if sh scripts/summary.sh "$DIR" >"$DIR/summary.txt" 2>"$DIR/log/summary.err"; then
			step_end ok summary.txt
		else
			step_end failed summary.txt "see log/summary.err"
			cat "$DIR/log/summary.err" >&2
		fi
		echo
		cat "$DIR/summary.txt"
		echo
		;;
	plots)
		step_begin "plots"
		echo "[$K/$NSTEPS] charts (scripts/plots.sh)"
		if sh scripts/plots.sh "$DIR" >"$DIR/log/plots.out" 2>"$DIR/log/plots.err"; then
			step_end ok plots
		else
			step_end failed plots "see log/plots.err"
			cat "$DIR/log/plots.err" >&2
		fi
		;;
	esac
done
exec 3<&-

write_meta finished
echo "bench: $DIR (meta.json, micro.json, bytes.json, ticks.json, window.json, goal*.json, loadgen/, summary.txt)"
echo "bench: charts:"
sed 's/^/  /' "$DIR/log/plots.out" 2>/dev/null || true
echo "bench: done in $(($(now) - T0)) s, load average $(loadavg) (at the start: $LOAD_START)"
if [ $FAILED -gt 0 ]; then
	echo "bench: $FAILED step(s) failed: see $DIR/meta.json (steps) and $DIR/log/" >&2
	exit 1
fi
