# tick_tail.gp - the distribution of per-tick costs (each tick timed alone
# by micro_ticks, bench/micro/ticks.c), as a percentile spectrum: x is the
# percentile on a "nines" scale, y the cost of a tick at that percentile
# (log).  A step shows a rare expensive tick, such as a hierarchical
# wheel's cascade (one tick in 64 for a 64-slot level).  Two panels: the
# busy tick and the empty tick, each at the largest N of ticks.json.
# Data: ticks.json (tail points).  Wall clock: a tick during which the
# thread lost its CPU counts the wait (the count of such preemptions is in
# ticks.json, `preempted`).
load ARG0[1:strlen(ARG0) - strlen("tick_tail.gp")]."common.gp"
load data."spectrum_tick_busy.inc"
load data."spectrum_tick_empty.inc"

do for [fmt in formats] {
	eval term2(fmt)
	eval output("tick_tail", fmt)
	set multiplot title "Per-tick cost distribution: each 1 ms tick timed alone (".ticks_count." ticks per line; wall clock)\n".subtitle
	eval nines_tics
	set logscale y
	unset logscale x
	set format y fmt_time
	set xrange [0:*]
	set xlabel "percentile of ticks (last point: the most expensive tick)"
	set ylabel "time per tick (log)"

	eval panel_left
	set title "busy tick, N = ".ticks_busy_n." periodic timers (".ticks_preempted." preemptions during the busy runs)"
	if (spectrum_tick_busy_n == 0) {
		nodata_note = spectrum_tick_busy_note
		eval nodata
	} else {
		plot for [i=1:spectrum_tick_busy_n] data."spectrum_tick_busy.dat" index (i-1) \
		    using 1:($2 * 1e-9) with linespoints lc rgb spectrum_tick_busy_color[i] \
		    dt spectrum_tick_busy_dt[i] pt spectrum_tick_busy_pt[i] \
		    title spectrum_tick_busy_title[i]
	}

	eval panel_right
	eval nines_tics
	set logscale y
	set format y fmt_time
	set xrange [0:*]
	set title "empty tick, N = ".ticks_empty_n." far timers"
	if (spectrum_tick_empty_n == 0) {
		nodata_note = spectrum_tick_empty_note
		eval nodata
	} else {
		plot for [i=1:spectrum_tick_empty_n] data."spectrum_tick_empty.dat" index (i-1) \
		    using 1:($2 * 1e-9) with linespoints lc rgb spectrum_tick_empty_color[i] \
		    dt spectrum_tick_empty_dt[i] pt spectrum_tick_empty_pt[i] \
		    title spectrum_tick_empty_title[i]
	}
	unset multiplot
	unset output
}
