#!/bin/sh
# test.sh CONFIG... - configure, build and run the test suite in each
# configuration (plain, tsan, asan: see configs.sh), then print one
# summary line over all of them.
set -eu

. "$(dirname "$0")/configs.sh"

# Every name checked before the first suite runs: a typo after a long
# plain run, or no configuration at all, is not a pass.
if [ $# -eq 0 ]; then
	echo "test.sh: no configuration (CONFIGS: plain, tsan, asan)" >&2
	exit 2
fi
for config in "$@"; do
	case $config in
	plain|tsan|asan) ;;
	*) echo "test.sh: unknown configuration '$config' (CONFIGS: plain, tsan, asan)" >&2; exit 2 ;;
	esac
done

passed=0 failed=0 skipped=0
for config in "$@"; do
	echo "== $config"
	config_setup "$config" || exit 2
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --no-rebuild --print-errorlogs --no-suite stress-long --no-suite differential-long \
		| grep -vE '^(Ok|Expected Fail|Fail|Unexpected Pass|Skipped|Timeout): ' || true
	log="$dir/meson-logs/testlog.json"
	p=$(jq -s '[.[] | select(.result == "OK")] | length' "$log")
	s=$(jq -s '[.[] | select(.result == "SKIP")] | length' "$log")
	f=$(jq -s '[.[] | select(.result != "OK" and .result != "SKIP")] | length' "$log")
	echo "== $config: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
