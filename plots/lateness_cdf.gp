# lateness_cdf.gp - how late callouts fire under the TCP-like load, per
# backend: the distribution of (time the function ran - its deadline) as a
# percentile spectrum (x: percentile on a "nines" scale, y: lateness, log).
# One load run per backend: one thread, sync drain, the most connections
# every backend ran (load_config in the title).  The points are the run's
# lateness_cdf when it has one, else its percentiles (p50, p99, p99.9, max).
# Data: loadgen/sweep/*.json.
load ARG0[1:strlen(ARG0) - strlen("lateness_cdf.gp")]."common.gp"
load data."lateness.inc"

do for [fmt in formats] {
	eval term(fmt)
	eval output("lateness_cdf", fmt)
	set title "Firing lateness under the TCP-like load (".load_config.")\n".subtitle
	set xlabel "percentile of fired callouts (last point: the latest one)"
	set ylabel "lateness: time run - deadline (log)"
	eval nines_tics
	set xrange [0:*]
	set logscale y
	set format y fmt_time
	if (lateness_n == 0) {
		nodata_note = lateness_note
		eval nodata
	} else {
		plot for [i=1:lateness_n] data."lateness.dat" index (i-1) \
		    using 1:($2 > 0 ? $2 * 1e-9 : NaN) \
		    with linespoints lc rgb lateness_color[i] dt lateness_dt[i] pt lateness_pt[i] \
		    title lateness_title[i]
	}
	unset output
}
