# throughput_threads.gp - operations per second the load generator carried
# out, per backend, with 1 thread (solid) and 2 threads (dashed), vs
# connections, log-log; left: connections freed after callout_drain, right:
# after callout_async_drain.  The generator follows a plan of --rate
# segments per connection per second: the grey line is that offered load
# (rate x conns, from the runs' JSON); a backend below it could not keep up.
# Data: loadgen/sweep/*.json, ops_per_sec.
load ARG0[1:strlen(ARG0) - strlen("throughput_threads.gp")]."common.gp"
load data."throughput_sync.inc"
load data."throughput_async.inc"

do for [fmt in formats] {
	eval term2(fmt)
	eval output("throughput_threads", fmt)
	set multiplot title "Load-generator throughput vs threads and connections (grey: offered load)\n".subtitle
	set logscale xy
	set format x fmt_pow
	set format y "%g"
	set xlabel "connections (log)"
	set ylabel "operations per second (log)"

	eval panel_left
	set title "drain sync (callout_drain, then free)"
	if (throughput_sync_n == 0) {
		nodata_note = throughput_sync_note
		eval nodata
	} else {
		plot for [i=1:throughput_sync_n] data."throughput_sync.dat" index (i-1) \
		    using 1:2 with linespoints lc rgb throughput_sync_color[i] \
		    dt throughput_sync_dt[i] pt throughput_sync_pt[i] \
		    title throughput_sync_title[i]
	}

	eval panel_right
	set logscale xy
	set title "drain async (free from the callout_async_drain function)"
	if (throughput_async_n == 0) {
		nodata_note = throughput_async_note
		eval nodata
	} else {
		plot for [i=1:throughput_async_n] data."throughput_async.dat" index (i-1) \
		    using 1:2 with linespoints lc rgb throughput_async_color[i] \
		    dt throughput_async_dt[i] pt throughput_async_pt[i] \
		    title throughput_async_title[i]
	}
	unset multiplot
	unset output
}
