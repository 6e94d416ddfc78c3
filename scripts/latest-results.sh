#!/bin/sh
# latest-results.sh [RESULTS_ROOT] - print the newest results folder.
#
# Folders are results/HOST/DATE-GITSHA[-K] with DATE like 20261121T0712Z,
# so the newest is the greatest name: this host's newest if this host has
# any, else the newest of any host.  There is no `latest` symlink.  Only
# finished runs count (meta.json's status): a run that was killed, or is
# still going, is passed over with a note on stderr.  Exits 1, with a
# message, when there is none.
set -eu

root=${1:-$(cd "$(dirname "$0")/.." && pwd)/results}
host=$(hostname -s 2>/dev/null || hostname)

newest() {
	# Folders only (README.md sits beside them), by name, newest last.
	for d in "$@"; do
		[ -d "$d" ] && [ -f "$d/meta.json" ] || continue
		status=$(jq -r '.status // "unknown"' "$d/meta.json" 2>/dev/null) ||
			status="not JSON"
		if [ "$status" = finished ]; then
			printf '%s\t%s\n' "$(basename "$d")" "$d"
		else
			echo "latest-results.sh: passing over $d (meta.json status: $status)" >&2
		fi
	done | sort | tail -n 1 | cut -f 2
}

dir=
if [ -d "$root/$host" ]; then
	dir=$(newest "$root/$host"/*)
fi
if [ -z "$dir" ]; then
	dir=$(newest "$root"/*/*)
fi
if [ -z "$dir" ]; then
	echo "latest-results.sh: no results folder under $root (run make bench)" >&2
	exit 1
fi
printf '%s\n' "$dir"
