# lateness_cdf.gp - how late callouts fire under the TCP-like load, per
# backend: the distribution of (time the function ran - its deadline) as a
# percentile spectrum (x: percentile on a "nines" scale, y: lateness, log),
# one panel per connection count (one thread, sync drain, the default
# precision).  The points are the run's lateness_cdf when it has one, else
# its percentiles (p50, p99, p99.9, max).  Data: loadgen/sweep/*.json.
load ARG0[1:strlen(ARG0) - strlen("lateness_cdf.gp")]."common.gp"
load data."lateness.inc"

do for [fmt in formats] {
	eval term4(fmt, lateness_np)
	eval output("lateness_cdf", fmt)
	set multiplot title "Firing lateness under the TCP-like load (".load_config.")\n".subtitle
	if (lateness_n == 0) {
		eval panel_left
		nodata_note = lateness_note
		eval nodata
	} else {
		do for [k=1:lateness_np] {
			eval grid_panel(k, lateness_np)
			set title sprintf("%d connections", lateness_panels[k])
			set xlabel "percentile of fired callouts (last point: the latest)"
			set ylabel "lateness: time run - deadline (log)"
			eval nines_tics
			set xrange [0:*]
			set logscale y
			set format y fmt_time
			plot for [i=1:lateness_n] data."lateness.dat" index (i-1) \
			    using 1:(lateness_panel[i] == k && $2 > 0 ? $2 * 1e-9 : NaN) \
			    with linespoints lc rgb lateness_color[i] dt lateness_dt[i] \
			    pt lateness_pt[i] title (lateness_panel[i] == k ? lateness_title[i] : "")
		}
	}
	unset multiplot
	unset output
}
