#!/bin/sh
# gen.sh RESULTS_DIR OUT_DIR - everything in the paper that comes from a
# results folder (results/README.md describes its files), into OUT_DIR:
#
#   numbers.tex   \valdef{KEY}{TEXT}: every number and data-dependent
#                 sentence the prose quotes (values.jq); a key without a
#                 value is left out, and \val{KEY} prints "not measured"
#   tab-*.tex     the tables, as tabular fragments (tables.jq)
#   fig-*.pdf|png the charts of the folder (RESULTS/plots/*.svg converted
#                 to PDF with rsvg-convert, else the PNG); when the folder
#                 has none, scripts/plots.sh draws them from its JSON into
#                 OUT_DIR/shadow/plots (the results folder is not written)
#   figures.tex   \figdef{NAME}{FILE} for each chart found
#   inputs.tex    which files were read and which were missing
#
# Every missing input is named on stderr; the paper says "not measured"
# where it would have used it.  Nothing here invents a value.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 RESULTS_DIR OUT_DIR" >&2
	exit 2
fi
RES=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ ! -d "$RES" ]; then
	echo "paper: no results folder $RES" >&2
	exit 2
fi
RES=$(cd "$RES" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/numbers.tex "$OUT"/tab-*.tex "$OUT"/fig-*.pdf "$OUT"/fig-*.png \
    "$OUT"/figures.tex "$OUT"/inputs.tex

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------ the inputs

PROG=paper
. "$ROOT/scripts/results_json.sh"
missing=""
# A file that is not JSON stops the paper (json_file); one that is missing
# is named, and the paper says "not measured" where it would use it.
# goal.json, goal-records.json, window.json and the allocator control's
# files are newer than some results folders, and the control can be left
# out (CONTROL=off): their absence is not noted (the sentences they feed
# are left out).
for f in meta micro bytes ticks goal goal-records window goal-jemalloc goal-glibc; do
	if [ ! -e "$RES/$f.json" ]; then
		case $f in
		goal|goal-records|window|goal-jemalloc|goal-glibc) ;;
		*) missing="$missing $f.json"
		   echo "paper: $RES/$f.json is missing: the paper says \"not measured\" where it is used" >&2 ;;
		esac
	fi
	json_file "$RES/$f.json" >"$tmp/$f.json"
done
json_runs "$RES/loadgen/sweep" >"$tmp/sweep.json"
json_runs "$RES/loadgen/precision" >"$tmp/precision.json"
json_runs "$RES/loadgen/control-jemalloc" >"$tmp/control-jemalloc.json"
json_runs "$RES/loadgen/control-glibc" >"$tmp/control-glibc.json"
for d in sweep precision; do
	if [ "$(jq length "$tmp/$d.json")" = 0 ]; then
		missing="$missing loadgen/$d/"
		echo "paper: $RES/loadgen/$d/ has no runs: the paper says \"not measured\" where they are used" >&2
	fi
done
jq -n --slurpfile meta "$tmp/meta.json" --slurpfile micro "$tmp/micro.json" \
    --slurpfile bytes "$tmp/bytes.json" --slurpfile ticks "$tmp/ticks.json" \
    --slurpfile sweep "$tmp/sweep.json" --slurpfile precision "$tmp/precision.json" \
    --slurpfile goal "$tmp/goal.json" --slurpfile goalrec "$tmp/goal-records.json" \
    --slurpfile window "$tmp/window.json" \
    --slurpfile goaljem "$tmp/goal-jemalloc.json" --slurpfile goalglibc "$tmp/goal-glibc.json" \
    --slurpfile controljem "$tmp/control-jemalloc.json" \
    --slurpfile controlglibc "$tmp/control-glibc.json" \
    '{meta: $meta[0], micro: $micro[0], bytes: $bytes[0], ticks: $ticks[0],
      sweep: $sweep[0], precision: $precision[0], goal: $goal[0],
      goalrec: $goalrec[0], window: $window[0], goaljem: $goaljem[0],
      goalglibc: $goalglibc[0], controljem: $controljem[0],
      controlglibc: $controlglibc[0]}' >"$tmp/in.json"

q() {	# q JQ-EXPRESSION: evaluated on the input, raw output
	jq -r -L "$HERE" -L "$ROOT/bench/micro" -f /dev/stdin "$tmp/in.json" <<EOF
include "lib"; include "values"; include "tables";
$1
EOF
}

