# cli_checks.sh - what the command-line tests share; sourced by
# tests/loadgen/cli.sh and tests/advise/advise.sh after they set $lab (the
# calloutlab binary).
#
#   fail MESSAGE   prints FAIL and counts it in $fails
#   ok MESSAGE     prints ok
#   bad WORD ARGS  runs "$lab ARGS", which must refuse them: exit status
#                  2 and exactly one line on stderr, naming WORD

fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

bad() {
	local word=$1 err status
	shift
	err=$("$lab" "$@" 2>&1 >/dev/null)
	status=$?
	if [ "$status" -ne 2 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] ||
	   [[ $err != *"$word"* ]]; then
		fail "calloutlab $*: status $status: $err"
	else
		ok "calloutlab $*: $err"
	fi
}
