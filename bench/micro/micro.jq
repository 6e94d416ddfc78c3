# micro.jq - reading micro.json (Google Benchmark JSON from bench/micro),
# shared by bench/micro/report.sh, scripts/summary.sh and plots/extract.jq
# (jq 1.6 module: `jq -L bench/micro 'include "micro"; ...'`).
#
# Case names are case/level/impl/dist/N/manual_time (bench/micro/cases.c).

# A row's time per iteration in ns: wall time, or the thread CPU time the
# shim records as run_cpu (seconds) when $metric is "cpu".
def to_ns($metric):
  if $metric == "cpu"
  then (if .run_cpu == null then null else .run_cpu * 1e9 end)
  else .real_time * ({"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[.time_unit]) end;

# One row per case/level/impl/dist/N: the median of the repetitions (or the
# single run of a QUICK run); per_fired for the expire cases.
def micro_rows($metric):
  (.benchmarks // []) as $b
  | ($b | any(.aggregate_name == "median")) as $medians
  | [ $b[]
      | select((.error_occurred // false) | not)
      | select(if $medians then .aggregate_name == "median"
               else .run_type == "iteration" end)
      | (.run_name | sub("/manual_time$"; "") | split("/")) as $p
      | to_ns($metric) as $ns
      | { case: $p[0], level: $p[1], impl: $p[2], dist: $p[3],
          n: ($p[4] | tonumber), ns: $ns,
          per_fired: (if .fired and .fired > 0 and $ns != null
                      then $ns / .fired else null end) } ];

# Text columns.
def lpad($w): tostring | ($w - length) as $k
    | (if $k > 0 then " " * $k else "" end) + .;
def rpad($w): tostring | ($w - length) as $k
    | . + (if $k > 0 then " " * $k else "" end);
# A number in three significant digits or so; null: n/a.
def fmt: if . == null then "n/a"
    elif . >= 100 then round | tostring
    elif . >= 10 then (. * 10 | round) / 10 | tostring
    else (. * 100 | round) / 100 | tostring end;

# goal.json (bench/micro/layouts.sh): the goal's cases in several
# processes.  goal_rows: one row list (micro_rows) per process.
def goal_rows($metric): [.runs[] | {benchmarks} | micro_rows($metric)];

# A row of one process's rows, at the goal's N.
def goal_get($rows; $n; $c; $l; $i; $d):
  first($rows[] | select(.case == $c and .level == $l and .impl == $i
                         and .dist == $d and .n == $n)) // null;

# A list of numbers (nulls dropped) as {med, lo, hi}, or null when empty.
def spread: map(select(. != null)) | sort
  | if length == 0 then null
    else {med: (if length % 2 == 1 then .[(length - 1) / 2]
                else (.[length / 2 - 1] + .[length / 2]) / 2 end),
          lo: .[0], hi: .[-1]} end;

# Input goal.json: backend $b's three goal ratios, each the spread over the
# processes of the ratio that process measured side by side.
def goal_ratios($metric; $b):
  .context.goal_n as $n
  | goal_rows($metric) as $per
  | def r($c; $d; $ni; $di; f):
      [$per[] as $rows
       | (goal_get($rows; $n; $c; "api"; $b; $d) | if . == null then null else f end) as $x
       | (goal_get($rows; $n; $c; $ni; $di; $d) | if . == null then null else f end) as $y
       | if $x != null and $y != null and $y > 0 then $x / $y else null end] | spread;
    { rearm_libev: r("rearm"; "rto"; "peer"; "libev"; .ns),
      rearm_floor: r("rearm"; "rto"; "floor"; "rec64"; .ns),
      expire_libev: r("expire"; "spread1s"; "peer"; "libev"; .per_fired) };

# {med, lo, hi} as "med [lo, hi]"; null: n/a.
def spread_fmt: if . == null then "n/a" else "\(.med | fmt) [\(.lo | fmt), \(.hi | fmt)]" end;
