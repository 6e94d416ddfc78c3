#!/usr/bin/env bash
# bad_traces.sh CALLOUTLAB DIR - every trace in DIR/expected is refused with
# exactly one line on stderr, "FILE:LINE: ..." (containing the expected
# text, if any), a non-zero exit status, and nothing carried out (no report
# on stdout).
set -uo pipefail
lab=$1 dir=$2
fails=0
while read -r name line want; do
	case $name in ''|'#'*) continue ;; esac
	f=$dir/$name
	out=$("$lab" replay "$f" --manual-clock 2>/tmp/bad_traces.$$)
	status=$?
	err=$(cat /tmp/bad_traces.$$)
	if [ "$status" -eq 0 ] || [ -n "$out" ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] ||
	   [[ $err != "$f:$line: "*"$want"* ]]; then
		echo "FAIL $name: status $status, stderr: $err, stdout: ${out:0:80}"
		fails=$((fails + 1))
	else
		echo "ok   $name: $err"
	fi
done <"$dir/expected"
rm -f /tmp/bad_traces.$$
exit $((fails > 0))
