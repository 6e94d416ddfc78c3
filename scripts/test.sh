#!/bin/sh
# test.sh CONFIG... - configure, build and run the test suite in each
# configuration, then print one summary line over all of them.
#   plain  debug build (lock and backend invariants asserted)
#   tsan   the same under ThreadSanitizer
#   asan   the same under AddressSanitizer and UndefinedBehaviorSanitizer
set -eu

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

passed=0 failed=0 skipped=0
for config in "$@"; do
	case "$config" in
	plain) dir=build; opts="" ;;
	tsan) dir=build-tsan; opts="-Db_sanitize=thread" ;;
	asan) dir=build-asan; opts="-Db_sanitize=address,undefined -Db_lundef=false" ;;
	*) echo "test.sh: unknown configuration '$config' (plain, tsan, asan)" >&2; exit 2 ;;
	esac
	echo "== $config ($dir)"
	[ -f "$dir/build.ninja" ] || meson setup "$dir" -Dbuildtype=debug $opts >/dev/null
	ninja -C "$dir" >/dev/null
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --no-rebuild --print-errorlogs --no-suite stress-long \
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
