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

# The floor a run measured: rec64, or recR when its timers sat in R-byte
# records (micro_bench --record_bytes); "rec64" when the rows have none.
def floor_name($rows):
  first($rows[] | select(.level == "floor") | .impl) // "rec64";

# The goal's three ratios for backend $b in the rows of one process (a
# micro.json, or one run of goal.json) at N = $n, each measured side by
# side in that process: re-arm through the API over libev's and over the
# floor's, expiry per fired timer over libev's; null where a case is
# missing.
def goal_ratio_set($rows; $n; $b):
  def at($c; $l; $i; $d):
    first($rows[] | select(.case == $c and .level == $l and .impl == $i
                           and .dist == $d and .n == $n)
          | if $c == "expire" then .per_fired else .ns end) // null;
  def over($x; $y): if $x != null and $y != null and $y > 0 then $x / $y else null end;
  { rearm_libev: over(at("rearm"; "api"; $b; "rto"); at("rearm"; "peer"; "libev"; "rto")),
    rearm_floor: over(at("rearm"; "api"; $b; "rto");
                      at("rearm"; "floor"; floor_name($rows); "rto")),
    expire_libev: over(at("expire"; "api"; $b; "spread1s");
                       at("expire"; "peer"; "libev"; "spread1s")) };

# goal.json (bench/micro/layouts.sh): the goal's cases in several
# processes.  goal_rows: one row list (micro_rows) per process.
def goal_rows($metric): [.runs[] | {benchmarks} | micro_rows($metric)];

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
  | [goal_rows($metric)[] as $rows | goal_ratio_set($rows; $n; $b)] as $sets
  | { rearm_libev: ([$sets[].rearm_libev] | spread),
      rearm_floor: ([$sets[].rearm_floor] | spread),
      expire_libev: ([$sets[].expire_libev] | spread) };

# Input goal.json: the backends it measured through the API, those of
# $order first and in its order, then the others by name.
def goal_backends($metric; $order):
  ([goal_rows($metric)[][] | select(.level == "api") | .impl] | unique) as $seen
  | ($order | map(select(. as $b | $seen | index($b))))
    + ($seen | map(select(. as $b | $order | index($b) | not)));

# {med, lo, hi} as "med [lo, hi]"; null: n/a.
def spread_fmt: if . == null then "n/a" else "\(.med | fmt) [\(.lo | fmt), \(.hi | fmt)]" end;

# The same for a goal's ratio, whose median gets the digits that tell when
# fmt would round it onto the goal $t without it being $t (0.5002 against
# 0.5: missed, though fmt prints 0.5).
def goal_fmt($t):
  if . == null then "n/a"
  elif . != $t and fmt == ($t | fmt) then (. * 10000 | round) / 10000 | tostring
  else fmt end;
def goal_spread_fmt($t):
  if . == null then "n/a" else "\(.med | goal_fmt($t)) [\(.lo | fmt), \(.hi | fmt)]" end;

# Input goal.json, with $w the window.json of the same run (micro_window:
# a bare read-compare-store costs t0_ns at the goal's N, plus
# ns_per_instruction for each instruction behind it): how many
# instructions the goal's 3x the floor leaves on top of that read, and how
# many each backend's re-arm through the API costs, (ns - t0) / s, from the
# medians of ns over the processes.  null where a number is missing.
def window_budget($w; $metric; $backends):
  $w.fit as $f
  | .context.goal_n as $n
  | goal_rows($metric) as $per
  | def med($l; $i):
      [$per[][] | select(.case == "rearm" and .level == $l and .impl == $i
                         and .dist == "rto" and .n == $n) | .ns] | spread
      | if . == null then null else .med end;
    def instructions($ns):
      if $ns == null or ($f.ns_per_instruction // 0) <= 0 then null
      else ($ns - $f.t0_ns) / $f.ns_per_instruction end;
    (med("floor"; floor_name($per[0] // [])) | if . == null then null else 3 * . end) as $budget
  | { budget: $budget, allowed: instructions($budget),
      api: [goal_backends($metric; $backends)[] as $b | med("api"; $b) as $ns
            | {backend: $b, ns: $ns, instructions: instructions($ns)}] };

# Input goal.json: per process, its cases at the goal's N as one object,
# "case/level/impl": ns (expiry: per fired timer).  For the allocator
# control, whose ratios are taken between paired processes.
def goal_case_values($metric):
  .context.goal_n as $n
  | [goal_rows($metric)[]
     | map(select(.n == $n)
           | {key: "\(.case)/\(.level)/\(.impl)",
              value: (if .case == "expire" then .per_fired else .ns end)})
     | from_entries];

# Input goal.json: every case's median over the processes at the goal's N,
# in ns (expiry: per fired timer), as [{name: "case/level/impl", ns}] in
# the order first seen.  For the allocator control, which compares these
# between two builds.
def goal_case_medians($metric):
  goal_case_values($metric) as $per
  | [$per[] | keys_unsorted[]] | reduce .[] as $k ([]; if index([$k]) then . else . + [$k] end)
  | map(. as $k | {name: $k,
                   ns: ([$per[][$k]] | spread | if . == null then null else .med end)});

# The allocator control's goal cases: input goal-jemalloc.json, $alt the
# goal-glibc.json whose run K ran next to run K of the input (its pair).  Per case
# (in the input's order): both medians and the spread of alt / main taken
# in each pair, [{name, main, alt, ratio}].
def control_cases($alt; $metric):
  goal_case_medians($metric) as $main_meds
  | ($alt | goal_case_medians($metric)) as $alt_meds
  | goal_case_values($metric) as $mv
  | ($alt | goal_case_values($metric)) as $av
  | [$main_meds[] as $c
     | {name: $c.name, main: $c.ns,
        alt: (first($alt_meds[] | select(.name == $c.name)) // {}).ns,
        ratio: [range(0; [($mv | length), ($av | length)] | min) as $k
                | $mv[$k][$c.name] as $a | $av[$k][$c.name] as $b
                | if $a == null or $b == null or $a == 0 then null else $b / $a end]
               | spread}];

# The allocator control's load runs: $main and $alt the runs of
# loadgen/control-jemalloc/ and control-glibc/ (scripts/results_json.sh's
# json_runs: each with its run_file); a run's pair is the other build's
# run of the same file name.  Per configuration (backend, threads, conns,
# drain) of $alt: both medians of ops/s and the spread of alt / main taken
# in each pair, [{backend, threads, conns, drain, main, alt, ratio, pairs}]
# (pairs: how many ratios).  Runs that report ok=false are left out.
def control_loads($main; $alt):
  def config: [.backend, .threads, .conns, (.drain // "sync")];
  def med: spread | if . == null then null else .med end;
  [$main[] | select(.ok != false)] as $m_all
  | [$alt[] | select(.ok != false)] | group_by(config)
  | map(. as $runs | ($runs[0] | config) as $k
        | [$m_all[] | select(config == $k)] as $m
        | {backend: $k[0], threads: $k[1], conns: $k[2], drain: $k[3],
           main: ([$m[].ops_per_sec] | med), alt: ([$runs[].ops_per_sec] | med),
           ratio: [$runs[] | .run_file as $f | .ops_per_sec as $b
                   | (first($m[] | select(.run_file == $f)) // {}).ops_per_sec as $a
                   | if $a == null or $b == null or $a == 0 then null else $b / $a end]
                  | map(select(. != null))}
        | .pairs = (.ratio | length) | .ratio |= spread);
