# guide.jq - the selection guide as data, for the guide's table
# (tables.jq, table_guide) and the recommendation the prose draws from it
# (values.jq, guide_values).  Input: the same object as values.jq.
#
# Each row is a kind of workload and the figure that decides it:
#   {workload, figure, unit ("ns", "B", "ops/s"), note,
#    entries: [{b, v, cv}] best first, tied: [backend names]}
# `tied` holds the best backend and every other whose figure is within the
# noise of the best's: a median apart by no more than its and the best's
# coefficients of variation allow, (1 + cv_a)(1 + cv_b) (so equal figures
# tie).  Only the
# microbenchmarks have repetitions, so only their rows can tie; the ticks
# are distributions of thousands of single ticks, the bytes are counted,
# and the load runs are one run each (their note says so).

include "lib";

def guide_unit_fmt($unit):
  if $unit == "ns" then tns
  elif $unit == "B" then "\(sig)\\,B"
  elif $unit == "ops/s" and . >= 1e6 then "\(. / 1e6 | sig)\\,M\\,ops/s"
  else "\(sig)\\,\($unit)" end;

# Best first: the smallest figure, or the largest for a throughput.
def guide_row($workload; $figure; $unit; $note; $entries):
  ($entries | map(select(.v != null))
   | if $unit == "ops/s" then sort_by(-.v) else sort_by(.v) end) as $e
  | {workload: $workload, figure: $figure, unit: $unit, note: $note,
     entries: $e,
     tied: (if ($e | length) == 0 then []
            else [$e[0].b] + [$e[1:][]
                 | select(((.v / $e[0].v) | log | fabs)
                          <= ((1 + (.cv // 0)) * (1 + ($e[0].cv // 0)) | log))
                 | .b] end)};

def guide_rows($rows):
  backend_order($rows) as $bs
  | def micro($case; $dist; $n):
      [ $bs[] as $b | series($rows; $case; "api"; $b; $dist)
        | first(.[] | select(.[0] == $n)) // null
        | select(. != null) | {b: $b, v: .[1], cv: .[2]} ];
  ([$rows[] | select(.case == "rearm" and .level == "api") | .n] | unique) as $ns
  | ($ns | min) as $n0 | ($ns | max) as $n1
  | ([$rows[] | select(.case == "expire" and .level == "api") | .n] | max) as $e1
  | (.ticks.ticks // []) as $tk
  | ([$tk[] | select(.case == "tick_busy" and .level == "api") | .n] | max) as $tn
  # Implementations preempted on more than a tenth of their ticks are
  # left out: none of their tail is readable.
  | [$tk[] | select(.case == "tick_busy" and .level == "api" and .n == $tn)
     | select((.preempted // 0) < (.ticks // 0) * 0.1)] as $tt
  # The highest percentile with more ticks above it than any was preempted
  # (values.jq, tail_values): above it the scheduler may be all one sees.
  | ([$tt[].preempted // 0] | max // 0) as $pre
  | ([["p999", 0.001, "p99.9"], ["p99", 0.01, "p99"], ["p90", 0.1, "p90"]]
     | map(select(($tt[0].ticks // 0) * .[1] > $pre)) | first // null) as $q
  | (.bytes.bytes // []) as $by
  | ([$by[].n] | max) as $bn
  | (.sweep // [] | good | map(select((.drain // "sync") == "sync"))) as $sw
  | ([$sw[].threads] | max) as $st
  | [$sw[] | select(.threads == $st)] as $sw
  | ([$sw[].conns] | max) as $sc
  # Lateness is read where every backend kept up with its plan (within 5 %
  # of the offered rate): past that point it measures the backlog.
  | ([$sw[].conns] | unique | map(. as $c
       | select(all($sw[] | select(.conns == $c);
                    .rate != null and .ops_per_sec >= 0.95 * .rate * .conns)))
     | max) as $lc
  | [ guide_row("few timers, $N=$\($n0 | nfmt)"; "re-arm"; "ns"; null;
        micro("rearm"; "rto"; $n0)),
      guide_row("many timers, re-armed (TCP), $N=$\($n1 | nfmt)"; "re-arm"; "ns"; null;
        micro("rearm"; "rto"; $n1)),
      guide_row("many timers that fire, $N=$\($e1 | nfmt)"; "expiry/fired"; "ns"; null;
        micro("expire"; "spread1s"; $e1)),
      (if $q then guide_row("a bounded tick, $N=$\($tn | nfmt)"; "\($q[2]) tick"; "ns"; null;
         [$tt[] | {b: .impl, v: .ns[$q[0]]}]) else empty end),
      (if $sc then guide_row("sustained load, \($sc | nfmt) conn., \($st) thr."; "ops/s"; "ops/s";
         "1 run"; [$sw[] | select(.conns == $sc) | {b: .backend, v: .ops_per_sec}]) else empty end),
      (if $lc then guide_row("lateness, \($lc | nfmt) conn., \($st) thr."; "p99 lateness"; "ns";
         "1 run"; [$sw[] | select(.conns == $lc) | {b: .backend, v: .lateness_ns.p99}]) else empty end),
      (if $bn then guide_row("memory, $N=$\($bn | nfmt)"; "bytes/timer"; "B"; null;
         [$by[] | select(.level == "backend" and .n == $bn) | {b: .name, v: .bytes_per_timer}]) else empty end) ]
  | map(select((.entries | length) > 0));
