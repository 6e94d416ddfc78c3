# configs.sh - the build configurations the test and stress drivers share.
# Sourced; config_setup NAME sets $dir and builds it.
#   plain  debug build (lock and backend invariants asserted)
#   tsan   the same under ThreadSanitizer
#   asan   the same under AddressSanitizer and UndefinedBehaviorSanitizer

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

config_setup() {
	case "$1" in
	plain) dir=build; opts="" ;;
	tsan) dir=build-tsan; opts="-Db_sanitize=thread" ;;
	asan) dir=build-asan; opts="-Db_sanitize=address,undefined -Db_lundef=false" ;;
	*) echo "unknown configuration '$1' (plain, tsan, asan)" >&2; return 2 ;;
	esac
	[ -f "$dir/build.ninja" ] || meson setup "$dir" -Dbuildtype=debug $opts >/dev/null
	ninja -C "$dir" >/dev/null
}
