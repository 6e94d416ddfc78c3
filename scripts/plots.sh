#!/bin/sh
# plots.sh [DIR] - the charts of one results folder (default: the newest):
# plots/extract.sh turns its JSON into DIR/plots/data/*.dat with jq, then
# every figure script plots/*.gp renders DIR/plots/FIGURE.svg and .png.
# Prints the path of every chart written.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$(sh "$ROOT/scripts/latest-results.sh")}
if [ ! -d "$DIR" ]; then
	echo "plots.sh: no results folder $DIR" >&2
	exit 2
fi
DIR=$(cd "$DIR" && pwd)

sh "$ROOT/plots/extract.sh" "$DIR"
status=0
for gp in "$ROOT"/plots/*.gp; do
	name=$(basename "$gp" .gp)
	[ "$name" = common ] && continue
	# gnuplot's warnings ("difficulty making room for tic labels") are
	# not failures; its errors are, and leave no chart behind.
	rm -f "$DIR/plots/$name.svg" "$DIR/plots/$name.png"
	if gnuplot -e "results='$DIR'" "$gp" 2>"$DIR/plots/data/$name.log" &&
	    [ -s "$DIR/plots/$name.svg" ] && [ -s "$DIR/plots/$name.png" ]; then
		[ -s "$DIR/plots/data/$name.log" ] || rm -f "$DIR/plots/data/$name.log"
		echo "$DIR/plots/$name.png"
		echo "$DIR/plots/$name.svg"
	else
		echo "plots.sh: $name failed:" >&2
		cat "$DIR/plots/data/$name.log" >&2
		status=1
	fi
done
exit $status
