#!/bin/bash
# ticks.sh - micro_ticks (bench/micro/ticks.c) on a small N: its JSON has
# a distribution for every implementation of both tick cases; a bad option
# or N, or more than 16 N, is one line on stderr naming it, exit 2, nothing
# on stdout (refused.sh), never a run with a count wrapped from a negative
# number or with N dropped unread; --help prints the usage.
#
# usage: ticks.sh MICRO_TICKS
set -u
TICKS=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if "$TICKS" -t 10 -w 1 100 >"$tmp/t.json" 2>"$tmp/err" &&
    jq -e '(.ticks | length) > 0
        and ([.ticks[].case] | unique) == ["tick_busy", "tick_empty"]
        and all(.ticks[]; .n == 100 and .ticks == 10 and .ns.p50 != null)' \
        "$tmp/t.json" >/dev/null; then
	echo "ok   micro_ticks -t 10 -w 1 100: $(jq '.ticks | length' "$tmp/t.json") distributions"
else
	echo "FAIL micro_ticks -t 10 -w 1 100:"; head -n 5 "$tmp/err" "$tmp/t.json"; fail=1
fi

. "$(dirname "$0")/refused.sh"
bad() {	# NEEDLE ARGS...
	needle=$1
	shift
	refused "refused $*" "$needle" "$TICKS" "$@"
}
bad "-t '-5': not a whole number from 1" -t -5 100
bad "-w '-1': not a whole number from 1" -w -1 100
bad "-t 'abc': not a whole number" -t abc 100
bad "-t '100000001': not a whole number from 1 to 100000000" -t 100000001 100
bad "-x '0': not a whole number from 1" -x 0 100
bad "N '0': not a whole number from 1" 0
bad "N 'abc': not a whole number" abc
bad "N ' 100': not a whole number" ' 100'
# More timers than half of this machine's memory holds at 12 bytes each
# (less than any timer takes): refused before anything is allocated (when
# that is below the N bound, 2^30, as on every machine this suite has run
# on; before, such an N ran the machine out of memory).
big=$(( $(getconf _PHYS_PAGES) * $(getconf PAGESIZE) / 2 / 12 + 1 ))
if [ "$big" -le 1073741824 ]; then
	bad "N $big: at " "$big"
else
	bad "N '1073741825': not a whole number from 1 to 1073741824" 1073741825
fi
# 17 N: the count is refused, not the 17th dropped unread.
sixteen=()
for k in $(seq 16); do sixteen+=("$k"); done
bad "17 N given, want at most 16" -t 1 -w 1 "${sixteen[@]}" abc
bad "unknown option or missing value: '-q'" -q 100
bad "unknown option or missing value: '-t'" -t
# An unknown option named as given, wherever it is (before, the program's
# own path or the N before it was named); --help the usage.
bad "unknown option or missing value: '-z'" -zq 100
bad "unknown option or missing value: '-q'" 100 -q
bad "unknown option '--nosuch'" --nosuch
bad "unknown option '--nosuch'" 100 --nosuch
helps "micro_ticks [-t TICKS] [-w WARMUP] [-x MAXN_BUSY] [N ...]" "$TICKS" --help
helps "micro_ticks [-t TICKS] [-w WARMUP] [-x MAXN_BUSY] [N ...]" "$TICKS" 100 --help
exit $fail