# ----------------------------------------------------- numbers and tables

q 'paper_values | to_entries[] | select(.value != null)
   | "\\valdef{\(.key)}{\(.value)}"' >"$OUT/numbers.tex"
# The folder itself, for the paper to name.
printf '\\valdef{run.dir}{%s}\n' \
    "$(printf '%s' "${RES#"$ROOT"/}" | sed 's/[_%&#$]/\\&/g')" >>"$OUT/numbers.tex"

micro_rows_q='micro_rows as $rows | '
q "$micro_rows_q table_vs_n(\$rows; \"rearm\"; \"rto\"; [\"api\", \"backend\", \"peer\", \"floor\"])" >"$OUT/tab-rearm.tex"
q "$micro_rows_q table_vs_n(\$rows; \"expire\"; \"spread1s\"; [\"api\", \"backend\", \"peer\"])" >"$OUT/tab-expire.tex"
q "$micro_rows_q table_growth(\$rows)" >"$OUT/tab-growth.tex"
q "$micro_rows_q table_peers(\$rows)" >"$OUT/tab-peers.tex"
q "$micro_rows_q table_guide(\$rows)" >"$OUT/tab-guide.tex"
q 'table_tail_all' >"$OUT/tab-tail.tex"
q 'table_precision' >"$OUT/tab-precision.tex"
q 'table_bytes' >"$OUT/tab-bytes.tex"
q 'table_load' >"$OUT/tab-load.tex"
q 'table_config' >"$OUT/tab-config.tex"

# ----------------------------------------------------------------- charts

FIGS="rearm_vs_n expire_vs_n tick_vs_n tick_tail precision_wakeups bytes_per_timer throughput_threads lateness_cdf"
PLOTS=$RES/plots
have_any=false
for f in $FIGS; do
	[ -s "$PLOTS/$f.svg" ] || [ -s "$PLOTS/$f.png" ] && have_any=true
done
if [ "$have_any" = false ] && [ -f "$ROOT/scripts/plots.sh" ]; then
	# Draw them from the JSON, in a shadow of the folder: the results
	# folder itself is never written.
	echo "paper: $RES has no charts: drawing them with scripts/plots.sh" >&2
	rm -rf "$OUT/shadow"
	mkdir -p "$OUT/shadow"
	for x in "$RES"/*.json "$RES"/loadgen; do
		[ -e "$x" ] && ln -s "$x" "$OUT/shadow/$(basename "$x")"
	done
	sh "$ROOT/scripts/plots.sh" "$OUT/shadow" >/dev/null 2>"$tmp/plots.err" ||
		{ echo "paper: scripts/plots.sh failed (charts it could not draw are marked in the paper):" >&2
		  cat "$tmp/plots.err" >&2; }
	PLOTS=$OUT/shadow/plots
fi
: >"$OUT/figures.tex"
for f in $FIGS; do
	if [ -s "$PLOTS/$f.svg" ] && command -v rsvg-convert >/dev/null 2>&1 &&
	    rsvg-convert -f pdf -o "$OUT/fig-$f.pdf" "$PLOTS/$f.svg" 2>/dev/null; then
		printf '\\figdef{%s}{fig-%s.pdf}\n' "$f" "$f" >>"$OUT/figures.tex"
	elif [ -s "$PLOTS/$f.png" ]; then
		cp "$PLOTS/$f.png" "$OUT/fig-$f.png"
		printf '\\figdef{%s}{fig-%s.png}\n' "$f" "$f" >>"$OUT/figures.tex"
	else
		missing="$missing plots/$f"
		echo "paper: no chart $f (plots/$f.svg or .png): the paper says \"not measured\" in its place" >&2
	fi
done

# ----------------------------------------------------------- what was read

{
	printf '\\valdef{inputs.missing}{'
	if [ -z "$missing" ]; then
		printf 'none'
	else
		first=true
		for m in $missing; do
			$first || printf ', '
			first=false
			printf '\\texttt{%s}' "$(printf '%s' "$m" | sed 's/[_%&#$]/\\&/g')"
		done
	fi
	printf '}\n'
} >"$OUT/inputs.tex"
echo "paper: generated $(grep -c '^\\valdef' "$OUT/numbers.tex") values, $(ls "$OUT"/tab-*.tex | wc -l) tables, $(grep -c figdef "$OUT/figures.tex") charts from $RES" >&2
