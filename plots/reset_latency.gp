# reset_latency.gp - latency of callout_reset under the TCP-like load, per
# backend, as a percentile spectrum (p50, p90, p99, p99.9, max; x on a
# "nines" scale, y log), one panel per connection count (one thread, sync
# drain).  The load generator counts an operation's latency from its
# planned time, so a thread that falls behind its plan shows here.
# Data: loadgen/sweep/*.json, latency_ns.reset.
load ARG0[1:strlen(ARG0) - strlen("reset_latency.gp")]."common.gp"
load data."reset_latency.inc"

do for [fmt in formats] {
	eval term4(fmt, reset_latency_np)
	eval output("reset_latency", fmt)
	set multiplot title "callout_reset latency under the TCP-like load (".load_config.")\n".subtitle
	if (reset_latency_n == 0) {
		eval panel_left
		nodata_note = reset_latency_note
		eval nodata
	} else {
		do for [k=1:reset_latency_np] {
			eval grid_panel(k, reset_latency_np)
			set title sprintf("%d connections", reset_latency_panels[k])
			set xlabel "percentile of resets (last point: the slowest)"
			set ylabel "latency from the planned time (log)"
			eval nines_tics
			set xrange [0:*]
			set logscale y
			set format y fmt_time
			plot for [i=1:reset_latency_n] data."reset_latency.dat" index (i-1) \
			    using 1:(reset_latency_panel[i] == k && $2 > 0 ? $2 * 1e-9 : NaN) \
			    with linespoints lc rgb reset_latency_color[i] dt reset_latency_dt[i] \
			    pt reset_latency_pt[i] title (reset_latency_panel[i] == k ? reset_latency_title[i] : "")
		}
	}
	unset multiplot
	unset output
}
