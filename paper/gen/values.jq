# values.jq - every number and every data-dependent sentence the paper's
# prose quotes, as one object {key: LaTeX text or null}.  gen.sh writes it
# as \valdef{key}{text} lines; the .tex reads them with \val{key}.  null
# prints as "not measured" (paper/calloutlab.tex: \notmeasured).

include "lib";
include "guide";
import "micro" as micro;

def yesno($b): if $b == null then null elif $b then "holds" else "does not hold" end;

# The backends' display names in prose.
def tt: "\\texttt{\(esc)}";

# The unit of growth: the read floor (a read, a compare and a store of a
# random record: one step of any structure here at that N), or, in runs
# made before it existed, the floor (a store alone).
def growth_unit($rows):
  series($rows; "rearm"; "readfloor"; "rec64"; "rto") as $r
  | if ($r | length) >= 2 then {name: "read floor", s: $r}
    else {name: "floor", s: series($rows; "rearm"; "floor"; "rec64"; "rto")} end;

# Growth facts of one case at the api level, per backend.
def growth_values($rows; $case; $dist; $key):
  growth_unit($rows).s as $floor
  | [ backend_order($rows)[] as $b
      | series($rows; $case; "api"; $b; $dist) as $s
      | growth($s; $floor) as $g
      | expected($case; $b) as $e
      | select($g != null)
      | { ("\($key).\($b).n0"): ($g.n0 | nfmt),
          ("\($key).\($b).n1"): ($g.n1 | nfmt),
          ("\($key).\($b).v0"): (at($s; $g.n0) | tns),
          ("\($key).\($b).v1"): (at($s; $g.n1) | tns),
          ("\($key).\($b).growth"): ($g.g | times),
          ("\($key).\($b).floorgrowth"): ($g.floor | times),
          ("\($key).\($b).class"): ($g.class | class_name),
          ("\($key).\($b).normgrowth"): ($g.gn | times),
          ("\($key).\($b).expected"): (if $e then ($e | class_name) else null end),
          ("\($key).\($b).noise"): ($g.k | times),
          ("\($key).\($b).verdict"): claim($g; $e) } ]
  | add // {};

# The growth claims in one sentence per case.
def growth_sentence($rows; $case; $dist):
  growth_unit($rows).s as $floor
  | [ backend_order($rows)[] as $b
      | series($rows; $case; "api"; $b; $dist) as $s
      | growth($s; $floor) as $g
      | expected($case; $b) as $e
      | select($g != null and $e != null)
      | {b: $b, e: $e, g: $g, v: claim($g; $e)} ] as $v
  | if ($v | length) == 0 then null
    else
      def names: map(.b | tt) | join(", ");
      ($v | map(select(.v == "holds"))) as $firm
      | ($v | map(select(.v | startswith("holds ")))) as $soft
      | ($v | map(select(.v | startswith("does not hold")))) as $no
      | [ (if ($firm | length) > 0 then "the claim holds for \($firm | names)" else empty end),
          (if ($soft | length) > 0 then "it holds only within the noise for \($soft | names)" else empty end),
          (if ($no | length) > 0 then "it does not hold for " + ($no | map("\(.b | tt) (nearest \(.g.class | class_name), expected \(.e | class_name)\(if .v | endswith("(within noise)") then ", within the noise" else "" end))") | join(", ")) else empty end) ]
      | join("; ") + "."
    end;

