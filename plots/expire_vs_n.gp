# expire_vs_n.gp - cost of an expiry per fired timer vs N, log-log: N
# timers made due within one second, the clock moved past all of them, the
# expiry run once (callout_advance at the api level, the structure's
# expire at the backend level, one loop pass for the peers).
# Data: micro.json, expire/LEVEL/IMPL/spread1s/N (time / fired).
load ARG0[1:strlen(ARG0) - strlen("expire_vs_n.gp")]."common.gp"
load data."expire.inc"

do for [fmt in formats] {
	eval term(fmt)
	eval output("expire_vs_n", fmt)
	set title "Expiry cost per fired timer vs timers due (N deadlines within 1 s, expired at once)\n".subtitle
	set xlabel "N, timers due (log)"
	set ylabel "time per fired timer (log; ".micro_config.")"
	set logscale xy
	set format x fmt_pow
	set format y fmt_time
	if (expire_n == 0) {
		nodata_note = expire_note
		eval nodata
	} else {
		plot for [i=1:expire_n] data."expire.dat" index (i-1) using 1:($2 * 1e-9) \
		    with linespoints lc rgb expire_color[i] dt expire_dt[i] pt expire_pt[i] \
		    title expire_title[i]
	}
	unset output
}
