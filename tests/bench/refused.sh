# refused.sh - sourced by the bench tests that feed a program bad input.
#
# refused WHAT NEEDLE CMD...: passes when CMD exits 2 with one line on
# stderr holding NEEDLE and nothing on stdout, and refused_also (a function
# the test may define, for what CMD must also have left alone) succeeds.
# Prints one ok/FAIL line; sets fail=1 on failure.  Needs $tmp.
refused_also() { true; }
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
