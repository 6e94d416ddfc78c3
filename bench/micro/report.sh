#!/bin/sh
# report.sh - read micro.json (and bytes.json beside it) and print:
#   - the performance goal as ratios of medians measured in the same run:
#     re-arm through the full API vs libev's ev_timer_again (target <= 0.5)
#     and vs the memory floor (target <= 3), expiry per fired timer vs
#     libev (target <= 0.5), for every backend;
#   - with window.json beside it (micro_window), what an instruction behind
#     a cache miss costs, and how many 3x the floor leaves a re-arm;
#   - a table per backend (both levels), the peers, the floor, and the
#     bytes per pending timer.
# Every number printed is read from the files; a case that is not there
# prints n/a.
#
# usage: bench/micro/report.sh FILE.json|OUTDIR [N]   (N: goal size, 1000000)
#   METRIC=wall (default): real_time, steady_clock around the timed loop
#   METRIC=cpu: the run_cpu counter, the thread's CPU time around the same
#               loop; on a shared machine it leaves out descheduled time
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 micro.json|OUTDIR [N]" >&2
	exit 2
fi
PROG=report.sh
. "$(dirname "$0")/../../scripts/results_json.sh"
metric_check
IN=$1
if [ -d "$IN" ]; then
	IN=$IN/micro.json
fi
GOAL_N=${2:-1000000}
case $GOAL_N in
''|*[!0-9]*|0*) echo "$PROG: N '$GOAL_N': not a positive whole number" >&2; exit 2 ;;
esac
[ -e "$IN" ] || { echo "$PROG: no $IN" >&2; exit 2; }
# Beside micro.json, each file the run has (a missing one: its lines say
# n/a); any of them that is not JSON stops the report.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
json_file "$IN" >"$tmp/micro.json"
for f in bytes goal goal-records window; do
	json_file "$(dirname "$IN")/$f.json" >"$tmp/$f.json"
done
BYTES=$tmp/bytes.json GOAL=$tmp/goal.json GOAL_REC=$tmp/goal-records.json
WINDOW=$tmp/window.json IN=$tmp/micro.json

jq -r -n -L "$(dirname "$0")" --argjson goal_n "$GOAL_N" --arg metric "$METRIC" \
    --slurpfile bytes_in "$BYTES" --slurpfile goal_in "$GOAL" \
    --slurpfile goal_rec_in "$GOAL_REC" --slurpfile window_in "$WINDOW" \
    --slurpfile micro_in "$IN" '
