#!/bin/bash
# bytes.sh - micro_bytes (bench/micro/bytes.c) on N = 100 and 1000: its
# JSON parses, every backend is there at each N and so are exactly the
# peers this build found (none in a build without the peer libraries),
# and every
# bytes_per_timer is a number; --help prints the usage; a bad N, an N whose
# timers would not fit in half of the memory, no N or more than 16 is one
# line on stderr naming it, exit 2, nothing on stdout (refused.sh).
# Before, a bad N was read as 0 and printed "bytes_per_timer": inf (not
# JSON) with exit 0, -5 wrapped to near 2^64 (twelve "out of memory"
# lines), and N past the 16th were dropped unread.
#
# usage: bytes.sh MICRO_BYTES 'PEER ...'   (the peers built, from meson)
set -u
BYTES=$1
PEERS=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if "$BYTES" 100 1000 >"$tmp/b.json" 2>"$tmp/err" &&
    jq -e --arg peers "$PEERS" '
        ($peers | split(" ") | map(select(. != "")) | sort) as $built
        | (.bytes | length) > 0
        and ([.bytes[] | select(.level == "backend") | .n] | unique) == [100, 1000]
        and ([.bytes[] | select(.level == "peer") | [.name, .n]] | sort)
            == ([$built[] | [., 100], [., 1000]] | sort)
        and all(.bytes[]; .level == "backend" or .level == "peer")
        and all(.bytes[]; (.bytes_per_timer | type) == "number")' \
        "$tmp/b.json" >/dev/null; then
	echo "ok   micro_bytes 100 1000: $(jq '.bytes | length' "$tmp/b.json") entries, peers: ${PEERS:-none}"
else
	echo "FAIL micro_bytes 100 1000:"; head -n 5 "$tmp/err" "$tmp/b.json"; fail=1
fi

. "$(dirname "$0")/refused.sh"
helps "micro_bytes N [N ...]" "$BYTES" --help
bad() {	# NEEDLE ARGS...
	needle=$1
	shift
	refused "refused $*" "$needle" "$BYTES" "$@"
}
bad "N 'abc': not a whole number" abc
bad "N '0': not a whole number from 1" 0
bad "N '10x': not a whole number" 10x
bad "N '1.5': not a whole number" 1.5
bad "N '-5': not a whole number" -5
bad "N '': not a whole number" ''
bad "N ' 100': not a whole number" ' 100'
bad "N '--nosuch': not a whole number" --nosuch
bad "N '1073741825': not a whole number from 1 to 1073741824" 1073741825
bad "N '99999999999999999999': not a whole number" 99999999999999999999
bad "N 'abc': not a whole number" 100 abc
# More timers than half of this machine's memory holds at 12 bytes each
# (less than any timer takes here), when that is below the N bound, 2^30.
big=$(( $(getconf _PHYS_PAGES) * $(getconf PAGESIZE) / 2 / 12 + 1 ))
if [ "$big" -le 1073741824 ]; then
	bad "N $big: at " "$big"
	bad "bytes each, more than half of the memory" 100 "$big"
else
	echo "skip N past half of the memory: more than 2^30 timers fit"
fi
refused "no N" "0 N given, want 1 to 16" "$BYTES"
# 17 N: the count is refused, not the 17th dropped unread.
sixteen=()
for k in $(seq 16); do sixteen+=("$k"); done
bad "17 N given, want 1 to 16" "${sixteen[@]}" abc
exit $fail
