#!/usr/bin/env bash
# roundtrip.sh CALLOUTLAB BACKEND EXAMPLE_TRACE - record a model run, replay
# it: on the manual clock the replay is the recorded run exactly, and it
# fires what the reference backend (list) fires; on the real clock the
# timers balance.  The hand-written example replays to known counts.
set -euo pipefail
lab=$1 backend=$2 example=$3
command -v jq >/dev/null || { echo "jq not found (apt-get install jq)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

same='[.timers, .stop_results, .ops, .wakeups, .duration_s]'
balanced='.ok and .contradictions == 0 and
  .timers.armed == .timers.fired + .timers.stopped + .timers.rearmed + .timers.pending'

"$lab" record --out "$tmp/t.trace" --backend "$backend" --threads 2 --conns 100 \
	--duration 1 --rate 100 --churn 200 --rto 5ms --delack 2ms --msl 10ms \
	--cross-cpu 0.2 --drain async --manual-clock --json >"$tmp/record.json"
head -n 1 "$tmp/t.trace" | grep -qx 'calloutlab-trace 1'
"$lab" replay "$tmp/t.trace" --backend "$backend" --manual-clock --json >"$tmp/replay.json"
"$lab" replay "$tmp/t.trace" --backend list --manual-clock --json >"$tmp/reference.json"
[ "$(jq -c "$same" "$tmp/record.json")" = "$(jq -c "$same" "$tmp/replay.json")" ] ||
	{ echo "FAIL: replay differs from the recorded run" >&2;
	  jq -c "$same" "$tmp/record.json" "$tmp/replay.json" >&2; exit 1; }
echo "ok   $backend: manual-clock replay equals the recorded run"
[ "$(jq -c "$same" "$tmp/reference.json")" = "$(jq -c "$same" "$tmp/replay.json")" ] ||
	{ echo "FAIL: $backend and list fire differently" >&2; exit 1; }
echo "ok   $backend: fires what list fires"

"$lab" replay "$tmp/t.trace" --backend "$backend" --json >"$tmp/real.json"
jq -e "$balanced" "$tmp/real.json" >/dev/null
echo "ok   $backend: real-clock replay balances"
"$lab" replay "$tmp/t.trace" --backend "$backend" --threads 1 --speed max --json >"$tmp/max.json"
jq -e "$balanced and .threads == 1" "$tmp/max.json" >/dev/null
echo "ok   $backend: replay on 1 thread at full speed balances"

"$lab" replay "$example" --backend "$backend" --manual-clock --json >"$tmp/example.json"
jq -e "$balanced and .timers == {armed: 7, fired: 2, stopped: 4, rearmed: 1, pending: 0}" \
	"$tmp/example.json" >/dev/null ||
	{ echo "FAIL: example trace" >&2; jq -c .timers "$tmp/example.json" >&2; exit 1; }
echo "ok   $backend: the example trace"