def cross_sentence($rows; $case; $dist; $what):
  series($rows; $case; "api"; "wheel"; $dist) as $w
  | series($rows; $case; "api"; "heap"; $dist) as $h
  | crossover($w; $h) as $x
  | ($x.r // []) as $r
  | ($r | map(select(.tie)) | length) as $ties
  | (if $ties == 0 or $ties == ($r | length) then ""
     else " At \($ties) of the \($r | length) sizes the two are within the noise of each other\(if $r[-1].tie then ", the largest among them" else "" end)." end) as $noise
  | if $x.kind == "none" then null
    elif $ties == ($r | length) then
      "The wheel's and the heap's \($what) are within the noise of each other at every $N$ measured, from \($r[0].n | nfmt) to \($r[-1].n | nfmt) (wheel/heap from \($r | map(.r) | min | sig) to \($r | map(.r) | max | sig)): the data do not tell the $O(1)$ wheel from the $O(\\log n)$ heap here."
    elif $x.kind == "always" then
      "The wheel's median \($what) is below the heap's at every $N$ measured, from \($r[0].n | nfmt) to \($r[-1].n | nfmt) (wheel/heap from \($r | map(.r) | min | sig) to \($r | map(.r) | max | sig)): there is no crossover to find in this range; the wheel is already ahead at the smallest $N$." + $noise
    elif $x.kind == "never" then
      "The heap's \($what) stays cheaper than the wheel's over the whole measured range, \($r[0].n | nfmt) to \($r[-1].n | nfmt) (wheel/heap from \($r | map(.r) | min | sig) to \($r | map(.r) | max | sig)): the $O(1)$ wheel does not overtake the $O(\\log n)$ heap here." + $noise
    elif $x.kind == "ends_above" then
      "The wheel's and the heap's \($what) cross back and forth, and at the largest $N$, \($r[-1].n | nfmt), \(if $r[-1].tie then "they are level within the noise" else "the heap is the cheaper" end) (wheel/heap \($r[-1].r | sig)): no stable crossover in the measured range." + $noise
    else
      "The wheel's \($what) overtakes the heap's between $N=$\($x.lo | nfmt) and $N=$\($x.hi | nfmt) (interpolated: $N\\approx$\($x.at | nfmt)) and stays cheaper up to \($r[-1].n | nfmt) (wheel/heap \($r[-1].r | sig) there)"
      + (if $x.kind == "noisy" then "; below that the ratio crosses 1 more than once, which is noise at these sizes." else "." end)
      + $noise
    end;

def cross_verdict($rows; $case; $dist):
  crossover(series($rows; $case; "api"; "wheel"; $dist);
            series($rows; $case; "api"; "heap"; $dist)) as $x
  | if $x.kind == "none" then null
    elif all($x.r[]; .tie) then "within noise at every $N$"
    else
      (if ($x.kind == "always" or $x.kind == "once" or $x.kind == "noisy") then "holds"
       else "does not hold" end)
      + (if $x.r[-1].tie then " (within noise at the largest $N$)" else "" end)
    end;

def ntimes: if . == 0 then "never" elif . == 1 then "once" else "\(.) times" end;

# The tick tail at the largest N of tick_busy, api level.  A tick the
# scheduler interrupted is slow for its own reasons: `preempted` counts the
# involuntary context switches while an implementation was measured, so at
# most that many of its slowest ticks are the scheduler's.  The tail is
# read at the highest percentile that has more ticks above it than either
# wheel was preempted (99.9th, 99th or 90th); if none has, it is not read.
def tail_values:
  (.ticks.ticks // []) as $tk
  | ([$tk[] | select(.case == "tick_busy" and .level == "api") | .n] | max) as $n
  | if $n == null then {} else
    [ $tk[] | select(.case == "tick_busy" and .level == "api" and .n == $n) ] as $t
    | def get($b): first($t[] | select(.impl == $b)) // null;
      get("wheel") as $w | get("hierarchical") as $h | get("heap") as $hp
    | ([$w.preempted // 0, $h.preempted // 0] | max) as $pre
    | ([["p999", 0.001, "99.9th"], ["p99", 0.01, "99th"], ["p90", 0.1, "90th"]]
       | map(select(($t[0].ticks // 0) * .[1] > $pre)) | first // null) as $q
    | (if $pre == 0 then " (the wheels were never preempted while measured)"
       else " (the highest with more ticks above it than the \($pre) times the wheels were preempted)" end) as $readat
    | (if $w and $h and $q then
         {h: ($h.ns[$q[0]] / $h.ns.p50), w: ($w.ns[$q[0]] / $w.ns.p50)} else null end) as $r
    | { "tail.n": ($n | nfmt),
        "tail.ticks": ($t[0].ticks | tostring | grp),
        "tail.fired": ($t[0].fired_per_tick | sig),
        "tail.preempted": ([$t[].preempted] | add | tostring),
        "tail.wheel.p50": ($w.ns.p50 | tns), "tail.wheel.p999": ($w.ns.p999 | tns),
        "tail.wheel.max": ($w.ns.max | tns),
        "tail.hier.p50": ($h.ns.p50 | tns), "tail.hier.p999": ($h.ns.p999 | tns),
        "tail.hier.max": ($h.ns.max | tns),
        "tail.heap.p50": ($hp.ns.p50 | tns), "tail.heap.p999": ($hp.ns.p999 | tns),
        "tail.pct": ($q[2] // null),
        "tail.hier.ratio": ($r.h // null | if . then times else null end),
        "tail.wheel.ratio": ($r.w // null | if . then times else null end),
        "tail.verdict": (if $w and $h then
            (if $r == null then "not decided (preempted)" else yesno($r.h > $r.w) end)
          else null end),
        "tail.sentence": (if ($w and $h) | not then null
          elif $r == null then
            "Which wheel has the longer tail cannot be read from this run: the wheels were preempted \($pre | ntimes) while measured, more than a tenth of the \($t[0].ticks) ticks, so even the 90th percentile may be the scheduler's."
          elif $r.h > $r.w then
            "Read at the \($q[2]) percentile\($readat), the hierarchical wheel's slow ticks stand further from its median than the hashed wheel's: \($r.h | times) its median against \($r.w | times). That is the cascades' price: a tick on which a higher level's slot empties moves every callout in it."
          else
            "Read at the \($q[2]) percentile\($readat), the cascades do not show: the hierarchical wheel's tick there is \($r.h | times) its median, the hashed wheel's \($r.w | times). At this $N$ a cascading slot holds few callouts, and moving them costs about what the hashed wheel's sweep of a bucket does."
          end) }
    end;

# Coalescing: the precision runs.
def coalesce_values:
  (.precision // [] | good) as $p
  | if ($p | length) == 0 then {} else
    ([$p[] | .backend] | unique) as $bs
    | [ $bs[] as $b
        | [$p[] | select(.backend == $b) | {f: (.precision | tostring | frac), w: .wakeups_per_sec, l: .lateness_ns.p99, pr: .precision}
           | select(.f != null)] | sort_by(.f) as $r
        | select(($r | length) >= 2)
        | {b: $b, lo: $r[0], hi: $r[-1]} ] as $c
    | ($c | map(select(.lo.w > 0) | 1 - .hi.w / .lo.w)) as $saved
    | ($c | map(select(.hi.w < .lo.w and .hi.l >= .lo.l)) | length) as $trade
    | ($c | min_by(.hi.w)) as $wlo | ($c | max_by(.hi.w)) as $whi
    | { "prec.loosest": ($c[0].hi.pr // null | if . then esc else null end),
        "prec.wmin": (if $wlo then "\($wlo.hi.w | sig) (\($wlo.b | tt))" else null end),
        "prec.wmax": (if $whi then "\($whi.hi.w | sig) (\($whi.b | tt))" else null end),
        "prec.conns": ($p[0].conns | nfmt), "prec.duration": ($p[0].duration_s | sig),
        "prec.exactname": ($c[0].lo.pr // null | if . then esc else null end),
        "prec.savedmin": ($saved | min | pct),
        "prec.savedmax": ($saved | max | pct),
        "prec.nbackends": ($c | length | tostring),
        "prec.ntrade": ($trade | tostring),
        "prec.verdict": (if ($c | length) == 0 then null else yesno($trade == ($c | length)) end),
        "prec.sentence": (if ($c | length) == 0 then null
          elif $trade == ($c | length) then
            "On every backend, loosening the precision from \($c[0].lo.pr | esc) to \($c[0].hi.pr | esc) cut the clock's wake-ups by \(if ($saved | min | pct) == ($saved | max | pct) then ($saved | min | pct) else "\($saved | min | pct) to \($saved | max | pct)" end) and raised the 99th percentile of lateness: calloutng's trade holds."
          else
            "The trade holds on \($trade) of \($c | length) backends: loosening the precision from \($c[0].lo.pr | esc) to \($c[0].hi.pr | esc) changed the wake-ups by \(($saved | min) * -1 | pct) to \(($saved | max) * -1 | pct); where fewer wake-ups did not come with more lateness, or did not come at all, the short runs on a loaded machine are within their noise."
          end) }
    end;

# The peers, at the largest N every one of them ran.
def peer_values($rows):
  ([$rows[] | select(.case == "rearm" and .dist == "rto" and .level == "peer" and .impl == "libev") | .n] | max) as $n
  | if $n == null then {} else
    backend_order($rows) as $bs
    | (at(series($rows; "rearm"; "peer"; "libev"; "rto"); $n)) as $ev
    | ([ $bs[] as $b | at(series($rows; "rearm"; "api"; $b; "rto"); $n) as $v | select($v != null) | {b: $b, v: $v} ] | min_by(.v) // null) as $best
    | ([ $rows[] | select(.case == "rearm" and .dist == "rto" and .level == "peer" and .n == $n) | {p: .impl, v: .ns} ] | min_by(.v) // null) as $bp
    | (at(series($rows; "expire"; "peer"; "libev"; "spread1s"); $n)) as $eev
    | ([ $bs[] as $b | at(series($rows; "expire"; "api"; $b; "spread1s"); $n) as $v | select($v != null) | {b: $b, v: $v} ] | min_by(.v) // null) as $ebest
    | { "peer.n": ($n | nfmt),
        "peer.best": ($best.b // null | if . then tt else null end),
        "peer.bestns": ($best.v | tns),
        "peer.libev": ($ev | tns),
        "peer.ratio": (if $best and $ev then ($best.v / $ev) | sig else null end),
        "peer.goal": (if $best and $ev then yesno($best.v / $ev <= 0.5) else null end),
        "peer.fastest": ($bp.p // null | if . then tt else null end),
        "peer.fastestns": ($bp.v | tns),
        "peer.expbest": ($ebest.b // null | if . then tt else null end),
        "peer.expratio": (if $ebest and $eev then ($ebest.v / $eev) | sig else null end),
        "peer.expgoal": (if $ebest and $eev then yesno($ebest.v / $eev <= 0.5) else null end) }
    end;

# goal.json (bench/micro/layouts.sh): the goal's cases once in each of
# several processes, each with its own stack layout.  Each ratio is taken
# inside one process; the goal's verdicts are on the median over the
# processes, and replace peer_values' single-process ones.
def goal_values:
  (.goal // null) as $g
  | if $g == null then
      {"goal.sentence": "This run has no measurement across process layouts."}
    else
    ($g | micro::goal_backends("wall"; [])) as $bs
    # The backend whose median ratio of that kind is the smallest.
    | def best(k):
        [$bs[] as $b | ($g | micro::goal_ratios("wall"; $b) | k) as $s
         | select($s != null) | {b: $b} + $s] | min_by(.med) // null;
    # The goals one backend meets: true or false for each it has a
    # ratio for.
    def goals_met($s):
        [($s.rearm_libev.med // null | if . then . <= 0.5 else empty end),
         ($s.expire_libev.med // null | if . then . <= 0.5 else empty end),
         ($s.rearm_floor.med // null | if . then . <= 3 else empty end)];
    best(.rearm_libev) as $r
    | best(.expire_libev) as $e
    # The abstract speaks for the backend that meets the most goals, the
    # cheaper re-arm first among equals.
    | ([$bs[] as $b | ($g | micro::goal_ratios("wall"; $b)) as $s
        | select($s.rearm_libev != null)
        | {b: $b, s: $s, met: (goals_met($s) | map(select(.)) | length)}]
       | sort_by(-.met, .s.rearm_libev.med) | .[0] // null) as $top
    | ($top.s.rearm_libev // null) as $tr
    | ($top.s.rearm_floor // null) as $f
    | ($top.s.expire_libev // null) as $re
    | if $r == null or $e == null then
        {"goal.sentence": "The run across process layouts has no libev to compare with."}
      else
      ([($tr.med <= 0.5), (($re // $e).med <= 0.5)] + (if $f then [$f.med <= 3] else [] end)
       | map(select(.)) | length) as $met
      | ((if $f then 3 else 2 end)) as $goals
      # A ratio that would print as its goal without meeting it, or the
      # reverse, gets the digits that tell.
      | def vs($t): if . != $t and (sig == ($t | sig)) then (. * 10000 | round) / 10000 | tostring else sig end;
      { "peer.goal": yesno($r.med <= 0.5),
        "peer.expgoal": yesno($e.med <= 0.5),
        "peer.floorgoal": (if $f then yesno($f.med <= 3) + " (\($f.med | times))" else null end),
        "goal.sentence": "Measured once in each of \($g.runs | length) processes, each with its own stack layout, with each ratio taken inside one process, the fastest re-arm, \($r.b | tt)'s, was \($r.med | sig) times libev's at the median (\($r.lo | sig) to \($r.hi | sig))\(if $f then " and \($f.med | sig) times the floor (\($f.lo | sig) to \($f.hi | sig))" else "" end), and \($e.b | tt)'s expiry \($e.med | sig) times libev's (\($e.lo | sig) to \($e.hi | sig)); the project's goals, half of libev's and 3 times the floor, are judged on these medians. A single process, as in Table~\\ref{tab:peers}, is one draw of the memory layout, and its ratios can differ from these.",
        "goal.abstract": "\($met | numword | ascii_upcase[0:1])\($met | numword | .[1:]) of the project's \($goals | numword) performance goals \(if $met == 1 then "is" else "are" end) met at $N=$\($g.context.goal_n | nfmt): through the full API, \($top.b | tt) re-arms in \($tr.med | vs(0.5)) times libev's time (goal: at most 0.5)\(if $re then " and expires in \($re.med | vs(0.5)) times (at most 0.5)" else "" end)\(if $f then "; its re-arm is \($f.med | vs(3)) times the floor, a bare store to the timer's record (goal: at most 3)\(if $f.med > 3 then ", which, we show, no re-arm that reads its callout can reach on this machine" else "" end)" else "" end)." }
      end
    end;

# goal-records.json (layouts.sh with RECORD_BYTES): the goal's re-arm with
# every timer, and every floor deadline, in a connection-sized record;
# empty when the run has none (older runs).
def goalrec_values:
  (.goalrec // null) as $g
  | if $g == null then {"goalrec.sentence": ""} else
    ($g | micro::goal_backends("wall"; [])) as $bs
    | ([$bs[] as $b | ($g | micro::goal_ratios("wall"; $b)) as $r
        | select($r.rearm_libev != null and $r.rearm_floor != null)
        | {b: $b, l: $r.rearm_libev, f: $r.rearm_floor}] | min_by(.l.med) // null) as $w
    | ([$bs[] as $b | ($g | micro::goal_ratios("wall"; $b)) as $r
        | select($r.rearm_floor != null) | {b: $b, f: $r.rearm_floor}] | min_by(.f.med) // null) as $lf
    | if $w == null then {"goalrec.sentence": ""} else
      {"goalrec.sentence": "With every timer in a \($g.context.record_bytes)-byte record, as a timer embedded in a connection is, and the floor's deadlines in the same records, the fastest re-arm, \($w.b | tt)'s, was \($w.l.med | sig) times libev's (\($w.l.lo | sig) to \($w.l.hi | sig)) and \($w.f.med | sig) times the floor (\($w.f.lo | sig) to \($w.f.hi | sig)), over \($g.runs | length) processes\(if $lf.b != $w.b then "; the lowest ratio to the floor was \($lf.b | tt)'s, \($lf.f.med | sig)" else "" end)."}
      end
    end;

# The allocator control (goal-jemalloc.json, goal-glibc.json and the load
# runs of loadgen/control-*/): glibc's time over jemalloc's on the goal's
# cases, and glibc's operations a second over jemalloc's in the load runs,
# each the median of the ratios taken in each pair; whether their ranges
# contain 1.  Empty when the run has no control (older runs, CONTROL=off).
def control_values:
  (.goaljem // null) as $g | (.goalglibc // null) as $gc
  | if $g == null or $gc == null then {"control.sentence": ""} else
    ($g | micro::control_cases($gc; "wall") | map(select(.ratio != null))) as $cases
    | (micro::control_loads(.controljem // []; .controlglibc // [])
       | map(select(.ratio != null))) as $loads
    | def span: if .lo == .hi then .med | sig else "\(.med | sig) (\(.lo | sig) to \(.hi | sig))" end;
      def has_one: .ratio.lo <= 1 and .ratio.hi >= 1;
      def range_of($xs): ($xs | map(.ratio.med)) as $m
        | if ($m | length) == 0 then null
          elif ($m | min) == ($m | max) then ($m[0] | sig)
          else "\($m | min | sig) to \($m | max | sig)" end;
      ([$cases[] | select(.name | startswith("rearm/api/"))]) as $rearm
    | ([$cases[] | select(.name | startswith("expire/api/"))]) as $expire
    | (first($cases[] | select(.name | startswith("rearm/floor/"))) // null) as $floor
    | ([$cases[] | select(has_one)] | length) as $k
    | ([$loads[] | select(has_one)] | length) as $kl
    | ([$loads[].pairs] | min // 0) as $lp
    | ($g.context.allocator_version // "" | split("-")[0]) as $jv
    # Runs before the order alternated ran jemalloc first in every pair.
    | (if $gc.context.pair_order == "alternating"
       then "each build first in every other pair" else "each right after a jemalloc process" end) as $order
    | (if .meta.control.pair_order == "alternating"
       then "each build first in every other pair" else "each glibc run right after a jemalloc one" end) as $load_order
    | ("Every figure above is with jemalloc\(if $jv == "" then "" else " " + ($jv | esc) end). "
       + "A second build with glibc's malloc (\($gc.context.allocator_version // "" | esc)) ran the goal's cases in \($gc.runs | length) pairs of processes, \($order). "
       + "glibc's time over jemalloc's, the median of the ratios taken in each pair, was \(range_of($rearm) // "not measured") for the backends' re-arms through the API and \(range_of($expire) // "not measured") for their expiry"
       + (if $floor then ", and \($floor.ratio | span) for the floor, which allocates nothing" else "" end)
       + "; the range of the ratios contains 1 in \($k | numword) of the \($cases | length | numword) cases"
       + (if $k == ($cases | length) then ": on these cases the run cannot tell the two allocators apart (no timed loop allocates; the allocator decides only where the timers lie)" else "" end)
       + ".") as $micro_part
    | (if ($loads | length) == 0 then "" else
       " The load generator, which allocates a connection and its timers for every lifecycle, ran each backend at \($loads[0].conns | nfmt) connections in \(if $lp == 1 then "one pair of runs" else "\($lp | numword) pairs of runs" end), \($load_order): "
       + "glibc's operations a second over jemalloc's were " + ([$loads[] | "\(.ratio | span) for \(.backend | tt)"] | join(", ")) + "; "
       + (if $lp < 2 then "a single pair is no result either way"
          else "the range contains 1 for \($kl | numword) of the \($loads | length | numword) backends" end)
       + "." end) as $load_part
    | {"control.sentence": (if ($cases | length) == 0 then "" else $micro_part + $load_part end)}
    end;

# window.json (micro_window) with goal.json: how many instructions behind
# its miss 3x the floor leaves a re-arm, and how many the fastest re-arm
# through the API costs (micro::window_budget); empty when the run lacks
# either file (older runs).
def window_values:
  (.window // null) as $w
  | (.goal // null) as $g
  | if $w == null or $g == null then {"window.sentence": ""} else
    ($g | micro::window_budget($w; "wall"; [])) as $wb
    | ([$wb.api[] | select(.instructions != null)] | min_by(.ns) // null) as $a
    | if $wb.allowed == null or $a == null then {"window.sentence": ""} else
      ($wb.allowed | if . < 1 then "no instruction" else "about \(round) instructions" end) as $left
      | {"window.sentence": "The goal of a re-arm at most 3 times the floor is out of reach on this machine: at $N=$\($w.n | nfmt) a bare read, compare and store of a random record costs \($w.fit.t0_ns | tns), and each instruction a re-arm runs behind that miss \($w.fit.ns_per_instruction | tns) more (the intercept and slope of a line fitted to \\texttt{micro\\_window}'s loops, $r^2 = \($w.fit.r2 | sig)$), so 3 times the floor, \($wb.budget | tns), leaves \($left) on top of that read for the call, the lock and the checks, while \($a.backend | tt)'s re-arm through the API costs as much as \($a.instructions | round) would on that line."}
      end
    end;

def bytes_values:
  (.bytes.bytes // []) as $b
  | ([$b[] | .n] | max) as $n
  | if $n == null then {} else
    [ $b[] | select(.n == $n) ] as $r
    | ($r | map(select(.level == "backend")) | min_by(.bytes_per_timer)) as $lo
    | ($r | map(select(.level == "backend")) | max_by(.bytes_per_timer)) as $hi
    | ($r | map(select(.level == "peer")) | min_by(.bytes_per_timer) // null) as $plo
    | { "bytes.n": ($n | nfmt),
        "bytes.least": ($lo.name | tt), "bytes.leastv": ($lo.bytes_per_timer | sig),
        "bytes.most": ($hi.name | tt), "bytes.mostv": ($hi.bytes_per_timer | sig),
        "bytes.timer": ($lo.timer_bytes | tostring),
        "bytes.peerleast": ($plo.name // null | if . then tt else null end),
        "bytes.peerleastv": ($plo.bytes_per_timer | sig) }
    end;

def load_values:
  (.sweep // [] | good) as $s
  | if ($s | length) == 0 then {} else
    ([$s[].conns] | max) as $c
    | ([$s[] | select(.conns == $c) | .threads] | max) as $t
    | [ $s[] | select(.conns == $c and .threads == $t and (.drain // "sync") == "sync") ] as $r
    | ($r | max_by(.ops_per_sec)) as $top
    | ($r | min_by(.lateness_ns.p99)) as $late
    | { "load.conns": ($c | nfmt), "load.threads": ($t | tostring),
        "load.runs": ($s | length | tostring),
        "load.durations": (([$s[] | {c: .conns, d: .duration_s}] | unique | group_by(.d)
            | sort_by(-.[0].d)
            | map("\(.[0].d | sig)\\,s at \(map(.c) | unique | map(nfmt) | if length > 1 then (.[:-1] | join(", ")) + " and " + .[-1] else .[0] end)")
            | if length > 1 then (.[:-1] | join(", ")) + " and " + .[-1] else .[0] end)
          + " connections"),
        "load.top": ($top.backend | tt), "load.topops": ($top.ops_per_sec | sig),
        "load.offered": (($top.rate // 0) * $c | sig),
        "load.late": ($late.backend | tt), "load.latep99": ($late.lateness_ns.p99 | tns),
        "load.keptup": (
          ([$r[] | select(.rate != null and .ops_per_sec >= 0.95 * .rate * .conns)] | length) as $k
          | if $k == ($r | length) then
              "Every run at that point kept up with its plan (within 5\\,\\% of the offered \((($top.rate // 0) * $c) | sig) operations per second), so throughput is the plan's and tells the backends apart only where one fell behind."
            elif $k == 0 then
              "No run at that point kept up with the offered \((($top.rate // 0) * $c) | sig) operations per second, so throughput there is each backend's capacity on this machine, and latency counted from the planned time grows with the backlog."
            else
              "\($k) of the \($r | length) runs at that point kept up with the offered \((($top.rate // 0) * $c) | sig) operations per second; the others fell behind, and their latency, counted from the planned time, grows with the backlog."
            end),
        "load.elapsedmax": ([$s[].elapsed_s] | max | sig) }
    end;

def run_values($rows):
  (.meta // {}) as $m | (.micro.context // {}) as $ctx
  | ($m.build.tunables // $ctx) as $tu
  | ($tu.CALLOUT_WHEEL_SLOTS // null | if . then tonumber else null end) as $ws
  | ($tu.CALLOUT_WHEEL_TICK_US // null | if . then tonumber else null end) as $wt
  | ($tu.CALLOUT_HIER_LEVELS // null | if . then tonumber else null end) as $hl
  | ($tu.CALLOUT_HIER_SLOT_BITS // null | if . then tonumber else null end) as $hb
  | ($tu.CALLOUT_HIER_TICK_US // null | if . then tonumber else null end) as $ht
  | ([$rows[].n] | unique) as $ns
  | ($ctx.repetitions // null | if . then tonumber else null end) as $reps
  | micro_cvs as $cv
  | { "run.host": ($m.host.name // $ctx.host_name // null | if . then esc else null end),
      "run.cpu": ($m.host.cpu_model // $ctx.cpu_model // null | if . then esc else null end),
      "run.cpus": ($m.host.online_cpus // $ctx.num_cpus // null | if . then tostring else null end),
      "run.kernel": ($m.host.kernel // $ctx.kernel // null | if . then esc else null end),
      "run.os": ($m.host.os // null | if . then esc else null end),
      "run.memgb": ($m.host.mem_total_kb // null | if . then (. / 1048576 | round | tostring) else null end),
      "run.compiler": ($m.build.compiler // $ctx.compiler // null | if . then esc else null end),
      "run.allocator": ($m.build.allocator // $ctx.allocator // null | if . then esc else null end),
      "run.build": ($ctx.build // null | if . then (split(" ") | map(select(startswith("buildtype=") or startswith("optimization="))) | join(", ") | esc) else null end),
      "run.commit": ($m.git.short // ($ctx.git_commit // null | if . then .[0:7] else null end) | if . then esc else null end),
      "run.date": ($m.started // $ctx.run_date // null | if . then esc else null end),
      "run.wall": ($m.wall_s // null | if . then tostring else null end),
      "run.mode": ($m.mode // $ctx.run_mode // null | if . then esc else null end),
      "run.loadstart": ($m.load_avg.start[0] // null | sig),
      "run.loadend": ($m.load_avg.end[0] // null | sig),
      "run.quicknote": (if ($m.mode // $ctx.run_mode) == "QUICK" then
          "\\textbf{This paper was built from a QUICK run} (\\texttt{make bench QUICK=1}): small sizes and single repetitions that check the pipeline, not the structures. Its numbers are not evidence; rebuild it from a full run."
        else "" end),
      "micro.reps": ($reps // null | if . then tostring else null end),
      "micro.mintime": ($ctx.min_time // null | if . then tostring else null end),
      "micro.stat": (if ($reps // 1) > 1 then "the median of \($reps) repetitions" else "a single run (no repetitions, no median)" end),
      "micro.cv": (if ($cv | length) > 0 then ($cv | sort | .[length / 2 | floor]) | pct else null end),
      "micro.cvmax": (if ($cv | length) > 0 then ($cv | max) | pct else null end),
      "micro.clockread": ($ctx.clock_read_ns // null | if . then tonumber | sig else null end),
      "micro.nmin": ($ns | min | nfmt), "micro.nmax": ($ns | max | nfmt),
      "micro.ncount": ($ns | length | tostring),
      "micro.listmax": ([$rows[] | select(.impl == "list" and .case == "rearm") | .n] | max | nfmt),
      "micro.listmaxexp": ([$rows[] | select(.impl == "list" and .case == "expire") | .n] | max | nfmt),
      "micro.cases": ($rows | length | tostring),
      "cfg.wheelslots": ($ws // null | if . then tostring | grp else null end),
      "cfg.wheeltick": ($wt // null | if . then (. / 1000 | sig) else null end),
      "cfg.wheelrev": (if $ws and $wt then ($ws * $wt / 1e6 | sig) else null end),
      "cfg.hierlevels": ($hl // null | if . then tostring else null end),
      "cfg.hierslots": ($hb // null | if . then pow(2; .) | tostring else null end),
      "cfg.hierl0": (if $hb and $ht then (pow(2; $hb) * $ht / 1000 | sig) else null end),
      "cfg.hierrangedays": (if $hb and $hl and $ht then (pow(2; $hb * $hl) * $ht / 1e6 / 86400 | sig) else null end) };

# The growth unit's growth over the widest N range of the re-arm, against
# the log N ratio the heap's bound predicts over the same range; and the
# floor's, when the unit is the read floor.
def floor_values($rows):
  growth_unit($rows) as $u
  | $u.s as $f
  | series($rows; "rearm"; "floor"; "rec64"; "rto") as $st
  | if ($f | length) < 2 then {} else
    ($f[-1][1] / $f[0][1]) as $g
    | (($f[-1][0] | log) / ($f[0][0] | log)) as $l
    | (if $u.name != "floor" and at($st; $f[0][0]) and at($st; $f[-1][0]) then
         at($st; $f[-1][0]) / at($st; $f[0][0]) else null end) as $gs
    | { "growth.unit": $u.name,
        "floor.n0": ($f[0][0] | nfmt), "floor.n1": ($f[-1][0] | nfmt),
        "floor.v0": ($f[0][1] | tns), "floor.v1": ($f[-1][1] | tns),
        "floor.growth": ($g | times), "floor.logratio": ($l | times),
        "floor.sentence": ("Over the same range, from \($f[0][0] | nfmt) to \($f[-1][0] | nfmt), the \($u.name) went from \($f[0][1] | tns) to \($f[-1][1] | tns), \($g | times), "
          + (if $g > $l then "more than the \($l | times) by which $\\log N$ grows: so at these sizes the memory hierarchy could hide a logarithmic factor."
             else "less than the \($l | times) by which $\\log N$ grows: the memory hierarchy does not hide a logarithmic factor here." end)
          + (if $gs then " The floor, a store that waits for nothing, grew \($gs | times): measured in its units, any structure that reads its timer would seem to grow faster than it does." else "" end)) }
    end;

# The recommendation, from the guide's rows (guide.jq): the backend that is
# the pick, or within the noise of it, in the most rows; the rows it does
# not win, each with the winner's figure against its own and what the
# winner costs on the re-arm and expiry rows; and whether it is the
# library's default.
def guide_values($rows):
  guide_rows($rows) as $g
  | if ($g | length) == 0 then {} else
    ([$g[].entries[].b] | unique) as $cand
    | ([$cand[] as $b | {b: $b, wins: [$g[] | select(.tied | index($b)) | .workload]}]
       | max_by(.wins | length)) as $rec
    | def fig($row; $b): first($row.entries[] | select(.b == $b) | .v) // null;
      def show($row; $v): $v | guide_unit_fmt($row.unit);
    ([$g[] | select(.tied | index($rec.b) | not)]) as $lost
    | ($g[1:3]) as $decisive
    | ($lost | map(. as $row | $row.entries[0] as $w
        | "\(.workload), \($w.b | tt) with \(show($row; $w.v)) against \(show($row; fig($row; $rec.b)) // "no figure")"
          + ([$decisive[] | fig(.; $w.b) as $wv | fig(.; $rec.b) as $rv
              | select($wv != null and $rv != null and $rv > 0)
              | "\(.figure) \($wv / $rv | times) \($rec.b | tt)'s at \(.workload | sub(".*, "; ""))"]
             | if length > 0 then ", at the price of " + join(" and ") else "" end))) as $why
    | (.meta.build.tunables.CALLOUT_DEFAULT_BACKEND // null) as $dflt
    | { "guide.pick": ($rec.b | tt),
        "guide.wins": ($rec.wins | length | tostring),
        "guide.rows": ($g | length | tostring),
        "guide.sentence": ("In this run \($rec.b | tt) is the pick, or within the noise of it, in \($rec.wins | length) of the guide's \($g | length) rows"
          + (if ($lost | length) == 0 then "." else "; where it is not: \($why | join("; "))." end)
          + (if $dflt == null then ""
             elif $dflt == $rec.b then " It is calloutlab's default backend (\\texttt{CALLOUT\\_DEFAULT\\_BACKEND} in this build)."
             else " calloutlab's default backend in this build is \($dflt | tt)." end)),
        "guide.abstract": "Of the \($cand | length | numword) backends, \($rec.b | tt) is the best choice, or within the noise of it, for \($rec.wins | length) of the \($g | length) workloads of our selection guide\(if ($lost | length) > 0 then " (not for \($lost | map(.workload | sub(",.*"; "")) | join(", ")))" else "" end)." }
    end;

# The list at the smallest N it shares with the others, against the
# cheapest other backend there: re-arm, expiry per fired timer, and bytes
# per timer at the smallest N of bytes.json.
def list_values($rows):
  backend_order($rows) as $bs
  | def cheapest($case; $dist; $n):
      [ $bs[] | select(. != "list") as $b
        | at(series($rows; $case; "api"; $b; $dist); $n) as $v
        | select($v != null) | {b: $b, v: $v} ] | min_by(.v) // null;
    ([$rows[] | select(.impl == "list" and .level == "api" and .case == "rearm") | .n] | min) as $n
  | ([$rows[] | select(.impl == "list" and .level == "api" and .case == "expire") | .n] | min) as $ne
  | (.bytes.bytes // [] | map(select(.level == "backend"))) as $by
  | ([$by[] | select(.name == "list") | .n] | min) as $nb
  | if $n == null then {} else
    at(series($rows; "rearm"; "api"; "list"; "rto"); $n) as $lr
    | cheapest("rearm"; "rto"; $n) as $orr
    | (if $ne then at(series($rows; "expire"; "api"; "list"; "spread1s"); $ne) else null end) as $le
    | (if $ne then cheapest("expire"; "spread1s"; $ne) else null end) as $oe
    | (first($by[] | select(.name == "list" and .n == $nb)) // null) as $lb
    | ([$by[] | select(.name != "list" and .n == $nb)] | min_by(.bytes_per_timer) // null) as $ob
    | {"list.sentence": ("At $N=$\($n | nfmt) the list's re-arm cost \($lr | tns)"
        + (if $orr then ", \($lr / $orr.v | times) \($orr.b | tt)'s" else "" end)
        + (if $le and $oe then "; its expiry (at $N=$\($ne | nfmt)) cost \($le | tns) per fired timer against \($oe.b | tt)'s \($oe.v | tns)" else "" end)
        + (if $lb and $ob then "; at $N=$\($nb | nfmt) it needed \($lb.bytes_per_timer | sig) bytes per timer against \($ob.name | tt)'s \($ob.bytes_per_timer | sig)" else "" end)
        + ".")}
    end;

def paper_values:
  micro_rows as $rows
  | run_values($rows)
  + growth_values($rows; "rearm"; "rto"; "rearm")
  + growth_values($rows; "expire"; "spread1s"; "expire")
  + { "rearm.sentence": growth_sentence($rows; "rearm"; "rto"),
      "expire.sentence": growth_sentence($rows; "expire"; "spread1s"),
      "cross.rearm": cross_sentence($rows; "rearm"; "rto"; "re-arm"),
      "cross.rearm.verdict": cross_verdict($rows; "rearm"; "rto"),
      "cross.expire": cross_sentence($rows; "expire"; "spread1s"; "expiry per fired timer"),
      "cross.expire.verdict": cross_verdict($rows; "expire"; "spread1s") }
  + floor_values($rows)
  + tail_values + coalesce_values + peer_values($rows) + goal_values + goalrec_values
  + window_values + control_values
  + bytes_values + load_values + guide_values($rows) + list_values($rows);
