# extract.jq - the figures' data, from a run's JSON files (jq 1.6 module,
# used by plots/extract.sh).  Each figure's data is a "set":
#   {name, note, series: [{title, color, dt, pt, points: [[x, y, ...]]}]}
# which extract.sh writes as NAME.dat (one block per series, in order) and
# NAME.inc (gnuplot variables: NAME_n, NAME_title[], NAME_color[], ...).
# Nothing here makes a number up: a point the files lack is left out.

# ------------------------------------------------------------ style
# One colour per structure or library in every figure (Okabe-Ito), a dash
# type per level: api solid, backend dashed, floor dotted, read floor
# dash-dotted.
def color_of($impl):
  {list: "#CC79A7", wheel: "#0072B2", heap: "#D55E00", heap4: "#8B2500",
   hierarchical: "#009E73", libev: "#E69F00", libevent: "#56B4E9", libuv: "#8C564B", dpdk: "#7F7F7F",
   rec64: "#000000"}[$impl] // "#17BECF";
def dt_of($level): {api: 1, backend: 2, peer: 1, floor: 3, readfloor: 4}[$level] // 1;
def pt_of($level): {api: 7, backend: 6, peer: 5, floor: 2, readfloor: 4}[$level] // 1;
def level_rank($level): {api: 0, backend: 1, peer: 2, floor: 3, readfloor: 4}[$level] // 5;
# Backends in the order of the paper (scheme 2, 6, 7, 3 binary and 4-ary),
# then the peers.
def impl_rank($impl):
  {list: 0, wheel: 1, hierarchical: 2, heap: 3, heap4: 4, libev: 5, libevent: 6,
   libuv: 7, dpdk: 8, rec64: 9}[$impl] // 10;

def series($level; $impl; $title; $points):
  {title: $title, color: color_of($impl), dt: dt_of($level), pt: pt_of($level),
   points: $points};

# ------------------------------------------------------------ micro
def level_title($level; $impl):
  if $level == "floor" then "floor: random 64-B record store"
  elif $level == "readfloor" then "read floor: random 64-B record read + store"
  else "\($level)/\($impl)" end;

# Cost vs N of one case and distribution, every level; $f: ns or per_fired.
def micro_vs_n($rows; $case; $dist; $f):
  [ $rows[] | select(.case == $case and .dist == $dist and .[$f] != null) ]
  | group_by([level_rank(.level), impl_rank(.impl), .impl, .level])
  | map(.[0] as $r
        | series($r.level; $r.impl; level_title($r.level; $r.impl);
                 (sort_by(.n) | map([.n, .[$f]]))));

# ------------------------------------------------------------ nines
# The percentile-spectrum x axis: x = -log10(1 - p), so 90% is 1, 99% is 2,
# 99.9% is 3; a maximum over `count` samples sits at log10(count).
def nines($p): if $p >= 1 then null else -((1 - $p) | log10) end;
def nines_max($count): if $count > 1 then ($count | log10) else null end;

# Percentile points of a loadgen histogram object {count, p50, p90, p99,
# p999, max}: [[nines, ns]], the keys it has.
# A percentile finer than 1/count is the maximum itself: left out.
def pct_points($h):
  (nines_max($h.count // 0)) as $top
  | [ ([0.5, "p50"], [0.9, "p90"], [0.99, "p99"], [0.999, "p999"]) as [$p, $k]
      | select($h[$k] != null and ($top == null or nines($p) < $top))
      | [nines($p), $h[$k]] ]
    + (if $h.max != null and $top != null then [[$top, $h.max]] else [] end);

# ------------------------------------------------------------ loadgen
def good_runs: map(select(. != null and .ok != false));

# The configuration the per-backend figures show: one thread, sync drain,
# the default precision, at the most connections every backend ran.
def rep_conns($runs):
  ([$runs[].backend] | unique) as $bs
  | [ $runs[] | select(.threads == 1 and (.drain // "sync") == "sync") ]
  | group_by(.conns)
  | map(select(([.[].backend] | unique) == $bs) | .[0].conns)
  | max // ([$runs[].conns] | max);

def rep_run($runs; $b; $conns):
  first($runs[] | select(.backend == $b and .conns == $conns and .threads == 1
                         and (.drain // "sync") == "sync")) // null;

# The connection counts of the one-thread, sync-drain runs, in order.
def panel_conns($runs):
  [ $runs[] | select(.threads == 1 and (.drain // "sync") == "sync") | .conns ] | unique;

def backends_of($runs): [$runs[].backend] | unique | sort_by(impl_rank(.));

def sci: if . == null then "?" else
  (log10 | floor) as $e | if (. == pow(10; $e)) then "1e\($e)" else tostring end end;

# Lateness: the run's lateness_cdf when it has one ([[ns, p], ...], p the
# share of firings at most ns late), else its percentiles.
def lateness_points($r):
  (nines_max($r.lateness_ns.count // 0)) as $top
  | if ($r.lateness_cdf | type) == "array" and ($r.lateness_cdf | length) > 0 then
      [ $r.lateness_cdf[] | (if type == "array" then {ns: .[0], p: .[1]} else . end)
        | select(.p < 1 and .p > 0 and ($top == null or nines(.p) < $top))
        | [nines(.p), .ns] ]
      + (if $r.lateness_ns.max != null and $top != null
         then [[$top, $r.lateness_ns.max]] else [] end)
    else pct_points($r.lateness_ns // {}) end;
