# results_json.sh - reading a results folder's JSON files, shared by
# scripts/summary.sh, plots/extract.sh and paper/gen/gen.sh.  Sourced after
# PROG is set (the name their errors start with).
#
#   json_file FILE   FILE's JSON on stdout, or null when there is no FILE
#                    (older runs lack the newer files); a FILE that is there
#                    but is not JSON (empty, cut short by a killed run,
#                    corrupt) stops the caller with one line naming it:
#                    reading it as absent would print n/a, or "not
#                    measured", where a measurement was lost
#   json_runs DIR    every DIR/*.json (load generator runs) as one array,
#                    [] when there is none; each checked as json_file does,
#                    and given its file's name as run_file (what pairs the
#                    allocator control's runs)
#   metric_check     METRIC (default wall) must be wall or cpu
#
# Call json_file and json_runs directly (`json_file F >OUT`), not in $(...)
# or a pipeline, so that their exit stops the caller.

json_file() {
	if [ ! -e "$1" ]; then
		echo null
	elif jq -e . "$1" >/dev/null 2>&1; then
		cat "$1"
	else
		echo "$PROG: $1: not valid JSON (a run cut short?)" >&2
		exit 1
	fi
}

json_runs() {
	set -- "$1"/*.json
	if [ ! -e "$1" ]; then
		echo '[]'
		return
	fi
	for f in "$@"; do
		json_file "$f" >/dev/null
	done
	jq -n '[inputs | . + {run_file: (input_filename | sub(".*/"; ""))}]' "$@"
}

metric_check() {
	case "${METRIC:=wall}" in
	wall|cpu) ;;
	*) echo "$PROG: METRIC=$METRIC: not wall or cpu" >&2; exit 2 ;;
	esac
}
