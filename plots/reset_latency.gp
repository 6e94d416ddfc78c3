# reset_latency.gp - latency of callout_reset under the TCP-like load, per
# backend, as a percentile spectrum (p50, p90, p99, p99.9, max; x on a
# "nines" scale, y log).  The load generator counts an operation's latency
# from its planned time, so a thread that falls behind its plan shows here.
# Same runs as lateness_cdf.  Data: loadgen/sweep/*.json, latency_ns.reset.
load ARG0[1:strlen(ARG0) - strlen("reset_latency.gp")]."common.gp"
load data."reset_latency.inc"

do for [fmt in formats] {
	eval term(fmt)
	eval output("reset_latency", fmt)
	set title "callout_reset latency under the TCP-like load (".load_config.")\n".subtitle
	set xlabel "percentile of resets (last point: the slowest one)"
	set ylabel "latency from the planned time (log)"
	eval nines_tics
	set xrange [0:*]
	set logscale y
	set format y fmt_time
	if (reset_latency_n == 0) {
		nodata_note = reset_latency_note
		eval nodata
	} else {
		plot for [i=1:reset_latency_n] data."reset_latency.dat" index (i-1) \
		    using 1:($2 > 0 ? $2 * 1e-9 : NaN) \
		    with linespoints lc rgb reset_latency_color[i] dt reset_latency_dt[i] \
		    pt reset_latency_pt[i] title reset_latency_title[i]
	}
	unset output
}
