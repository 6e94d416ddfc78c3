#!/bin/sh
# build.sh [RESULTS_DIR] - the paper from one results folder: generate its
# numbers, tables and charts (paper/gen/gen.sh) into paper/build/generated/,
# then pdflatex paper/calloutlab.tex into paper/build/calloutlab.pdf and
# print that path.  Without RESULTS_DIR: the newest folder under results/
# (scripts/latest-results.sh when there is one, else the newest
# results/HOST/RUN/ by name).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$HERE/build

newest() {
	if [ -f "$ROOT/scripts/latest-results.sh" ]; then
		sh "$ROOT/scripts/latest-results.sh" "$ROOT/results"
		return
	fi
	# Folder names start with the date: the greatest name is the newest.
	for d in "$ROOT"/results/*/*/; do
		[ -f "$d/meta.json" ] || [ -f "$d/micro.json" ] || continue
		printf '%s\t%s\n' "$(basename "$d")" "${d%/}"
	done | sort | tail -n 1 | cut -f 2
}

RES=${1:-}
if [ -z "$RES" ]; then
	RES=$(newest) || true
	if [ -z "$RES" ]; then
		echo "paper: no results folder under results/: run make bench, or give RESULTS=folder" >&2
		exit 1
	fi
fi
if [ ! -d "$RES" ]; then
	echo "paper: no results folder $RES" >&2
	exit 2
fi
echo "paper: results from $RES" >&2

mkdir -p "$BUILD"
sh "$HERE/gen/gen.sh" "$RES" "$BUILD/generated"

# Twice: the second pass resolves the references.
cd "$BUILD"
for pass in 1 2; do
	if ! TEXINPUTS="$HERE:" pdflatex -interaction=nonstopmode -halt-on-error \
	    "$HERE/calloutlab.tex" >"$BUILD/pdflatex.out" 2>&1; then
		echo "paper: pdflatex failed (pass $pass); the end of $BUILD/calloutlab.log:" >&2
		tail -n 25 "$BUILD/calloutlab.log" >&2 || tail -n 25 "$BUILD/pdflatex.out" >&2
		exit 1
	fi
done
grep -h 'Package calloutlab Warning' "$BUILD/calloutlab.log" | sort -u >&2 || true
echo "$BUILD/calloutlab.pdf"
