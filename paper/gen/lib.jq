# lib.jq - reading a results folder for the paper: the micro rows, number
# formatting for LaTeX, and the comparisons every claim of the paper rests
# on.  Input of every entry point (see gen.sh): one object
#   {meta, micro, bytes, ticks, sweep: [runs], precision: [runs], goal,
#    goalrec, window, goaljem, goalglibc, controljem: [runs],
#    controlglibc: [runs]}
# where a missing file is null (a missing loadgen folder: []).

# ---------------------------------------------------------------- LaTeX

def esc:
  tostring | split("") | map(
    if . == "\\" then "\\textbackslash{}"
    elif . == "{" or . == "}" or . == "_" or . == "%" or . == "&"
      or . == "#" or . == "$" then "\\" + .
    elif . == "^" then "\\^{}"
    elif . == "~" then "\\~{}"
    else . end) | add // "";

# Digits in groups of three, thin spaces between: 1\,234\,567.
def grp:
  tostring | if test("^[0-9]{5,}$") then
    (length % 3) as $h
    | [(if $h > 0 then .[0:$h] else empty end),
       (range($h; length; 3) as $i | .[$i:$i + 3])] | join("\\,")
  else . end;

# Three significant digits, at most; integers from 100 on.
# A small count in words ("five"); digits past ten.
def numword: ["none", "one", "two", "three", "four", "five", "six", "seven",
  "eight", "nine", "ten"][.] // tostring;

def sig:
  if . == null or (type != "number") then null
  elif (. | fabs) >= 100 then (round | tostring | grp)
  elif (. | fabs) >= 10 then ((. * 10 | round) / 10 | tostring)
  elif (. | fabs) >= 1 then ((. * 100 | round) / 100 | tostring)
  elif . == 0 then "0"
  else ((. * 1000 | round) / 1000 | tostring) end;

# A time in ns with its unit.
def tns:
  if . == null then null
  elif . < 1e3 then "\(sig)\\,ns"
  elif . < 1e6 then "\(. / 1e3 | sig)\\,\\textmu s"
  elif . < 1e9 then "\(. / 1e6 | sig)\\,ms"
  else "\(. / 1e9 | sig)\\,s" end;

# N: a power of ten as 10^k, else grouped digits (math mode).
def nfmt:
  if . == null then null
  else (. | log10 | round) as $k
    | if (pow(10; $k) == .) and $k >= 2 then "$10^{\($k)}$"
      else "$\(round | tostring | grp)$" end end;

def pct: if . == null then null else "\(. * 100 | sig)\\,\\%" end;
def times: if . == null then null else "\(sig)$\\times$" end;

# --------------------------------------------------------------- micro

