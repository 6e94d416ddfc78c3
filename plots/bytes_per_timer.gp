# bytes_per_timer.gp - memory per pending timer vs N: the timer struct its
# user embeds plus what the structure holds for it (calloutlab: the
# backend's footprint / N; peers: the allocator's growth / N).
# Data: bytes.json.
load ARG0[1:strlen(ARG0) - strlen("bytes_per_timer.gp")]."common.gp"
load data."bytes.inc"

do for [fmt in formats] {
	eval term(fmt)
	eval output("bytes_per_timer", fmt)
	set title "Memory per pending timer vs N (timer struct + structure / N; ".bytes_alloc.")\n".subtitle
	set xlabel "N, pending timers (log)"
	set ylabel "bytes per pending timer"
	set logscale x
	set format x fmt_pow
	set yrange [0:*]
	if (bytes_n == 0) {
		nodata_note = bytes_note
		eval nodata
	} else {
		plot for [i=1:bytes_n] data."bytes.dat" index (i-1) using 1:2 \
		    with linespoints lc rgb bytes_color[i] dt bytes_dt[i] pt bytes_pt[i] \
		    title bytes_title[i]
	}
	unset output
}