include "micro";
$micro_in[0] as $m
| ($bytes_in[0] // {bytes: []}) as $bytes
| ($m.benchmarks | any(.aggregate_name == "median")) as $medians
| ($m | micro_rows($metric)) as $rows
| def get($c; $l; $i; $d; $n):
    first($rows[] | select(.case == $c and .level == $l and .impl == $i
                           and .dist == $d and .n == $n)) // null;
  def verdict($r; $t): if $r == null then "" elif $r <= $t then " met"
    else " missed" end;
  ([$rows[].n] | unique) as $ns
| $m.context as $ctx
# In the registry order the run recorded, else by name.
| ([$rows[] | select(.level == "api") | .impl] | unique) as $seen
| (($ctx.backends // "") | split(" ") | map(select(. as $b | $seen | index($b))))
  as $ordered
| (if ($ordered | length) > 0 then $ordered else $seen end) as $backends

# A table: one line per (label, case, dist), one column per N.
| def table($title; sel):
    ([$rows[] | select(sel) | [.level, .impl, .case, .dist]] | unique) as $keys
    | if ($keys | length) == 0 then empty else
      "", $title,
      ("  " + ("level/impl" | rpad(22)) + ("case" | rpad(11)) + ("dist" | rpad(9))
        + ([$ns[] | tostring | lpad(9)] | add)),
      ($keys[] as $k
        | "  " + (($k[0] + "/" + $k[1]) | rpad(22)) + ($k[2] | rpad(11))
          + ($k[3] | rpad(9))
          + ([$ns[] as $n | get($k[2]; $k[0]; $k[1]; $k[3]; $n) | .ns | fmt
              | lpad(9)] | add))
      end;

"calloutlab microbenchmarks (ns per iteration, " +
  (if $metric == "cpu" then "thread CPU time" else "wall time" end) + ", " +
  (if $medians then "median of \($ctx.repetitions // "?") repetitions"
   else "single run, no medians" end) + ")",
"  run \($ctx.run_date // $ctx.date) mode \($ctx.run_mode // "?") commit \($ctx.git_commit // "?")",
"  \($ctx.allocator // "?") \($ctx.allocator_version // "") | \($ctx.compiler // "?") \($ctx.build // "")",
"  \($ctx.cpu_model // "?") | \($ctx.kernel // "?") | load \($ctx.load_avg // [] | map(fmt) | join(" "))",
(if $ctx.run_mode == "QUICK" then
  "  QUICK: a smoke run on small N; its numbers check the plumbing only" else empty end),
"",
"Goal at N=\($goal_n): ratios measured side by side in this run (target; met or missed)",
"  " + ("backend" | rpad(14)) + ("rearm api/libev" | lpad(18))
  + ("rearm api/floor" | lpad(18)) + ("expire api/libev" | lpad(19)),
"  " + ("target" | rpad(14)) + ("<= 0.5" | lpad(18)) + ("<= 3" | lpad(18))
  + ("<= 0.5" | lpad(19)),
( $backends[] as $b
  | goal_ratio_set($rows; $goal_n; $b) as $r
  | "  " + ($b | rpad(14))
    + (($r.rearm_libev | fmt) + verdict($r.rearm_libev; 0.5) | lpad(18))
    + (($r.rearm_floor | fmt) + verdict($r.rearm_floor; 3) | lpad(18))
    + (($r.expire_libev | fmt) + verdict($r.expire_libev; 0.5) | lpad(19)) ),
(if ($backends | length) == 0 then "  n/a: no api cases in this file" else empty end),
"  (rearm: rto deadlines, U[200 ms, 2 s]; expire: time per fired timer)",

# goal.json (bench/micro/layouts.sh): the same ratios in each of several
# processes, each with its own stack layout; the median over them.  Then
# goal-records.json, the same with every timer in a connection-sized record.
( ( ($goal_in[0] // null), ($goal_rec_in[0] // null) ) as $g
  | if $g == null then empty else
    ($g.context.goal_n) as $gn
    | ($g.context.record_bytes // "dense") as $rb
    | ($g | goal_rows($metric)) as $per
    | ($g | goal_backends($metric; $backends)) as $gb
    | def show($s; $t): ($s | goal_spread_fmt($t)) + (if $s == null then "" else verdict($s.med; $t) end);
      def ns($k): [$per[][] | select(.case == $k[0] and .level == $k[1] and .impl == $k[2]
                                     and .dist == $k[3] and .n == $gn)
                   | if $k[0] == "expire" then .per_fired else .ns end]
                  | spread;
    "",
    "Goal at N=\($gn) across \($g.runs | length) processes, each with its own stack layout",
    "(bench/micro/layouts.sh): median of the ratios each process measured [lowest, highest]",
    (if $rb == "dense" then empty else
     "Every timer, and every floor deadline, in a \($rb)-byte record (as a timer in a connection)"
     end),
    "  " + ("backend" | rpad(14)) + ("rearm api/libev" | lpad(25) | " " + .)
    + ("rearm api/floor" | lpad(25) | " " + .) + ("expire api/libev" | lpad(25) | " " + .),
    "  " + ("target" | rpad(14)) + ("<= 0.5" | lpad(25) | " " + .) + ("<= 3" | lpad(25) | " " + .)
    + ("<= 0.5" | lpad(25) | " " + .),
    ( $gb[] as $b
      | ($g | goal_ratios($metric; $b)) as $r
      | "  " + ($b | rpad(14)) + (show($r.rearm_libev; 0.5) | lpad(25) | " " + .)
        + (show($r.rearm_floor; 3) | lpad(25) | " " + .) + (show($r.expire_libev; 0.5) | lpad(25) | " " + .) ),
    "  ns, median [lowest, highest] over the processes:",
    ( ([$gb[] | ["rearm", "api", ., "rto"]] + [["rearm", "peer", "libev", "rto"],
        ["rearm", "floor", floor_name($per[0] // []), "rto"]]
       + [$gb[] | ["expire", "api", ., "spread1s"]]
       + [["expire", "peer", "libev", "spread1s"]])[] as $k
      | "    " + ("\($k[0])/\($k[1])/\($k[2])" | rpad(24)) + (ns($k) | spread_fmt) )
    end ),

# window.json (micro_window): what an instruction behind a miss costs, and
# with goal.json what that makes of the floor goal.
( ($window_in[0] // null) as $w
  | if $w == null then empty else
    ([$w.loops[].nops] | unique) as $ks
    | def instr: if . == null then "n/a" elif . < 0 then "none" else round | tostring end;
    "",
    "Behind a miss (window.json, micro_window): ns per step, N=\($w.n) \($w.record_bytes)-byte records,",
    "a record picked at random each step, K nops after it; median of \($w.reps) rounds",
    "  " + ("K nops" | rpad(8)) + ([$ks[] | tostring | lpad(8)] | add),
    ( ["store", "read"][] as $l
      | "  " + ($l | rpad(8))
        + ([$ks[] as $k | first($w.loops[] | select(.loop == $l and .nops == $k) | .ns.median)
            | fmt | lpad(8)] | add) ),
    "  read ~ \($w.fit.t0_ns | fmt) ns + \($w.fit.ns_per_instruction | fmt) ns per instruction (least squares, r2 \($w.fit.r2 | fmt))",
    ( ($goal_in[0] // null) as $g
      | if $g == null then empty else
        ($g | window_budget($w; $metric; $backends)) as $wb
        | "  3x the floor (\($wb.budget | fmt) ns, median over goal.json) leaves \($wb.allowed | instr) instructions on top of that read;",
          ( $wb.api[] | "    rearm/api/\(.backend | rpad(13)) \(.ns | fmt | lpad(6)) ns: as much as \(.instructions | instr) instructions" )
        end )
    end ),

( $backends[] as $b
  | table("Backend \($b): ns per iteration (expire: per fired timer; tick_busy: per tick)";
          (.level == "backend" or .level == "api") and .impl == $b) ),
table("Peers: ns per iteration"; .level == "peer"),
table("Floor: random pick + store of a deadline in a \(floor_name($rows) | ltrimstr("rec"))-byte record"; .level == "floor"),
table("Read floor: the same pick, then a read and compare of the deadline in the record before the store"; .level == "readfloor"),
"",
"Caps: \($ctx.caps // "n/a")",
"Peers missing at configure time: \($ctx.peers_missing // "n/a")",

( [$bytes.bytes[] | [.level, .name]] | unique ) as $bk
| ([$bytes.bytes[].n] | unique) as $bn
| if ($bk | length) == 0 then "", "Bytes per pending timer: n/a (no bytes.json)" else
  "",
  "Bytes per pending timer (timer struct + structure / N; \($bytes.context.allocator // "?"))",
  "  " + ("level/impl" | rpad(22)) + ([$bn[] | tostring | lpad(10)] | add),
  ( $bk[] as $k
    | "  " + (($k[0] + "/" + $k[1]) | rpad(22))
      + ([$bn[] as $n
          | (first($bytes.bytes[] | select(.level == $k[0] and .name == $k[1]
                                           and .n == $n)) // null)
          | (if . == null then null else .bytes_per_timer end) | fmt | lpad(10)]
         | add) )
  end,

( [$m.benchmarks[] | select(.error_occurred // false)] as $errs
  | if ($errs | length) == 0 then empty else
    "", "Errors (not in the tables):",
    ($errs[] | "  \(.run_name): \(.error_message)")
    end )
'
