#!/bin/sh
# extract.sh DIR - the data step of the charts: read the JSON files of the
# run in DIR (micro.json, bytes.json, ticks.json, loadgen/*/*.json,
# meta.json) with jq and write, into DIR/plots/data/:
#   NAME.dat     one block per series (gnuplot `index`), "# title" first
#   NAME.inc     gnuplot variables: NAME_n (series), NAME_title[],
#                NAME_color[], NAME_dt[], NAME_pt[]; NAME_n = 0 when the
#                run has none of that data
#   labels.gp    the machine, commit, date and configurations, for titles
# The gnuplot scripts beside this file read only these files.  No number is
# computed here except unit changes (ns to us), the offered load
# rate x conns, and the percentile axis -log10(1 - p).
set -eu
[ -n "${EXTRACT_DEBUG:-}" ] && set -x

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 RESULTS_DIR" >&2
	exit 2
fi
DIR=$1
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$DIR/plots/data
PROG=extract.sh
. "$HERE/../scripts/results_json.sh"
metric_check

# Inputs, as JSON values: a missing file reads as null (its charts say
# n/a), one that is not JSON stops the run.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in meta micro bytes ticks; do
	json_file "$DIR/$f.json" >"$tmp/$f.json"
done
json_runs "$DIR/loadgen/sweep" >"$tmp/sweep.json"
json_runs "$DIR/loadgen/precision" >"$tmp/precision.json"
mkdir -p "$OUT"

# jq over every input: $meta, $micro, $bytes, $ticks, $sweep, $prec.
q() {
	jq -n -r -L "$HERE" -L "$HERE/../bench/micro" --arg metric "$METRIC" \
	    --slurpfile meta "$tmp/meta.json" --slurpfile micro "$tmp/micro.json" \
	    --slurpfile bytes "$tmp/bytes.json" --slurpfile ticks "$tmp/ticks.json" \
	    --slurpfile sweep "$tmp/sweep.json" --slurpfile prec "$tmp/precision.json" \
	    "include \"micro\"; include \"extract\";
	     (\$micro[0] // {}) as \$mi | (\$mi | micro_rows(\$metric)) as \$rows
	     | (\$sweep[0] | good_runs) as \$runs | (\$prec[0] | good_runs) as \$pruns
	     | (\$ticks[0].ticks // []) as \$tk
	     | $1"
}

# A set (see extract.jq) to NAME.dat and NAME.inc.
write_set() {	# name jq-expression-of-a-set
	q "$2" >"$tmp/set_$1.json"
	jq -r '.series[] | "# \(.title)",
	    (.points[] | map(if type == "string" then "\"\(.)\"" else tostring end)
	     | join(" ")), "", ""' "$tmp/set_$1.json" >"$OUT/$1.dat"
	jq -r --arg n "$1" '
	    def arr($k; f): "array \($n)_\($k)[\(length)] = [" +
	        (map(f | tojson) | join(", ")) + "]";
	    "\($n)_n = \(.series | length)",
	    "\($n)_note = \(.note // "" | tojson)",
	    (if (.series | length) > 0 then
	        (.series | arr("title"; .title), arr("color"; .color),
	                   arr("dt"; .dt), arr("pt"; .pt))
	     else empty end),
	    (if (.panels // []) | length > 0 then
	        "\($n)_np = \(.panels | length)",
	        (.panels | arr("panels"; .)),
	        (.series | if length > 0 then arr("panel"; .panel) else empty end)
	     else "\($n)_np = 0" end)' "$tmp/set_$1.json" >"$OUT/$1.inc"
}

# ------------------------------------------------------------ micro

write_set rearm '{series: micro_vs_n($rows; "rearm"; "rto"; "ns"),
    note: "no rearm/*/rto cases in micro.json"}'
write_set expire '{series: micro_vs_n($rows; "expire"; "spread1s"; "per_fired"),
    note: "no expire cases in micro.json"}'
write_set tick_empty '{series: micro_vs_n($rows; "tick_empty"; "far"; "ns"),
    note: "no tick_empty cases in micro.json"}'
write_set tick_busy '{series: micro_vs_n($rows; "tick_busy"; "period1s"; "ns"),
    note: "no tick_busy cases in micro.json"}'

