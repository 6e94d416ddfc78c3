# refused.sh - sourced by the bench tests that feed a program bad input.
#
# refused WHAT NEEDLE CMD...: passes when CMD exits 2 with one line on
# stderr holding NEEDLE and nothing on stdout, and refused_also (a function
# the test may define, for what CMD must also have left alone) succeeds.
# helps USAGE CMD...: passes when CMD (a --help) exits 0 with the one line
# "usage: USAGE" on stdout and nothing on stderr.
# Each prints one ok/FAIL line and sets fail=1 on failure.  Needs $tmp.
refused_also() { true; }
# wrote_nothing: a refused script, pointed at $tmp/nobuild (BUILD), $tmp/res
# (RESULTS_ROOT) and $tmp/out.d (OUTDIR), created none of them; the tests
# of the benchmark scripts make it their refused_also.
wrote_nothing() {
	[ ! -e "$tmp/nobuild" ] && [ ! -e "$tmp/out.d" ] && [ ! -e "$tmp/res" ]
}
refused() {
	what=$1 needle=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$needle" "$tmp/err" &&
	    [ ! -s "$tmp/out" ] && refused_also; then
		echo "ok   $what: $(cat "$tmp/err")"
	else
		echo "FAIL $what: exit $rc, $lines line(s) on stderr, want 2 and one line with '$needle':"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 5
		fail=1
	fi
}
helps() {
	usage=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "usage: $usage" ] && [ ! -s "$tmp/err" ]; then
		echo "ok   ${*:2}: $(cat "$tmp/out")"
	else
		echo "FAIL ${*:2}: exit $rc, want 0 and 'usage: $usage' on stdout alone:"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -n 5
		fail=1
	fi
}
