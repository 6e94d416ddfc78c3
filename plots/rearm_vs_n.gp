# rearm_vs_n.gp - cost of one re-arm (callout_reset of a pending timer) vs
# N pending timers, log-log: every backend through the API (solid) and as
# the bare structure (dashed), the peer libraries' own re-arm, and the
# memory-latency floor.  Data: micro.json, rearm/LEVEL/IMPL/rto/N.
load ARG0[1:strlen(ARG0) - strlen("rearm_vs_n.gp")]."common.gp"
load data."rearm.inc"

do for [fmt in formats] {
	eval term(fmt)
	eval output("rearm_vs_n", fmt)
	set title "Re-arm cost vs pending timers (deadlines U[200 ms, 2 s], random timer)\n".subtitle
	set xlabel "N, pending timers (log)"
	set ylabel "time per re-arm (log; ".micro_config.")"
	set logscale xy
	set format x fmt_pow
	set format y fmt_time
	if (rearm_n == 0) {
		nodata_note = rearm_note
		eval nodata
	} else {
		plot for [i=1:rearm_n] data."rearm.dat" index (i-1) using 1:($2 * 1e-9) \
		    with linespoints lc rgb rearm_color[i] dt rearm_dt[i] pt rearm_pt[i] \
		    title rearm_title[i]
	}
	unset output
}
