# common.gp - loaded first by every figure script: the inputs, the look of
# the charts, and the two output formats.
#
# A figure script is run as
#   gnuplot -e "results='results/HOST/RUN'" plots/FIGURE.gp
# after plots/extract.sh has written results/HOST/RUN/plots/data/; it
# writes results/HOST/RUN/plots/FIGURE.svg and FIGURE.png.

if (!exists("results")) {
	exit error "usage: gnuplot -e \"results='results/HOST/RUN'\" plots/FIGURE.gp"
}
data = results."/plots/data/"
out = results."/plots/"
# The data step (plots/extract.sh, jq), when it has not run on this folder.
last_slash(s, i) = i < 1 ? 0 : (s[i:i] eq "/" ? i : last_slash(s, i - 1))
plots_dir = last_slash(ARG0, strlen(ARG0)) == 0 ? "." : ARG0[1:last_slash(ARG0, strlen(ARG0)) - 1]
if (system(sprintf("test -f '%slabels.gp' && echo yes", data)) ne "yes") {
	print system(sprintf("sh '%s/extract.sh' '%s' 2>&1 && echo 'extracted the data of %s'", plots_dir, results, results))
}
load data."labels.gp"

subtitle = sprintf("%s | commit %s | %s | %s run", machine, commit, run_date, run_mode)

# Both formats from one script: `do for [fmt in formats] { eval term(fmt) ... }`.
formats = "svg png"
term_svg = 'set terminal svg size 1100,650 dynamic noenhanced font "DejaVu Sans,14" background rgb "white" linewidth 1.4'
term_png = 'set terminal pngcairo size 1100,650 noenhanced font "DejaVu Sans,11" background rgb "white" linewidth 1.4'
term(fmt) = fmt eq "svg" ? term_svg : term_png
output(name, fmt) = sprintf('set output "%s%s.%s"', out, name, fmt)

set encoding utf8
set micro
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 0.6
set border 3
set tics nomirror
set key outside right top box opaque Left reverse samplen 3 spacing 1.1
set pointsize 0.9

# Powers of ten as 1e3, 1e6 (no enhanced text: names keep their _).
fmt_pow = "1e%T"

# The percentile-spectrum x axis: x = -log10(1 - p); a line's last point is
# its maximum, at log10(samples).
nines_tics = 'set xtics ("" 0, "50%%" 0.30103, "90%%" 1, "99%%" 2, "99.9%%" 3, "99.99%%" 4, "99.999%%" 5, "" 6); set autoscale xfixmax'

# A panel with nothing to show says why, and shows no number.
nodata_note = ""
nodata = 'unset logscale; unset key; set xrange [0:1]; set yrange [0:1]; unset xtics; unset ytics; unset grid; set label 99 "n/a: ".nodata_note at graph 0.5, 0.5 center font ",16"; plot 2 notitle; unset label 99; set xtics; set ytics; set grid'

# Two panels side by side with one key, at the right, for both: the right
# panel must be the one with every series (or the same series as the left).
term_svg2 = 'set terminal svg size 1500,650 dynamic noenhanced font "DejaVu Sans,14" background rgb "white" linewidth 1.4'
term_png2 = 'set terminal pngcairo size 1500,650 noenhanced font "DejaVu Sans,11" background rgb "white" linewidth 1.4'
term2(fmt) = fmt eq "svg" ? term_svg2 : term_png2
panel_left = 'set tmargin at screen 0.86; set bmargin at screen 0.12; set lmargin at screen 0.065; set rmargin at screen 0.395; unset key'
key_right = 'set key at screen 0.995, screen 0.86 right top box opaque Left reverse'
panel_right = 'set tmargin at screen 0.86; set bmargin at screen 0.12; set lmargin at screen 0.475; set rmargin at screen 0.80; '.key_right

# Times read best with an SI prefix: plot seconds (ns * 1e-9) with this
# format, and the axis reads 500 ns, 20 µs, 3 ms.
fmt_time = "%.0s %cs"

# Up to 4 panels (1 row for 1 or 2, else 2 x 2) with one key at the right,
# drawn by the first panel: `eval grid_panel(k, np)` before panel k's plot.
term_svg4 = 'set terminal svg size 1500,1000 dynamic noenhanced font "DejaVu Sans,14" background rgb "white" linewidth 1.4'
term_png4 = 'set terminal pngcairo size 1500,1000 noenhanced font "DejaVu Sans,11" background rgb "white" linewidth 1.4'
term4(fmt, np) = np > 2 ? (fmt eq "svg" ? term_svg4 : term_png4) : term2(fmt)
grid_cols(np) = np > 1 ? 2 : 1
grid_rows(np) = np > 2 ? 2 : 1
grid_top(np) = np > 2 ? 0.90 : 0.86
grid_w(np) = 0.74 / grid_cols(np)
grid_h(np) = (grid_top(np) - 0.04) / grid_rows(np)
grid_l(k, np) = 0.065 + ((k - 1) % grid_cols(np)) * grid_w(np)
grid_t(k, np) = grid_top(np) - ((k - 1) / grid_cols(np)) * grid_h(np)
grid_panel(k, np) = sprintf('set lmargin at screen %g; set rmargin at screen %g; set tmargin at screen %g; set bmargin at screen %g; %s', \
    grid_l(k, np), grid_l(k, np) + grid_w(np) - 0.075, grid_t(k, np) - 0.035, grid_t(k, np) - grid_h(np) + 0.07, \
    k == 1 ? sprintf('set key at screen 0.995, screen %g right top box opaque Left reverse', grid_top(np) - 0.035) : 'unset key')
