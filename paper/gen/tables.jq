# tables.jq - the paper's tables as LaTeX tabular fragments, from one
# results folder (same input as values.jq).  Each table_* returns the
# whole tabular; a table whose data is missing says so in one row.

include "lib";
include "values";
include "guide";

def cells: map(if . == null then "--" else tostring end) | join(" & ");

def missing_table($cols; $why):
  "\\begin{tabular}{l}\n\\toprule\n\\emph{not measured: \($why | esc)}\\\\\n\\bottomrule\n\\end{tabular}";

def tabular($spec; $head; $rows):
  "\\begin{tabular}{\($spec)}\n\\toprule\n\($head | cells)\\\\\n\\midrule\n"
  + ($rows | map(cells + "\\\\") | join("\n"))
  + "\n\\bottomrule\n\\end{tabular}";

def lbl($l; $i): "\($l)/\($i)" | esc;

# ns per operation vs N, one row per implementation.
def table_vs_n($rows; $case; $dist; $levels):
  ([$rows[] | select(.case == $case and .dist == $dist) | .n] | unique) as $ns
  | if ($ns | length) == 0 then missing_table(1; "no \($case) cases in micro.json")
    else
      backend_order($rows) as $bs
      | [ $levels[] as $l
          | (if $l == "api" or $l == "backend" then $bs else impls($rows; $case; $l; $dist) end)[] as $i
          | series($rows; $case; $l; $i; $dist) as $s
          | select(($s | length) > 0)
          | [lbl($l; $i)] + [$ns[] as $n | at($s; $n) | sig] ]
      | tabular("l" + ("r" * ($ns | length)); ["implementation"] + ($ns | map(nfmt)); .)
    end;

# V&L's class against the measured growth, both cases, api level.
def table_growth($rows):
  growth_unit($rows) as $unit
  | $unit.s as $floor
  | backend_order($rows) as $bs
  | [ (["rearm", "rto", "re-arm"], ["expire", "spread1s", "expiry"]) as [$c, $d, $name]
      | $bs[] as $b
      | series($rows; $c; "api"; $b; $d) as $s
      | growth($s; $floor) as $g
      | expected($c; $b) as $e
      | select($g != null)
      | [$name, ($b | esc), "\($g.n0 | nfmt)--\($g.n1 | nfmt)", ($g.g | times),
         ($g.floor | times), ($g.gn | times), ($g.k | times), ($g.class | class_name),
         (if $e then ($e | class_name) else null end), claim($g; $e)] ]
  | if length == 0 then missing_table(1; "fewer than two N per case in micro.json")
    else tabular("llcrrrrccl";
      ["op", "backend", "$N$", "growth", $unit.name, "normalised", "noise", "nearest", "V\\&L", "claim"]; .) end;

