#!/usr/bin/env bash
# cli.sh CALLOUTLAB TRACE README - --help documents every option; bad
# options and operands give one line on stderr naming the option and the
# value, and exit status 2; the README's example trace replays.
set -uo pipefail
lab=$1 trace=$2 readme=$3
. "$(dirname "$0")/../cli_checks.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$lab" --help | grep -q '^  replay' || fail "calloutlab --help lists no replay"
for cmd in run record replay; do
	help=$("$lab" $cmd --help) || fail "$cmd --help exit status"
	want="--backend --threads --hz --manual-clock --json --help"
	case $cmd in
	run|record) want="$want --conns --duration --rate --churn --cross-cpu --drain
		--precision --seed --time-wait --rto --delack --persist --keepidle --msl" ;;&
	record) want="$want --out" ;;
	replay) want="$want --speed" ;;
	esac
	for o in $want; do
		grep -q -- "^  $o\b" <<<"$help" || fail "$cmd --help does not document $o"
	done
done
ok "--help of every command"


bad "--backend nosuch" run --backend nosuch
bad "--threads 0" run --threads 0
bad "--threads -1" run --threads -1
bad "--threads two" run --threads two
bad "--threads 99999" run --threads 99999
bad "--conns -5" run --conns -5
bad "--rate -5" run --rate -5
bad "--rate fast" run --rate fast
bad "--churn nan" run --churn nan
bad "--duration 0" run --duration 0
bad "--duration 5parsecs" run --duration 5parsecs
bad "--rto -1ms" run --rto -1ms
bad "--cross-cpu 1.5" run --cross-cpu 1.5
# Numbers are decimal: strtod's hex and hex floats are refused (each line
# also sets a short run, were the value taken).
bad "--duration 0x10ms" run --duration 0x10ms --manual-clock
bad "--rate 0x10" run --rate 0x10 --duration 1ms --manual-clock
bad "--churn 0x1p-10" run --churn 0x1p-10 --duration 1ms --manual-clock
bad "--rto 0x1p-10s" run --rto 0x1p-10s --duration 1ms --manual-clock
bad "--precision 0x1p-3" run --precision 0x1p-3 --duration 1ms --manual-clock
bad "--duration inf" run --duration inf
bad "--drain later" run --drain later
bad "--precision 1/3" run --precision 1/3
bad "--precision -1" run --precision -1
bad "--hz 0" run --hz 0
bad "--seed x" run --seed x
bad "--frobnicate" run --frobnicate
# An unknown option is named as given: a short one in a cluster, one after
# an option's value, an abbreviation of several long ones.
bad "unknown option -x" run -xy
bad "unknown option -x" run --threads 2 -xy
bad "ambiguous option --r (--rate, --rto)" run --r 1
bad "--threads" run --threads
bad "--json" run --json=yes
bad "surplus" run surplus
bad "--out" record --duration 1
# Thread 0's only connection churns through 16384 ids, 16384 x 1024 threads
# being more than a trace names: refused before anything is written.
bad "more connections than a trace can name" record --out "$tmp/ids.trace" \
    --threads 1024 --conns 1 --churn 1e6 --time-wait 1 --duration 1s --manual-clock
[ ! -e "$tmp/ids.trace" ] && ok "record wrote no trace with too many connections" ||
	fail "record left $(wc -l <"$tmp/ids.trace") lines in $tmp/ids.trace"
bad "FILE" replay
bad "--speed warp" replay "$trace" --speed warp
bad "--threads 0" replay "$trace" --threads 0
bad "--backend nosuch" replay "$trace" --backend nosuch
# $CALLOUT_BACKEND, what the core takes without --backend, is checked with
# the options (record writes no trace).
known="unknown backend (known: $("$lab" run --help | sed -n 's/^backends: *//p'))"
CALLOUT_BACKEND=bogus bad "CALLOUT_BACKEND=bogus: $known" run --duration 1ms --manual-clock
CALLOUT_BACKEND=bogus bad "CALLOUT_BACKEND=bogus: $known" replay "$trace" --manual-clock
CALLOUT_BACKEND=bogus bad "CALLOUT_BACKEND=bogus: $known" record --out "$tmp/bogus.trace" \
    --duration 1ms --manual-clock
