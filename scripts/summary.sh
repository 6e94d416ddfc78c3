#!/bin/sh
# summary.sh [DIR] - the summary table of one benchmark run, per backend:
#   re-arm ns through the API (rearm/api/B/rto) at N = 1e3 and 1e6,
#   expire ns per fired timer through the API (expire/api/B/spread1s) at 1e6,
#   the load generator's ops/s and p99 firing lateness at its largest
#   sweep point (most connections, most threads, sync drain),
#   bytes per pending timer (bytes.json, backend level) at its largest N;
#   and the goal's ratios across process layouts (goal.json), when there,
#   with what 3x the floor leaves a re-arm in instructions (window.json);
#   and the allocator control, when there: the goal's cases and load runs
#   with glibc's malloc (goal-glibc.json, loadgen/control-glibc/) beside
#   the same, run in pairs with them, with jemalloc (goal-jemalloc.json,
#   loadgen/control-jemalloc/): medians, and the ratio taken in each pair;
# with, beside re-arm and expire, the ratio to the best peer (the fastest
# of libev, libevent, libuv, DPDK at the same case and N in the same run).
#
# Every number is read from the run's JSON files by jq; a value the run
# does not have (a file missing) prints n/a; a file that is not JSON is an
# error.  DIR defaults to the newest results folder.  METRIC=cpu reads the
# run_cpu counter (thread CPU time) instead of wall.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROG=summary.sh
. "$ROOT/scripts/results_json.sh"
metric_check
DIR=${1:-$(sh "$ROOT/scripts/latest-results.sh")}
[ -d "$DIR" ] || { echo "summary.sh: no folder $DIR" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in meta micro bytes goal goal-records goal-jemalloc goal-glibc window; do
	json_file "$DIR/$f.json" >"$tmp/$f.json"
done
json_runs "$DIR/loadgen/sweep" >"$tmp/sweep.json"
json_runs "$DIR/loadgen/control-glibc" >"$tmp/control.json"
json_runs "$DIR/loadgen/control-jemalloc" >"$tmp/control-main.json"

jq -r -n -L "$(dirname "$0")/../bench/micro" --arg metric "$METRIC" \
    --slurpfile meta "$tmp/meta.json" --slurpfile micro "$tmp/micro.json" \
    --slurpfile bytes "$tmp/bytes.json" --slurpfile sweep "$tmp/sweep.json" \
    --slurpfile goal "$tmp/goal.json" --slurpfile goal_rec "$tmp/goal-records.json" \
    --slurpfile goal_glibc "$tmp/goal-glibc.json" \
    --slurpfile goal_jemalloc "$tmp/goal-jemalloc.json" \
    --slurpfile control "$tmp/control.json" \
    --slurpfile control_main "$tmp/control-main.json" \
    --slurpfile window "$tmp/window.json" '
include "micro";
def sci: if . == null then "?" else
    (log10 | floor) as $e | if (. == pow(10; $e)) then "1e\($e)" else tostring end end;

($meta[0] // {}) as $m
| ($micro[0] // {benchmarks: [], context: {}}) as $mi
| ($mi.benchmarks | any(.aggregate_name == "median")) as $medians
| ($mi | micro_rows($metric)) as $rows
| def get($c; $l; $i; $d; $n):
    first($rows[] | select(.case == $c and .level == $l and .impl == $i
                           and .dist == $d and .n == $n)) // null;
  # The fastest peer at (case, dist, N): {impl, v}, or null.
  def best($c; $d; $n; $f):
    [ $rows[] | select(.case == $c and .level == "peer" and .dist == $d
                       and .n == $n) | {impl, v: (.[$f])} | select(.v != null) ]
    | min_by(.v) // null;
  def with_ratio($v; $b):
    if $v == null then "n/a"
    elif $b == null or $b.v == 0 then ($v | fmt) + " (n/a)"
    else ($v | fmt) + " (" + ($v / $b.v | fmt) + "x)" end;

  # Backends: the run plan, else whatever the files name.
  ((($m.loadgen.backends // []) + [$rows[] | select(.level == "api") | .impl]
    + [$sweep[0][] | .backend]) | reduce .[] as $b ([]; if index([$b]) then . else . + [$b] end))
  as $backends
# The N of the columns: 1e3 and 1e6 in a full run; in a smaller run the largest
# N it has (at most 1e6), and the smallest beside it.
| ([$rows[] | select(.case == "rearm" and .level == "api") | .n] | unique) as $rn
| (([$rn[] | select(. <= 1000000)] | max) // 1000000) as $nbig
| (if ($rn | index([1000])) and $nbig > 1000 then 1000
   else ([$rn[] | select(. < $nbig)] | max) // 1000 end) as $nsmall
| ($sweep[0] | map(select(.ok != false))) as $runs
| ([$runs[].conns] | max) as $lc
| ([$runs[] | select(.conns == $lc) | .threads] | max) as $lt
| def load($b): first($runs[] | select(.backend == $b and .conns == $lc
      and .threads == $lt and (.drain // "sync") == "sync")) // null;

  ($bytes[0] // {bytes: []}) as $by
| ([$by.bytes[].n] | max) as $bn
| def bytes($b): first($by.bytes[] | select(.level == "backend" and .name == $b
      and .n == $bn) | .bytes_per_timer) // null;

  best("rearm"; "rto"; $nsmall; "ns") as $bp1
| best("rearm"; "rto"; $nbig; "ns") as $bp2
| best("expire"; "spread1s"; $nbig; "per_fired") as $bp3

| [ "backend",
    "rearm ns @\($nsmall | sci)", "rearm ns @\($nbig | sci)",
    "expire ns/fired @\($nbig | sci)", "load ops/s", "p99 late us",
    "bytes/timer @\($bn | sci)" ] as $head
| [13, 18, 18, 21, 13, 13, 19] as $w
| def row($cells): [range(0; $cells | length) as $i
      | if $i == 0 then ($cells[$i] | rpad($w[$i])) else ($cells[$i] | lpad($w[$i])) end]
      | add;

  "calloutlab benchmark summary: \($m.host.name // "?") (\($m.host.cpu_model // "?"), \($m.host.online_cpus // "?") CPUs), commit \($m.git.short // $mi.context.git_commit // "?"), \($m.started // $mi.context.run_date // "?"), \($m.mode // "?") run",
"  micro: \(if $medians then "median of \($mi.context.repetitions // "?") repetitions" else "single run" end), \(if $metric == "cpu" then "thread CPU time" else "wall time" end), API level (callout_reset_sbt / callout_advance on the manual clock)",
"  load: \(if $lc == null then "no load-generator runs in this folder" else "calloutlab run, \($lc) conns, \($lt) thread\(if $lt == 1 then "" else "s" end), drain sync, \(first($runs[] | select(.conns == $lc) | .duration_s) // "?") s planned" end)",
(if ($m.mode // $mi.context.run_mode) == "QUICK" then
  "  QUICK: a smoke run at small sizes; its numbers check the plumbing, not the structures" else empty end),
"",
row($head),
( $backends[] as $b
  | load($b) as $l
  | row([ $b,
          with_ratio(get("rearm"; "api"; $b; "rto"; $nsmall).ns; $bp1),
          with_ratio(get("rearm"; "api"; $b; "rto"; $nbig).ns; $bp2),
          with_ratio(get("expire"; "api"; $b; "spread1s"; $nbig).per_fired; $bp3),
          (if $l == null or $l.ops_per_sec == null then "n/a" else ($l.ops_per_sec | round | tostring) end),
          (if $l == null or $l.lateness_ns.p99 == null then "n/a" else ($l.lateness_ns.p99 / 1000 | fmt) end),
          (bytes($b) | fmt) ]) ),
row([ "best peer",
      (if $bp1 == null then "n/a" else "\($bp1.impl) \($bp1.v | fmt)" end),
      (if $bp2 == null then "n/a" else "\($bp2.impl) \($bp2.v | fmt)" end),
      (if $bp3 == null then "n/a" else "\($bp3.impl) \($bp3.v | fmt)" end),
      "", "", "" ]),
"",
"  (x): ratio to the best peer at the same case and N, measured side by side in this run;",
"       below 1: faster than every peer library.  n/a: not in this run (list stops at",
"       N = 1e4 in micro, and at the load sweep caps).  Charts: RESULTS/plots/.",
( ( ($goal[0] // null), ($goal_rec[0] // null) ) as $g
  | if $g == null then empty else
    "",
    "  goal at N = \($g.context.goal_n | sci), API / libev and / floor, each ratio measured in one",
    "  process, median [lowest, highest] over \($g.runs | length) processes with their own stack layouts"
    + (if ($g.context.record_bytes // "dense") == "dense" then ":"
       else ",\n  every timer and floor deadline in a \($g.context.record_bytes)-byte record:" end),
    ( ($g | goal_backends($metric; $backends))[] as $b
      | ($g | goal_ratios($metric; $b)) as $r
      | select($r.rearm_libev != null or $r.expire_libev != null)
      | "    \($b | rpad(13)) re-arm/libev \($r.rearm_libev | goal_spread_fmt(0.5)) (goal <= 0.5),"
        + " re-arm/floor \($r.rearm_floor | goal_spread_fmt(3)) (<= 3),"
        + " expire/libev \($r.expire_libev | goal_spread_fmt(0.5)) (<= 0.5)" )
    end ),
( ($window[0] // null) as $w | ($goal[0] // null) as $g
  | if $w == null or $g == null then empty else
    ($g | window_budget($w; $metric; $backends)) as $wb
    | def instr: if . == null then "n/a" elif . < 0 then "none" else round | tostring end;
    "",
    "  behind a miss (window.json): a read-compare-store \($w.fit.t0_ns | fmt) ns + \($w.fit.ns_per_instruction | fmt) ns per instruction;",
    "  3x the floor leaves \($wb.allowed | instr) instructions on top of that read, the API re-arm costs as much as",
    "  " + ([$wb.api[] | "\(.instructions | instr) (\(.backend))"] | join(", "))
    end ),
( ($goal_glibc[0] // null) as $gc | ($goal_jemalloc[0] // null) as $g
  | if $gc == null or $g == null then empty else
    ($g | control_cases($gc; $metric)) as $cases
    | control_loads($control_main[0]; $control[0]) as $loads
    | ($g.context.allocator // "?") as $an
    | ($gc.context.allocator // "?") as $cn
    # Runs before the order alternated ran jemalloc first in every pair.
    | ($gc.context.pair_order == "alternating") as $alt_order
    | ($m.control.pair_order == "alternating") as $alt_load_order
    | def line($name; $a; $b; $r): "    \($name | rpad(34))\($a | fmt | lpad(10))\($b | fmt | lpad(10))  \($r | spread_fmt)";
    "",
    "  allocator control: the goal cases at N = \($gc.context.goal_n | sci) (ns; expiry per fired timer) in \($gc.runs | length) pairs of",
    "  processes, \(if $alt_order then "\($an) and \($cn)" else "\($an) then \($cn)" end) \($gc.context.allocator_version // "")\(if $alt_order then " (each first in every other pair)" else "" end); medians, and the ratio taken in each pair [range];",
    "  then the load runs (ops/s), \([$control[0][] | select(.ok != false)] | group_by(.backend) | map(length) | max // 0) with each build, \(if $alt_load_order then "in pairs, each build first in every other pair:" else "each \($cn) run right after its \($an) one:" end)",
    "    \("" | rpad(34))\($an | lpad(10))\($cn | lpad(10))  \($cn)/\($an)",
    ( $cases[] | line(.name; .main; .alt; .ratio) ),
    ( $loads[] | line("load/\(.backend), \(.conns | sci) conns, \(.threads) thr"; .main; .alt; .ratio) )
    end )
'
