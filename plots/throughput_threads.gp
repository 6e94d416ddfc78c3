# throughput_threads.gp - operations per second the load generator carried
# out, per backend, with 1 thread (solid) and 2 threads (dashed), vs
# connections, log-log; left: connections freed after callout_drain, right:
# after callout_async_drain.  The generator follows a plan of --rate
# segments per connection per second; a run that took more than 1.1 times
# its planned duration could not keep up with it, and is marked with a
# square ("behind plan"): there ops/s is what the machine managed.
# Data: loadgen/sweep/*.json, ops_per_sec, elapsed_s, duration_s.
load ARG0[1:strlen(ARG0) - strlen("throughput_threads.gp")]."common.gp"
load data."throughput_sync.inc"
load data."throughput_async.inc"
load data."behind_sync.inc"
load data."behind_async.inc"
behind_title = "behind plan (> 1.1x)"

do for [fmt in formats] {
	eval term2(fmt)
	eval output("throughput_threads", fmt)
	set multiplot title "Load-generator throughput vs threads and connections (1 thread solid, 2 threads dashed)\n".subtitle
	set logscale xy
	set xrange [sweep_conns_min / 2.0 : sweep_conns_max * 2.0]
	set format x fmt_pow
	set format y "%.0s%c"
	set xlabel "connections (log)"
	set ylabel "operations per second (log)"

	# The key (drawn by the left panel, at the right) names every series.
	eval panel_left
	eval key_right
	set title "drain sync (callout_drain, then free)"
	if (throughput_sync_n == 0) {
		nodata_note = throughput_sync_note
		eval nodata
	} else {
		plot for [i=1:throughput_sync_n] data."throughput_sync.dat" index (i-1) \
		    using 1:2 with linespoints lc rgb throughput_sync_color[i] \
		    dt throughput_sync_dt[i] pt throughput_sync_pt[i] \
		    title throughput_sync_title[i], \
		    data."behind_sync.dat" using 1:2 with points pt 4 ps 2.2 lc rgb "black" \
		    title (behind_sync_n > 0 ? behind_title : "")
	}

	eval panel_right
	unset key
	set logscale xy
	set xrange [sweep_conns_min / 2.0 : sweep_conns_max * 2.0]
	set format y "%.0s%c"
	set title "drain async (free from the callout_async_drain function)"
	if (throughput_async_n == 0) {
		nodata_note = throughput_async_note
		eval nodata
	} else {
		plot for [i=1:throughput_async_n] data."throughput_async.dat" index (i-1) \
		    using 1:2 with linespoints lc rgb throughput_async_color[i] \
		    dt throughput_async_dt[i] pt throughput_async_pt[i] \
		    title throughput_async_title[i], \
		    data."behind_async.dat" using 1:2 with points pt 4 ps 2.2 lc rgb "black" \
		    notitle
	}
	unset multiplot
	unset output
}
