# precision_wakeups.gp - coalescing: with a precision window (C_PREL, a
# fraction of each delay) the core may run a callout anywhere in
# [deadline, deadline + window] and so serve several with one wake-up.
# Left: wake-ups per second vs the precision (0 to 1/8 of the delay);
# right: the price, p99 firing lateness, against wake-ups per second, one
# point per precision (labelled).  Data: loadgen/precision/*.json.
load ARG0[1:strlen(ARG0) - strlen("precision_wakeups.gp")]."common.gp"
load data."precision.inc"

do for [fmt in formats] {
	eval term2(fmt)
	eval output("precision_wakeups", fmt)
	set multiplot title "Coalescing: wake-ups per second vs precision, and against p99 lateness (".prec_config.")\n".subtitle

	eval panel_left
	unset logscale
	set format y "%g"
	set title "wake-ups vs precision"
	set xlabel "precision window, fraction of the delay (0 = exact)"
	set ylabel "wake-ups per second"
	set xtics ("0" 0, "1/64" 1.0/64, "1/32" 1.0/32, "1/16" 1.0/16, "1/8" 1.0/8)
	set xrange [-0.005:0.13]
	set yrange [0:*]
	if (precision_n == 0) {
		nodata_note = precision_note
		eval nodata
	} else {
		plot for [i=1:precision_n] data."precision.dat" index (i-1) using 1:2 \
		    with linespoints lc rgb precision_color[i] dt precision_dt[i] \
		    pt precision_pt[i] title precision_title[i]
	}

	eval panel_right
	set title "the trade-off: each point one precision"
	set xlabel "wake-ups per second"
	set ylabel "p99 firing lateness (log)"
	set xtics autofreq
	set xrange [*:*]
	set yrange [*:*]
	set logscale y
	set format y fmt_time
	if (precision_n == 0) {
		nodata_note = precision_note
		eval nodata
	} else {
		plot for [i=1:precision_n] data."precision.dat" index (i-1) using 2:($3 * 1e-6) \
		    with linespoints lc rgb precision_color[i] dt precision_dt[i] \
		    pt precision_pt[i] title precision_title[i], \
		    for [i=1:precision_n] data."precision.dat" index (i-1) using 2:($3 * 1e-6):4 \
		    with labels offset char 0.7, char (1.1 * i - 0.6) left tc rgb precision_color[i] notitle
	}
	unset multiplot
	unset output
}
