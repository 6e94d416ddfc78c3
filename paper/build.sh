#!/bin/sh
# build.sh [RESULTS_DIR] - the paper from one results folder: generate its
# numbers, tables and charts (paper/gen/gen.sh) into paper/build/generated/,
# then pdflatex paper/calloutlab.tex into paper/build/calloutlab.pdf and
# print that path.  Without RESULTS_DIR: the newest finished run under
# results/ (scripts/latest-results.sh).  A folder without meta.json is not
# a results folder and is refused.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$HERE/build

RES=${1:-}
if [ -z "$RES" ]; then
	RES=$(sh "$ROOT/scripts/latest-results.sh" "$ROOT/results") || exit 1
fi
if [ ! -d "$RES" ]; then
	echo "paper: no results folder $RES" >&2
	exit 2
fi
if [ ! -f "$RES/meta.json" ]; then
	echo "paper: $RES has no meta.json: not a results folder (make bench writes them)" >&2
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
