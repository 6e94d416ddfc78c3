# tick_vs_n.gp - cost of one 1 ms tick vs N pending timers, log-log, two
# panels: the busy tick (N periodic 1 s timers with random phases, N/1000
# fire per tick, each re-arming itself) and the empty tick (N deadlines
# 30-60 days away: nothing fires).  Means over batches of 64 ticks; their
# tail is in tick_tail.  Peers have no simulated clock: their "tick" is one
# non-blocking pass of their loop, in the empty panel only.
# Data: micro.json, tick_busy/*/*/period1s/N and tick_empty/*/*/far/N.
load ARG0[1:strlen(ARG0) - strlen("tick_vs_n.gp")]."common.gp"
load data."tick_busy.inc"
load data."tick_empty.inc"

do for [fmt in formats] {
	eval term2(fmt)
	eval output("tick_vs_n", fmt)
	set multiplot title "Cost of one tick vs pending timers (mean of 64-tick batches; ".micro_config.")\n".subtitle
	set logscale xy
	set format x fmt_pow
	set format y fmt_time
	set xlabel "N, pending timers (log)"
	set ylabel "time per tick (log)"

	eval panel_left
	set title "busy: N periodic 1 s timers, N/1000 fire per tick"
	if (tick_busy_n == 0) {
		nodata_note = tick_busy_note
		eval nodata
	} else {
		plot for [i=1:tick_busy_n] data."tick_busy.dat" index (i-1) using 1:($2 * 1e-9) \
		    with linespoints lc rgb tick_busy_color[i] dt tick_busy_dt[i] \
		    pt tick_busy_pt[i] title tick_busy_title[i]
	}

	eval panel_right
	set logscale xy
	set format y fmt_time
	set title "empty: N timers 30-60 days away, none fires"
	if (tick_empty_n == 0) {
		nodata_note = tick_empty_note
		eval nodata
	} else {
		plot for [i=1:tick_empty_n] data."tick_empty.dat" index (i-1) using 1:($2 * 1e-9) \
		    with linespoints lc rgb tick_empty_color[i] dt tick_empty_dt[i] \
		    pt tick_empty_pt[i] title tick_empty_title[i]
	}
	unset multiplot
	unset output
}