# The per-tick cost distribution of the busy tick, largest N (ticks.json).
def table_tail_all:
  (.ticks.ticks // []) as $tk
  | ([$tk[] | select(.case == "tick_busy") | .n] | max) as $n
  | if $n == null then missing_table(1; "no tick_busy entries (ticks.json missing or empty)")
    else
      [ $tk[] | select(.case == "tick_busy" and .n == $n) ]
      | sort_by([(if .level == "api" then 0 else 1 end), .impl])
      | map([lbl(.level; .impl), (.ns.p50 | sig), (.ns.p99 | sig), (.ns.p999 | sig),
             (.ns.max | sig), (.preempted | tostring)])
      | tabular("lrrrrr"; ["implementation", "p50", "p99", "p99.9", "max", "preempted"]; .)
    end;

# Wake-ups per second and p99 lateness per precision (the precision runs).
def table_precision:
  (.precision // [] | good) as $p
  | if ($p | length) == 0 then missing_table(1; "no loadgen/precision runs")
    else
      ([$p[] | .precision | tostring] | unique | sort_by(frac)) as $ps
      | ([$p[] | .backend] | unique) as $bs
      | [ $bs[] as $b
          | [($b | esc)] + [ $ps[] as $x
              | first($p[] | select(.backend == $b and (.precision | tostring) == $x)) // null
              | if . == null then null
                else "\(.wakeups_per_sec | sig) / \(.lateness_ns.p99 / 1e6 | sig)" end ] ]
      | tabular("l" + ("r" * ($ps | length)); ["backend"] + ($ps | map(esc)); .)
    end;

# Ratios at the largest N the peers ran: calloutlab's API over each peer.
def table_peers($rows):
  ([$rows[] | select(.case == "rearm" and .dist == "rto" and .level == "peer") | .n] | max) as $n
  | if $n == null then missing_table(1; "no peer cases in micro.json")
    else
      impls($rows; "rearm"; "peer"; "rto") as $ps
      | backend_order($rows) as $bs
      | (at(series($rows; "rearm"; "floor"; "rec64"; "rto"); $n)) as $fl
      | [ $bs[] as $b
          | at(series($rows; "rearm"; "api"; $b; "rto"); $n) as $v
          | select($v != null)
          | [($b | esc), ($v | sig)]
            + [ $ps[] as $p | at(series($rows; "rearm"; "peer"; $p; "rto"); $n) as $pv
                | if $pv then ($v / $pv | sig) else null end ]
            + [ if $fl then ($v / $fl | sig) else null end ] ]
      | [ [ "peer ns" , "" ] + [ $ps[] as $p | at(series($rows; "rearm"; "peer"; $p; "rto"); $n) | sig ] + [ $fl | sig ] ] as $prow
      | tabular("lr" + ("r" * ($ps | length)) + "r";
          ["backend", "ns"] + ($ps | map("/" + esc)) + ["/floor"]; . + $prow)
    end;

def table_bytes:
  (.bytes.bytes // []) as $b
  | if ($b | length) == 0 then missing_table(1; "bytes.json missing or empty")
    else
      ([$b[].n] | unique) as $ns
      | ([$b[] | [.level, .name]] | unique | sort_by([(if .[0] == "backend" then 0 else 1 end), .[1]])) as $keys
      | [ $keys[] as [$l, $i]
          | [lbl($l; $i)] + [ $ns[] as $n
              | first($b[] | select(.level == $l and .name == $i and .n == $n)) // null
              | if . then (.bytes_per_timer | sig) else null end ] ]
      | tabular("l" + ("r" * ($ns | length)); ["implementation"] + ($ns | map(nfmt)); .)
    end;

def table_load:
  (.sweep // [] | good) as $s
  | if ($s | length) == 0 then missing_table(1; "no loadgen/sweep runs")
    else
      ([$s[].conns] | max) as $c
      | [ $s[] | select(.conns == $c) ]
      | sort_by([.backend, .threads, (.drain // "sync")])
      | map([(.backend | esc), (.threads | tostring), (.drain // "sync"),
             (.ops_per_sec | sig), (.latency_ns.reset.p99 / 1e3 | sig),
             (.lateness_ns.p99 / 1e6 | sig), (.wakeups_per_sec | sig)])
      | tabular("lrlrrrr"; ["backend", "thr.", "drain", "ops/s", "reset p99 \\textmu s",
                           "lateness p99 ms", "wake-ups/s"]; .)
    end;

# The selection guide (guide.jq): each row a workload, the backend the
# data pick for it (with every backend within the noise of it), and the
# figures that pick it.
def table_guide($rows):
  guide_rows($rows)
  | map(.unit as $u
        | [.workload, (.figure + (if .note then " (\(.note))" else "" end)),
           (.tied | map(esc) | join(" $\\approx$ ")),
           (.entries[0:2] | map("\(.b | esc) \(.v | guide_unit_fmt($u))") | join(", next "))])
  | if length == 0 then missing_table(1; "nothing to pick from")
    # Wrapping columns: a pick can name several backends within noise.
    else tabular("@{}p{0.25\\linewidth}p{0.15\\linewidth}p{0.2\\linewidth}p{0.32\\linewidth}@{}";
                 ["workload", "figure", "pick", "measured"]; .) end;

def table_config:
  paper_values as $v
  | [ ["machine", "\($v["run.cpu"] // "?"), \($v["run.cpus"] // "?") CPUs, \($v["run.memgb"] // "?")\\,GiB"],
      ["system", "\($v["run.os"] // "?"); \($v["run.kernel"] // "?")"],
      ["build", "\($v["run.compiler"] // "?"); \($v["run.build"] // "?"); \($v["run.allocator"] // "?")"],
      ["run", "commit \($v["run.commit"] // "?"), \($v["run.date"] // "?"), mode \($v["run.mode"] // "?")"],
      ["load average", "\($v["run.loadstart"] // "?") at the start, \($v["run.loadend"] // "?") at the end"],
      ["microbenchmarks", "\($v["micro.stat"] // "?"); $N$ from \($v["micro.nmin"] // "?") to \($v["micro.nmax"] // "?") (list to \($v["micro.listmax"] // "?"))"],
      ["wheel", "\($v["cfg.wheelslots"] // "?") slots of \($v["cfg.wheeltick"] // "?")\\,ms: one revolution \($v["cfg.wheelrev"] // "?")\\,s"],
      ["hierarchical", "\($v["cfg.hierlevels"] // "?") levels of \($v["cfg.hierslots"] // "?") slots, level 0 spanning \($v["cfg.hierl0"] // "?")\\,ms"] ]
  | "\\begin{tabular}{@{}p{0.2\\linewidth}p{0.75\\linewidth}@{}}\n\\toprule\n"
    + (map(cells + "\\\\") | join("\n")) + "\n\\bottomrule\n\\end{tabular}";
