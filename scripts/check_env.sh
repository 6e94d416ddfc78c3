# check_env.sh - the benchmark scripts' knobs (environment variables)
# checked before anything is built or written: a bad one is one line
# "PROG: NAME=VALUE: what it must be" and exit 2.  Sourced after PROG is set
# (scripts/bench.sh, bench/micro/run.sh).  Each takes the variable's NAME;
# an unset or empty variable is left alone (the script's default applies).
#
#   need_count NAME [MAX]    one whole number from 1 to MAX (default 10^9)
#   need_counts NAME [MAX [HOW_MANY]]
#                            whole numbers from 1 to MAX (default 10^9),
#                            separated by spaces, at most HOW_MANY of them
#                            (default: any number)
#   need_seconds NAME        Google Benchmark's plain number of seconds:
#                            decimal, above 0, at most 3600
#   need_times NAME          TIME (a whole number of s or ms) or CONNS:TIME
#                            pairs, separated by spaces
#   need_words NAME WORD...  each word one of WORD...
#   need_caps NAME           BACKEND:MAX_CONNS pairs
#   need_precisions NAME     0, or 1/N with N a power of two

env_bad() {	# NAME VALUE WHAT
	echo "$PROG: $1=$2: $3" >&2
	exit 2
}

env_value() {	# NAME: its value
	eval "printf '%s' \"\${$1:-}\""
}

env_is_count() {	# VALUE MAX: a whole number from 1 to MAX
	case $1 in
	'' | 0* | *[!0-9]*) return 1 ;;
	esac
	[ ${#1} -le 10 ] && [ "$1" -le "$2" ]
}

env_is_time() {
	case $1 in
	*ms) env_is_count "${1%ms}" 86400000 ;;
	*s) env_is_count "${1%s}" 86400 ;;
	*) return 1 ;;
	esac
}

need_counts() {
	v=$(env_value "$1")
	[ -n "$v" ] || return 0
	n=0
	for w in $v; do
		env_is_count "$w" "${2:-1000000000}" ||
			env_bad "$1" "$v" "'$w' is not a whole number from 1 to ${2:-1000000000}"
		n=$((n + 1))
	done
	[ -z "${3:-}" ] || [ "$n" -le "$3" ] ||
		env_bad "$1" "$v" "$n values, at most $3"
}

need_count() {
	v=$(env_value "$1")
	[ -n "$v" ] || return 0
	env_is_count "$v" "${2:-1000000000}" ||
		env_bad "$1" "$v" "not one whole number from 1 to ${2:-1000000000}"
}

need_seconds() {
	v=$(env_value "$1")
	[ -n "$v" ] || return 0
	case $v in
	*[!0-9.]* | *.*.* | . | .* | *.) env_bad "$1" "$v" "not a plain decimal number of seconds" ;;
	esac
	awk -v s="$v" 'BEGIN { exit !(s > 0 && s <= 3600) }' ||
		env_bad "$1" "$v" "not above 0 and at most 3600 seconds"
}

need_times() {
	v=$(env_value "$1")
	[ -n "$v" ] || return 0
	for w in $v; do
		case $w in
		*:*) env_is_count "${w%%:*}" 1000000000 && env_is_time "${w#*:}" ;;
		*) env_is_time "$w" ;;
		esac || env_bad "$1" "$v" "'$w' is not TIME or CONNS:TIME (TIME: whole s or ms, such as 2s or 300ms)"
	done
}

need_words() {
	name=$1
	shift
	v=$(env_value "$name")
	[ -n "$v" ] || return 0
	for w in $v; do
		case " $* " in
		*" $w "*) ;;
		*) env_bad "$name" "$v" "'$w' is not one of: $*" ;;
		esac
	done
}

need_caps() {
	v=$(env_value "$1")
	[ -n "$v" ] || return 0
	for w in $v; do
		case $w in
		[a-z]*:*) env_is_count "${w#*:}" 1000000000 ;;
		*) false ;;
		esac || env_bad "$1" "$v" "'$w' is not BACKEND:MAX_CONNS"
	done
}

need_precisions() {
	v=$(env_value "$1")
	[ -n "$v" ] || return 0
	for w in $v; do
		case $w in
		0) continue ;;
		1/*) n=${w#1/}
		     env_is_count "$n" 1073741824 && [ $((n & (n - 1))) -eq 0 ] && continue ;;
		esac
		env_bad "$1" "$v" "'$w' is not 0 or 1/N with N a power of two"
	done
}
