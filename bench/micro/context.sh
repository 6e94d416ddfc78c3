# context.sh - what run.sh and layouts.sh share, sourced by both: their
# arguments, and the run context every microbenchmark file records, as
# Google Benchmark's --benchmark_context takes it (key=value pairs
# separated by commas).
#
# micro_args SCRIPT ARGS...: takes OUTDIR [QUICK] and sets OUT, MODE (full
# or QUICK), ROOT (the top of the tree) and BUILD (default ROOT/build);
# prints the usage and exits 2 on anything else.
#
# micro_context ROOT BUILD MODE REPS MIN_TIME: prints the context: git
# commit (-dirty with uncommitted changes), CPU, kernel, date, run mode,
# repetitions, seconds per repetition, the pinned CPU ($PIN_CPU), and every
# tunable and build switch of the backends as configured in BUILD.

micro_args() {
	_script=$1
	shift
	if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != QUICK ]; }; then
		echo "usage: $_script OUTDIR [QUICK]" >&2
		exit 2
	fi
	OUT=$1
	MODE=${2:-full}
	ROOT=$(cd "$(dirname "$_script")/../.." && pwd)
	BUILD=${BUILD:-$ROOT/build}
}

# Values lose their commas and equals signs.
clean() {
	printf '%s' "$*" | tr ',=\n' ';: '
}

micro_context() {
	_root=$1 _build=$2 _mode=$3 _reps=$4 _min_time=$5
	_commit=$(git -C "$_root" rev-parse HEAD 2>/dev/null || echo unknown)
	if [ -n "$(git -C "$_root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		_commit="$_commit-dirty"
	fi
	_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	_ctx="git_commit=$_commit"
	_ctx="$_ctx,cpu_model=$(clean "$_cpu")"
	_ctx="$_ctx,kernel=$(clean "$(uname -sr)")"
	_ctx="$_ctx,run_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	_ctx="$_ctx,run_mode=$_mode,repetitions=$_reps,min_time=$_min_time"
	_ctx="$_ctx,pinned_cpu=${PIN_CPU:-none}"
	_tunables=$(sed -n 's/^#define \(CALLOUT_[A-Z0-9_]*\) \(.*\)$/\1=\2/p' \
	    "$_build/callout_build.h" | tr -d '"' | tr '\n' ',')
	printf '%s\n' "$_ctx,${_tunables%,}"
}