def micro_rows:
  (.micro.benchmarks // []) as $b
  | ($b | any(.aggregate_name == "median")) as $med
  # The coefficient of variation of each case's repetitions, by name.
  | ([ $b[] | select(.aggregate_name == "cv") | {key: .run_name, value: .real_time} ]
     | from_entries) as $cv
  | [ $b[]
      | select((.error_occurred // false) | not)
      | select(if $med then .aggregate_name == "median"
               else .run_type == "iteration" end)
      | (.run_name | sub("/manual_time$"; "") | split("/")) as $p
      | (.real_time * ({"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[.time_unit]))
        as $ns
      | { case: $p[0], level: $p[1], impl: $p[2], dist: $p[3],
          n: ($p[4] | tonumber), ns: $ns, cv: ($cv[.run_name] // null),
          per_fired: (if (.fired // 0) > 0 then $ns / .fired else null end) } ];

# The coefficients of variation of the repetitions (Google Benchmark's cv
# aggregate), as fractions.
def micro_cvs:
  [ (.micro.benchmarks // [])[]
    | select(.aggregate_name == "cv" and ((.error_occurred // false) | not))
    | .real_time ];

# What one iteration costs: per fired timer for expiry, else per iteration.
def value($case): if $case == "expire" then .per_fired else .ns end;

# [[n, value], ...] of one implementation, by n.
def series($rows; $case; $level; $impl; $dist):
  [ $rows[] | select(.case == $case and .level == $level and .impl == $impl
                     and .dist == $dist)
    | [.n, value($case), .cv] | select(.[1] != null) ] | sort_by(.[0]);

def at($s; $n): first($s[] | select(.[0] == $n) | .[1]) // null;

def impls($rows; $case; $level; $dist):
  [ $rows[] | select(.case == $case and .level == $level and .dist == $dist)
    | .impl ] | unique;

# Backends in the order the run lists them (meta, micro context), else by name.
def backend_order($rows):
  ((.meta.loadgen.backends // (.micro.context.backends // "" | split(" ")))
   | map(select(length > 0))) as $o
  | ([$rows[] | select(.level == "api") | .impl] | unique) as $seen
  | ($o | map(select(. as $b | $seen | index($b) != null))) as $k
  | if ($k | length) > 0 then $k + ($seen - $k) else $seen end;

# ------------------------------------------------------------ growth

# V&L's class of an operation: what a structure's cost per operation does
# as N grows.  The expectation of each backend is the paper's Table 1.
def expected($case; $impl):
  { rearm: {list: "n", wheel: "1", hierarchical: "1", heap: "log", heap4: "log"},
    expire: {list: "1", wheel: "1", hierarchical: "1", heap: "log", heap4: "log"} }
  [$case][$impl] // null;

def class_name: {"1": "$O(1)$", "log": "$O(\\log n)$", "n": "$O(n)$"}[.];

# Growth of a series from its first N to its last, in units of $floor's
# growth (values.jq, growth_unit: the read floor, a random 64-byte record
# read, compared and stored, measured side by side at the same N): V&L
# count steps, and a step's cost itself grows with N as the working set
# leaves the caches, which the unit's growth over the same N shows.
# The class whose predicted growth is nearest the floor-normalised growth
# (in log scale) is the measured class.  The noise factor is that of the
# four medians involved, (1 + cv) each (1 without repetitions); when the
# expected class is nearer or farther than the next one by less than its
# log, the measurement does not decide.
def growth($s; $floor):
  if ($s | length) < 2 then null
  else ($s[0][0]) as $n0 | ($s[-1][0]) as $n1
    | ($s[-1][1] / $s[0][1]) as $g
    | ([$floor[] | select(.[0] == $n0)] | first // null) as $f0
    | ([$floor[] | select(.[0] == $n1)] | first // null) as $f1
    | (if $f0 != null and $f1 != null and $f0[1] > 0 then $f1[1] / $f0[1] else null end) as $gf
    | ($g / ($gf // 1)) as $gn
    | ((1 + ($s[0][2] // 0)) * (1 + ($s[-1][2] // 0))
       * (1 + ($f0[2] // 0)) * (1 + ($f1[2] // 0))) as $k
    | {"1": 1, "log": (($n1 | log) / ($n0 | log)), "n": ($n1 / $n0)} as $pred
    | [ $pred | to_entries[] | {k: .key, d: ((($gn | log) - (.value | log)) | fabs)} ]
      as $dist
    | { n0: $n0, n1: $n1, g: $g, floor: $gf, gn: $gn, k: $k, pred: $pred,
        dist: ($dist | map({key: .k, value: .d}) | from_entries),
        class: ($dist | min_by(.d) | .k) }
  end;

# "holds", "does not hold", with "(within noise)" when the noise could
# have made the other answer.
def claim($g; $e):
  if $g == null or $e == null then null
  else
    ($g.dist | to_entries | map({k: .key, d: .value})) as $d
    | ($d | map(select(.k == $e)) | .[0].d) as $de
    | ($d | map(select(.k != $e)) | min_by(.d) | .d) as $do
    | (if $g.class == $e then "holds" else "does not hold" end)
      + (if (($de - $do) | fabs) < ($g.k | log) then " (within noise)" else "" end)
  end;

# ---------------------------------------------------------- crossover

# Where impl $a becomes cheaper than impl $b (ratio a/b below 1) and stays
# so, over the N both have; log-linear interpolation between the two
# measured N around the crossing.  Each point's `tie`: the ratio is within
# the noise of 1, (1 + cv_a)(1 + cv_b) either way.
def crossover($sa; $sb):
  [ $sa[] | . as $p | (first($sb[] | select(.[0] == $p[0])) // null) as $q
    | select($q != null and $q[1] > 0)
    | ($p[1] / $q[1]) as $ratio
    | {n: $p[0], r: $ratio,
       tie: (($ratio | log | fabs) < ((1 + ($p[2] // 0)) * (1 + ($q[2] // 0)) | log))} ] as $r
  | if ($r | length) == 0 then {kind: "none"}
    elif all($r[]; .r < 1) then {kind: "always", r: $r}
    elif all($r[]; .r >= 1) then {kind: "never", r: $r}
    else
      ([range(0; $r | length) | select($r[.].r < 1 and all($r[.:][]; .r < 1))] | first // null) as $i
      | if $i == null then {kind: "ends_above", r: $r}
        elif $i == 0 then {kind: "always", r: $r}
        else ($r[$i - 1]) as $lo | ($r[$i]) as $hi
          | (($lo.n | log) + (0 - ($lo.r | log)) * (($hi.n | log) - ($lo.n | log))
             / (($hi.r | log) - ($lo.r | log)) | exp) as $x
          | {kind: (if all($r[:$i][]; .r >= 1) then "once" else "noisy" end),
             lo: $lo.n, hi: $hi.n, at: $x, r: $r}
        end
    end;

# --------------------------------------------------------------- loadgen

def good: map(select(.ok != false));

def frac: if . == "exact" or . == "0" then 0
  elif test("^1/[0-9]+$") then 1 / (.[2:] | tonumber) else null end;
