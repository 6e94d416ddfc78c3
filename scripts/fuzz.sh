#!/bin/sh
# fuzz.sh [SECONDS] - build the libFuzzer targets (tests/fuzz/fuzz_*.c) in
# build-fuzz (clang, -Dfuzz=true, ASan+UBSan) and run each one for SECONDS
# (default 60).  Each starts from its seed corpus, tests/fuzz/corpus/NAME/
# (read only: the repository's corpus is never written), and keeps what it
# finds in a scratch directory, fuzz-out/NAME/corpus; crash, leak and
# timeout inputs go to fuzz-out/NAME/.  Exits non-zero when a fuzzer fails.
#
# To keep an input as a regression seed: copy it into tests/fuzz/corpus/NAME
# (the fuzz-corpus test suite replays that directory in every build).
set -eu

seconds=${1:-60}
# libFuzzer reads -max_total_time=0 as "no limit": 0 would never end.
case "$seconds" in
''|0*|*[!0-9]*) echo "fuzz.sh: FUZZ_SECONDS must be a whole number from 1 to 86400, not '$seconds'" >&2; exit 2 ;;
esac
if [ ${#seconds} -gt 5 ] || [ "$seconds" -gt 86400 ]; then
	echo "fuzz.sh: FUZZ_SECONDS must be a whole number from 1 to 86400, not '$seconds'" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
out="$root/fuzz-out"

export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"

# libFuzzer must link (clang and libclang-rt-14-dev: install-deps.sh fuzz).
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" \
	>"$probe/log" 2>&1; then
	cat "$probe/log" >&2
	echo "fuzz.sh: clang -fsanitize=fuzzer does not link; run: scripts/install-deps.sh fuzz" >&2
	exit 1
fi

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$root" -Dbuildtype=debug -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi

failed=0
for src in "$root"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	seeds="$root/tests/fuzz/corpus/${name#fuzz_}"
	work="$out/$name"
	ninja -C "$build" "tests/fuzz/$name" >/dev/null
	mkdir -p "$work/corpus"
	echo "== $name: ${seconds}s, seeds $seeds, corpus $work/corpus"
	# New inputs go to the first directory only: the scratch one.
	if "$build/tests/fuzz/$name" -max_total_time="$seconds" \
		-print_final_stats=1 -artifact_prefix="$work/" \
		"$work/corpus" "$seeds" >"$work/log" 2>&1; then
		status=ok
	else
		status=FAILED
		failed=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+.*cov: ' "$work/log" | tail -n 1 |
		sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, ft \2/p')
	# Shrink the scratch corpus to the inputs that add coverage.
	if [ "$status" = ok ]; then
		rm -rf "$work/merged"
		mkdir -p "$work/merged"
		"$build/tests/fuzz/$name" -merge=1 "$work/merged" "$work/corpus" \
			>"$work/merge.log" 2>&1 && rm -rf "$work/corpus" &&
			mv "$work/merged" "$work/corpus"
	fi
	echo "== $name: $status: ${execs:-?} runs, ${rate:-?} exec/s, ${cov:-?}," \
		"$(ls "$work/corpus" | wc -l) corpus inputs (log: $work/log)"
	if [ "$status" != ok ]; then
		grep -E 'ERROR|fuzz_api \[|callout:|SUMMARY|Test unit written' "$work/log" | head -n 20
	fi
done
exit "$failed"
