#!/bin/bash
# window.sh - micro_window (bench/micro/window.c) on a small table: its
# JSON has every loop, each median between its lowest and highest round,
# and the fit is the least-squares line through the read loop's medians
# (recomputed here from the printed numbers); a bad option is one line on
# stderr naming it, exit 2, nothing on stdout (refused.sh); --help prints
# the usage.
#
# usage: window.sh MICRO_WINDOW
set -u
WINDOW=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# what, jq test on $tmp/w.json
	if jq -e "$2" "$tmp/w.json" >/dev/null; then
		echo "ok   $1"
	else
		echo "FAIL $1: $2"; fail=1
	fi
}

if ! "$WINDOW" -n 1000 -s 4096 -r 3 >"$tmp/w.json" 2>"$tmp/err"; then
	echo "FAIL micro_window -n 1000 -s 4096 -r 3 exited non-zero:"; cat "$tmp/err"
	exit 1
fi
check "the run's parameters" '.n == 1000 and .steps == 4096 and .reps == 3 and .record_bytes == 64'
check "store and read at K = 0 10 20 40 60 80" \
    '[.loops[] | "\(.loop)/\(.nops)"] == ([["store", "read"][] as $l | [0, 10, 20, 40, 60, 80][] | "\($l)/\(.)"])'
check "every median between the lowest and highest round" \
    'all(.loops[]; .ns.min > 0 and .ns.min <= .ns.median and .ns.median <= .ns.max)'
check "the context names the program and the allocator" \
    '.context.program == "micro_window" and (.context.allocator | length) > 0'
# Least squares through (K, median) of the read loop, from the printed
# medians (3 decimals): the printed fit within rounding.
check "the fit is the least-squares line through the read medians" '
    [.loops[] | select(.loop == "read") | [.nops, .ns.median]] as $p
    | ($p | length) as $m
    | ([$p[][0]] | add) as $sk | ([$p[][1]] | add) as $st
    | ([$p[] | .[0] * .[0]] | add) as $skk | ([$p[] | .[0] * .[1]] | add) as $skt
    | (($m * $skt - $sk * $st) / ($m * $skk - $sk * $sk)) as $s
    | (($st - $s * $sk) / $m) as $t0
    | ((.fit.ns_per_instruction - $s) | fabs) < 0.001
      and ((.fit.t0_ns - $t0) | fabs) < 0.01 and .fit.r2 <= 1 and .fit.loop == "read"'

. "$(dirname "$0")/refused.sh"
bad() {	# NEEDLE ARGS...
	needle=$1
	shift
	refused "refused $*" "$needle" "$WINDOW" "$@"
}
bad "-n '0': not a whole number from 1" -n 0
bad "-n 'abc': not a whole number" -n abc
bad "-n '-5': not a whole number" -n -5
bad "-n '': not a whole number" -n ''
bad "-n '99999999999999999999': not a whole number" -n 99999999999999999999
bad "-s '0': not a whole number from 1" -s 0
bad "-r '1001': not a whole number from 1 to 1000" -r 1001
bad "-r '2.5': not a whole number" -r 2.5
bad "unknown option or missing value: '-x'" -x
bad "unknown option or missing value: '-n'" -n
# An unknown option named as given (before, the program's own path was
# named); --help the usage.
bad "unknown option or missing value: '-z'" -zq
bad "unknown option or missing value: '-z'" -n 1000 -zq
bad "unknown option '--nosuch'" --nosuch
bad "unknown option '--nosuch'" -n 1000 --nosuch
helps "micro_window [-n N] [-s STEPS] [-r REPS]" "$WINDOW" --help
bad "unexpected argument 'extra'" -n 1000 extra
# One record more than half of this machine's memory holds (when that is
# below the -n bound, 2^30, as on every machine this suite has run on).
big=$(( $(getconf _PHYS_PAGES) * $(getconf PAGESIZE) / 2 / 64 + 1 ))
if [ "$big" -le 1073741824 ]; then
	bad "-n $big: at 64 bytes each, more than half of the memory" -n "$big"
else
	bad "-n '1073741825': not a whole number from 1 to 1073741824" -n 1073741825
fi
exit $fail