[ ! -e "$tmp/bogus.trace" ] && ok "record wrote no trace for CALLOUT_BACKEND=bogus" ||
	fail "record wrote $tmp/bogus.trace for CALLOUT_BACKEND=bogus"
bad "nosuch" nosuch
bad "COMMAND"
out=$("$lab" run --conns 10 --duration 1.5e-3s --rate 1e1 --churn 2.5 --time-wait 0.5 \
    --precision 0.125 --rto 2E2ms --manual-clock 2>&1) &&
	ok "decimal numbers: 1.5e-3s, 1e1, 2.5, 0.125, 2E2ms" ||
	fail "decimal numbers refused: $out"

# A trace read a chunk at a time: an endless line (zeros through a pipe) is
# refused at line 1 once it is too long, without reading it all; a trace
# through a pipe replays; a line of exactly the longest length is read.
err=$(timeout 20 "$lab" replay <(head -c 64M /dev/zero) 2>&1 >/dev/null)
[[ $err == /dev/fd/*":1: line longer than 4096 bytes" ]] &&
	ok "a stream of zeros: $err" || fail "a stream of zeros: $err"
out=$("$lab" replay <(cat "$trace") --manual-clock 2>&1) &&
	ok "a trace through a pipe replays" || fail "a trace through a pipe: $out"
{ echo 'calloutlab-trace 1'; printf '#%4095s\n' ''; } >"$tmp/longest.trace"
out=$("$lab" replay "$tmp/longest.trace" --manual-clock 2>&1) &&
	ok "a line of 4096 bytes is read" || fail "a line of 4096 bytes: $out"

# record writes FILE.XXXXXX and renames it to FILE: one that fails (here
# every write past 8 KB, SIGXFSZ ignored; then a SIGTERM) leaves FILE as it
# was and no partial trace; one that succeeds leaves no temporary file.
echo old >"$tmp/fails.trace"
err=$( (trap '' XFSZ; ulimit -f 8
	"$lab" record --out "$tmp/fails.trace" --conns 100 --duration 10s --manual-clock) 2>&1 >/dev/null)
status=$?
if [ "$status" -eq 1 ] && [[ $err == *"fails.trace: File too large" ]] &&
   [ "$(cat "$tmp/fails.trace")" = old ] && [ -z "$(find "$tmp" -name 'fails.trace.*')" ]; then
	ok "a record that fails leaves its FILE as it was: $err"
else
	fail "a record that fails: status $status: $err; left $(ls "$tmp")"
fi
"$lab" record --out "$tmp/stopped.trace" --conns 1000 --duration 1000s --manual-clock >/dev/null &
pid=$!
for _ in $(seq 300); do
	[ -n "$(find "$tmp" -name 'stopped.trace.*')" ] && break
	sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 143 ] && [ -z "$(find "$tmp" -name 'stopped.trace*')" ]; then
	ok "a record stopped by SIGTERM while writing leaves no trace"
else
	fail "a record stopped by SIGTERM: status $status, left $(ls "$tmp")"
fi
if "$lab" record --out "$tmp/whole.trace" --conns 100 --duration 1s --manual-clock >/dev/null &&
   [ -z "$(find "$tmp" -name 'whole.trace.*')" ] &&
   [ "$(tail -n 1 "$tmp/whole.trace")" = "end 1000000000" ]; then
	ok "record: a whole trace, no temporary file left"
else
	fail "record: $(ls "$tmp"), last line $(tail -n 1 "$tmp/whole.trace")"
fi

# The README's example trace (the first block under "### Traces") is one
# that replay carries out, with every timer accounted for.
example=$tmp/example.trace
sed -n '/^### Traces/,/^## /p' "$readme" | sed -n '/^```$/,/^```$/p' |
	sed '/^```$/d' >"$example"
if ! head -n 1 "$example" | grep -q '^calloutlab-trace '; then
	fail "no example trace under \"### Traces\" in $readme"
elif out=$("$lab" replay "$example" --manual-clock 2>&1); then
	grep -q 'armed 1 = fired 0 + stopped 1 + rearmed 0 + pending 0' <<<"$out" &&
		ok "the README's example trace replays, its timer stopped" ||
		fail "the README's example trace: $out"
else
	fail "the README's example trace is refused: $out"
fi
exit $((fails > 0))
