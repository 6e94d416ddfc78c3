#!/usr/bin/env bash
# run.sh CALLOUTLAB BACKEND - `calloutlab run` on 2 threads, manual and real
# clock, sync and async drain: the JSON has every key the contract names
# and the timers balance (armed = fired + stopped + rearmed + pending), in
# total and per thread.  The manual clock is deterministic.
set -euo pipefail
lab=$1 backend=$2
command -v jq >/dev/null || { echo "jq not found (apt-get install jq)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Short timers so that every kind of ending happens in a fraction of a second.
model=(--backend "$backend" --threads 2 --conns 200 --rate 200 --churn 400
       --rto 5ms --delack 2ms --persist 10ms --msl 10ms --json)

balanced='
  def balanced: .timers.armed == .timers.fired + .timers.stopped + .timers.rearmed + .timers.pending;
  .ok and balanced and .contradictions == 0 and .timers.armed > 0 and .timers.fired > 0
  and .timers.stopped > 0 and .timers.rearmed > 0
  and (.per_thread | length) == 2 and all(.per_thread[]; balanced)
  and ([.per_thread[].timers.armed] | add) == .timers.armed'

keys='
  [.backend, .threads, .conns, .duration_s, .ops_per_sec,
   .timers.armed, .timers.fired, .timers.stopped, .timers.rearmed, .timers.pending,
   (.latency_ns | .reset, .stop, .drain | .p50, .p90, .p99, .p999, .max),
   (.lateness_ns | .p50, .p99, .p999, .max), .wakeups_per_sec,
   (.stop_results | .one, .zero, .minus_one, .met_running),
   .memory.bytes, .per_thread[0].latency_ns.reset.p99, .commit, .compiler,
   .hz, .precision, .seed] | all(. != null)'

expect() {	# expect FILE JQ-FILTER WHAT
	if ! jq -e "$2" "$1" >/dev/null; then
		echo "FAIL: $3" >&2
		jq -c '{ok, timers, stop_results, contradictions}' "$1" >&2
		exit 1
	fi
	echo "ok   $3"
}

run() {	# run NAME ARGS...: calloutlab run, stdout to $tmp/NAME.json
	local name=$1
	shift
	"$lab" run "${model[@]}" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" ||
		{ echo "FAIL: run $* exited $?" >&2; cat "$tmp/$name.err" >&2; exit 1; }
}

run manual1 --manual-clock --duration 2 --seed 7 --cross-cpu 0.3
run manual2 --manual-clock --duration 2 --seed 7 --cross-cpu 0.3
expect "$tmp/manual1.json" "$balanced" "$backend manual clock: timers balance"
expect "$tmp/manual1.json" "$keys" "$backend: every contract key present"
expect "$tmp/manual1.json" '.lateness_ns.max == 0' "$backend manual clock: exact deadlines"
[ "$(jq -c '[.timers, .stop_results, .wakeups]' "$tmp/manual1.json")" = \
  "$(jq -c '[.timers, .stop_results, .wakeups]' "$tmp/manual2.json")" ] ||
	{ echo "FAIL: two manual-clock runs with one seed differ" >&2; exit 1; }
echo "ok   $backend manual clock: deterministic"

run manual_async --manual-clock --duration 1 --drain async --precision ticks
expect "$tmp/manual_async.json" "$balanced and .latency_ns.async_drain.count > 0" \
	"$backend manual clock, async drain, ticks: timers balance"

run real --duration 0.4 --precision 1/8
expect "$tmp/real.json" "$balanced" "$backend real clock: timers balance"
[ ! -s "$tmp/real.err" ] || { echo "FAIL: stderr not empty (progress line without a TTY?)" >&2; exit 1; }

run real_async --duration 0.4 --drain async --cross-cpu 0.5 --precision exact
expect "$tmp/real_async.json" "$balanced" "$backend real clock, async drain, cross-CPU: timers balance"

# lateness_cdf: the lateness histogram as percentile points for the CDF
# charts: increasing in p and in ns, the same values as lateness_ns.
expect "$tmp/real.json" '
  . as $r | .lateness_cdf as $c
  | ($c | length) > 0
  and ([$c[].p] | . == sort and all(.[]; . > 0 and . < 1))
  and ([$c[].ns] | . == sort)
  and all($c[]; .ns <= $r.lateness_ns.max)
  and (first($c[] | select(.p == 0.5) | .ns) // $r.lateness_ns.p50) == $r.lateness_ns.p50
  and (first($c[] | select(.p == 0.99) | .ns) // $r.lateness_ns.p99) == $r.lateness_ns.p99' \
	"$backend real clock: lateness_cdf agrees with lateness_ns"
