#!/bin/sh
# stress.sh [QUICK] - the concurrency stress run, under ThreadSanitizer and
# under AddressSanitizer with UBSan:
#   1. the stress test suites (stress; stress-long too unless QUICK);
#   2. the load generator on 2 threads, real clock, every backend, sync and
#      async drains, a third of the resets cross-CPU, short timers and high
#      churn, until LIFECYCLES connections have been opened and torn down
#      in that configuration (1e6; 2e4 with QUICK).  Each run must report
#      ok: the accounting identity holds, no timer ran after a stop under
#      its lock, no return value contradicts the shadow state.
# Any sanitizer report fails the run (halt_on_error).  Ends with one line
# "stress: N passed, N failed".
set -eu

cd "$(dirname "$0")/.."
. scripts/configs.sh

case ${1:-} in
QUICK) lifecycles=20000 suites="--suite stress" chunk=1s ;;
'') lifecycles=1000000 suites="--suite stress --suite stress-long" chunk=5s ;;
*) echo "usage: $0 [QUICK]" >&2; exit 2 ;;
esac
backends="list wheel hierarchical heap heap4"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0

record() {	# record NAME OK
	if [ "$2" = 1 ]; then
		passed=$((passed + 1)); echo "ok   $1"
	else
		failed=$((failed + 1)); echo "FAIL $1"
	fi
}

for config in tsan asan; do
	echo "== $config"
	config_setup "$config"
	if meson test -C "$dir" --no-rebuild --print-errorlogs $suites \
	    >"$out/meson.log" 2>&1; then
		record "$config: meson $suites" 1
	else
		tail -n 40 "$out/meson.log"
		record "$config: meson $suites" 0
	fi

	total=0 k=0 bad=0
	while [ "$total" -lt "$lifecycles" ]; do
		for b in $backends; do
			for drain in sync async; do
				k=$((k + 1))
				j="$out/run-$k.json"
				if ! "$dir/bench/loadgen/calloutlab" run --backend "$b" \
				    --threads 2 --conns 1000 --rate 20 --churn 20000 \
				    --cross-cpu 0.33 --drain "$drain" --rto 2ms \
				    --delack 1ms --msl 5ms --duration "$chunk" \
				    --seed "$k" --json >"$j" 2>"$out/err"; then
					cat "$out/err"
					bad=$((bad + 1))
					continue
				fi
				closed=$(jq '.connections.closed' "$j")
				ok=$(jq '.ok and .contradictions == 0 and
				    .timers.armed == .timers.fired + .timers.stopped +
				    .timers.rearmed + .timers.pending' "$j")
				total=$((total + closed))
				if [ "$ok" != true ]; then
					echo "unbalanced or contradicted run: $j"
					jq -c '{backend, drain, timers, contradictions, ok}' "$j"
					bad=$((bad + 1))
				fi
			done
		done
	done
	echo "$config: $total connection lifecycles in $k load-generator runs"
	record "$config: load generator, $total lifecycles, $bad bad runs" \
	    "$([ "$bad" -eq 0 ] && echo 1 || echo 0)"
done
echo "stress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
