#!/usr/bin/env bash
# advise.sh CALLOUTLAB TRACE - `calloutlab advise`: --quick --json measures
# and ranks every backend and recommends one of them, in JSON that jq
# parses; the text form names the recommendation; a trace works as a
# workload; bad options give one line on stderr and exit status 2.
set -uo pipefail
lab=$1 trace=$2
command -v jq >/dev/null || { echo "jq not found (apt-get install jq)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../cli_checks.sh"

# The backends the program knows, from its own help.
backends=$("$lab" advise --help | sed -n 's/^backends: *//p')
nb=$(wc -w <<<"$backends")
[ "$nb" -ge 4 ] || fail "advise --help lists $nb backends: $backends"

# 1. --quick --json: every backend measured and ranked 1..N, the
#    recommendation one of them, every figure of the table a number.
if "$lab" advise --quick --json >"$tmp/quick.json" 2>"$tmp/quick.err"; then
	ok "advise --quick --json exit status 0"
else
	fail "advise --quick --json exited $?: $(tail -n 3 "$tmp/quick.err")"
fi
if jq -e . "$tmp/quick.json" >/dev/null 2>&1; then
	ok "the JSON parses"
else
	fail "the JSON does not parse"
fi
check() {	# check FILE JQ-FILTER WHAT
	if jq -e --arg names "$backends" "$2" "$1" >/dev/null 2>&1; then
		ok "$3"
	else
		fail "$3"
		jq -c '{recommendation: .recommendation.backend, backends: [.backends[] | {name, rank, measured: .manual.measured}]}' "$1" 2>/dev/null
	fi
}
check "$tmp/quick.json" '($names | split(" ") | sort) as $n
    | ([.backends[].name] | sort) == $n' "every backend is in the report"
check "$tmp/quick.json" '[.backends[].rank] == [range(1; (.backends | length) + 1)]' \
    "the backends are ranked 1..N, in order"
check "$tmp/quick.json" 'all(.backends[]; .manual.measured
    and ([.manual.allin_ns_per_op, .manual.rearm_ns, .manual.worst_tick_ns,
          .manual.bytes_per_timer, .manual.pending_mean] | all(type == "number" and . >= 0)))' \
    "every backend measured on the manual clock, figures are numbers"
check "$tmp/quick.json" 'all(.backends[]; .real.measured and .real.ok
    and (.real.ops_per_sec | type == "number"))' "every backend ran on the real clock"
check "$tmp/quick.json" '.recommendation.backend as $b
    | ($names | split(" ") | index($b)) != null
    and ([.backends[] | select(.rank == 1) | .name] == [$b])' \
    "the recommendation names a backend, the one ranked first"
check "$tmp/quick.json" '(.recommendation.why | length) > 0
    and (.recommendation.would_change | length) > 0' \
    "the recommendation says why and when it would change"
check "$tmp/quick.json" '.workload.operations > 0 and .workload.resets > 0
    and .method.quick == true' "the workload is described"

# 2. The text form, smaller: a ranked table and the recommendation.
if "$lab" advise --conns 200 --duration 2s --reps 2 --real 0 >"$tmp/text.out" 2>"$tmp/text.err"; then
	pick=$(sed -n 's/^recommendation: //p' "$tmp/text.out")
	if [ -n "$pick" ] && grep -qw -- "$pick" <<<"$backends" &&
	   grep -q '^rank backend' "$tmp/text.out"; then
		ok "text: a ranked table, recommendation $pick"
	else
		fail "text output has no table or recommendation"; cat "$tmp/text.out"
	fi
else
	fail "advise (text) exited $?: $(tail -n 3 "$tmp/text.err")"
fi

# 3. A trace as the workload.
if "$lab" advise --trace "$trace" --reps 2 --real 0.1s --json >"$tmp/trace.json" 2>"$tmp/trace.err"; then
	check "$tmp/trace.json" '.workload.source == "trace" and .recommendation.backend != null
	    and all(.backends[]; .manual.measured)' "advise --trace: every backend measured"
else
	fail "advise --trace exited $?: $(tail -n 3 "$tmp/trace.err")"
fi

# 4. Bad options: one line naming the problem, exit status 2.
bad "--mix medium" advise --mix medium
bad "--reps 0" advise --reps 0
bad "--budget 0" advise --budget 0
bad "--real" advise --real -1s
bad "--conns" advise --trace "$trace" --conns 5
bad "--quick" advise --quick=yes
bad "--frobnicate" advise --frobnicate
bad "ambiguous option --re (--reps, --real)" advise --re 1
bad "--trace" advise --trace
bad "surplus" advise surplus

# 5. A workload with no operation after the set-up (time 0) has nothing to
#    measure: refused in one line, from the model's options (status 2) or
#    from a trace (status 1).  One with operations but nothing re-armed
#    after the set-up is measured, and no NaN or inf reaches the output.
bad "--rate, --churn and --duration give no operation" advise --rate 0 --churn 0 \
    --conns 10 --reps 1 --real 0
echo 'calloutlab-trace 1' >"$tmp/header_only.trace"
err=$("$lab" advise --trace "$tmp/header_only.trace" --quick --real 0 2>&1 >/dev/null)
status=$?
if [ "$status" -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
   [[ $err == *"$tmp/header_only.trace: no operation after time 0"* ]]; then
	ok "a trace with no operation: $err"
else
	fail "a trace with no operation: status $status: $err"
fi
printf '%s\n' 'calloutlab-trace 1' '0 0 0 open' '0 0 0 reset rexmt 1000000 exact cur' \
    '5 0 0 stop rexmt' '6 0 0 drain rexmt' '7 0 0 close' >"$tmp/no_rearm.trace"
if "$lab" advise --trace "$tmp/no_rearm.trace" --reps 2 --real 0 >"$tmp/no_rearm.out" 2>&1 &&
   grep -q '^recommendation: ' "$tmp/no_rearm.out" && ! grep -Eqiw 'nan|inf' "$tmp/no_rearm.out"; then
	ok "nothing re-armed after the set-up: a recommendation, no NaN"
else
	fail "nothing re-armed after the set-up:"; grep -Eiw 'nan|inf|recommendation' "$tmp/no_rearm.out"
fi
echo "advise: $((fails == 0 ? 1 : 0)) passed, $((fails > 0 ? 1 : 0)) failed"
exit $((fails > 0))