# Per-tick cost spectrum (ticks.json) at the largest N of each case.
for c in tick_busy tick_empty; do
	write_set "spectrum_$c" "
	    ([\$tk[] | select(.case == \"$c\") | .n] | max) as \$n
	    | {series: [ \$tk | map(select(.case == \"$c\" and .n == \$n))
	        | sort_by([level_rank(.level), impl_rank(.impl)])[]
	        | series(.level; .impl; \"\(.level)/\(.impl)\";
	                 [.tail[] | select(.[0] > 0) | [-(.[0] | log10), .[1]]]) ],
	       note: \"no $c entries in ticks.json\"}"
done

# Bytes per pending timer (bytes.json).
write_set bytes '{series: [ ($bytes[0].bytes // []) | group_by([level_rank(.level), impl_rank(.name), .name])[]
    | .[0] as $r | series($r.level; $r.name; "\($r.level)/\($r.name)";
                          sort_by(.n) | map([.n, .bytes_per_timer])) | .dt = 1 ],
    note: "no bytes.json in this run"}'

# ------------------------------------------------------------ loadgen

# Reset latency and firing lateness per backend: one panel per connection
# count, the runs with one thread and sync drain.
write_set reset_latency '
    panel_conns($runs) as $pc
    | {panels: $pc,
       series: [ range(0; $pc | length) as $k | backends_of($runs)[] as $b
        | rep_run($runs; $b; $pc[$k])
        | select(. != null and .latency_ns.reset != null)
        | series("api"; $b; $b; pct_points(.latency_ns.reset)) | .panel = $k + 1 ],
       note: "no load-generator runs in this folder"}'
write_set lateness '
    panel_conns($runs) as $pc
    | {panels: $pc,
       series: [ range(0; $pc | length) as $k | backends_of($runs)[] as $b
        | rep_run($runs; $b; $pc[$k])
        | select(. != null and .lateness_ns != null)
        | series("api"; $b; $b; lateness_points(.)) | .panel = $k + 1 ],
       note: "no load-generator runs in this folder"}'

# Throughput vs connections, 1 and 2 threads (dash type: threads); a run
# that took more than 1.1 times its planned duration (the machine could not
# keep up with the plan) is marked.
for d in sync async; do
	write_set "throughput_$d" "
	    [\$runs[] | select((.drain // \"sync\") == \"$d\")] as \$r
	    | {series: [ \$r | group_by([impl_rank(.backend), .backend, .threads])[]
	        | .[0] as \$f
	        | series(\"api\"; \$f.backend; \"\(\$f.backend), \(\$f.threads) thread\(if \$f.threads > 1 then \"s\" else \"\" end)\";
	                 sort_by(.conns) | map(select(.ops_per_sec != null) | [.conns, .ops_per_sec]))
	        | .dt = (if \$f.threads > 1 then 2 else 1 end)
	        | .pt = (if \$f.threads > 1 then 6 else 7 end) ],
	       note: \"no load-generator runs with drain $d in this folder\"}"
	write_set "behind_$d" "
	    [\$runs[] | select((.drain // \"sync\") == \"$d\" and .ops_per_sec != null
	                       and .elapsed_s != null and .duration_s != null
	                       and .elapsed_s > 1.1 * .duration_s)] as \$r
	    | {series: [ \$r | select(length > 0)
	        | series(\"floor\"; \"behind\"; \"behind its plan: elapsed > 1.1 x duration\";
	                 map([.conns, .ops_per_sec, .elapsed_s / .duration_s]))
	        | .color = \"#000000\" | .pt = 4 ], note: \"\"}"
done

# Coalescing: wake-ups/s and p99 lateness vs precision (the precision sweep).
write_set precision '
    def frac: if . == "exact" or . == "0" then 0
      elif test("^1/[0-9]+$") then 1 / (.[2:] | tonumber) else null end;
    {series: [ $pruns | group_by([impl_rank(.backend), .backend])[] | .[0].backend as $b
        | series("api"; $b; $b;
            map((.precision | tostring) as $p | ($p | frac) as $x
                | select($x != null and .wakeups_per_sec != null)
                | [$x, .wakeups_per_sec,
                   (if .lateness_ns.p99 == null then "NaN" else .lateness_ns.p99 / 1000 end),
                   (if $x == 0 then "0" else $p end)])
            | sort_by(.[0])) ],
     note: "no precision runs in this folder"}'

# ------------------------------------------------------------ labels

q '
def gp($k; $v): "\($k) = \($v | tostring | tojson)";
($meta[0] // {}) as $m
| rep_conns($runs) as $c
| ($runs | map(select(.conns == $c and .threads == 1)) | .[0]) as $r0
| ($pruns[0] // null) as $p0
| gp("machine"; "\($m.host.name // "?") (\($m.host.cpu_model // $mi.context.cpu_model // "?"), \($m.host.online_cpus // "?") CPUs)"),
  gp("commit"; $m.git.short // ($mi.context.git_commit // "?" | .[0:12])),
  gp("run_date"; $m.started // $mi.context.run_date // "?"),
  gp("run_mode"; $m.mode // $mi.context.run_mode // "?"),
  gp("allocator"; $m.build.allocator // $mi.context.allocator // "?"),
  gp("micro_config"; (if ($mi.benchmarks // []) | any(.aggregate_name == "median")
      then "median of \($mi.context.repetitions // "?") repetitions" else "single run" end)
      + ", " + (if $metric == "cpu" then "thread CPU time" else "wall time" end)),
  gp("load_config"; if $r0 == null then "no load runs"
      else "1 thread, drain sync, precision \($r0.precision // "?"), hz \($r0.hz // "?")" end),
  gp("prec_config"; if $p0 == null then "no precision runs"
      else "\($p0.conns) conns, \($p0.threads) thread\(if $p0.threads == 1 then "" else "s" end), drain \($p0.drain // "?"), \($p0.duration_s // "?") s" end),
  gp("ticks_busy_n"; [$tk[] | select(.case == "tick_busy") | .n] | max | sci),
  gp("ticks_empty_n"; [$tk[] | select(.case == "tick_empty") | .n] | max | sci),
  gp("ticks_count"; ($tk[0].ticks // "?")),
  gp("ticks_preempted"; ([$tk[] | select(.case == "tick_busy") | .preempted] | add // 0)),
  gp("bytes_alloc"; $bytes[0].context.allocator // "?"),
  "sweep_conns_min = \([$runs[].conns] | min // 1000)",
  "sweep_conns_max = \([$runs[].conns] | max // 1000)"
' >"$OUT/labels.gp"
