# SPDX-License-Identifier: GPL-2.0
# plot.gp - the benchmark picture, called by bench/report.py:
#   gnuplot -e "dir='RAWDIR'; out='X.png'; paths='nptty socat tcp'; ttl='...'" plot.gp
# Top left: round-trip latency tails (fraction of round trips slower than
# x, all repetitions).  Top right: bulk throughput.  Bottom left: CPU per
# MB.  Bottom right: context switches per round trip (a count: the host's
# load does not move it).  Bars: median; whiskers: min and max of the
# repetitions.

set terminal pngcairo size 1400,1000 font "DejaVu Sans,11"
set output out
set multiplot layout 2,2 title ttl font ",13"

color(p) = p eq "nptty" ? "#1f6fb4" : p eq "socat" ? "#e07b18" : "#6b6b6b"

# --- latency tails ---
set title "8-byte request/response round trip (all repetitions)"
set logscale xy
set xlabel "round-trip time (µs)"
set ylabel "fraction of round trips slower"
set format y "10^{%L}"
set format x "10^{%L}"
set yrange [0.0005:1.05]
set grid xtics ytics mxtics
set key bottom left
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc "#999999"
set arrow 2 from graph 0, first 0.01 to graph 1, first 0.01 nohead dt 3 lc "#999999"
set arrow 3 from graph 0, first 0.001 to graph 1, first 0.001 nohead dt 3 lc "#999999"
set label 1 "p50" at graph 0.98, first 0.55 right tc "#777777"
set label 2 "p99" at graph 0.98, first 0.011 right tc "#777777"
set label 3 "p99.9" at graph 0.98, first 0.0011 right tc "#777777"
plot for [p in paths] dir."/cdf-".p.".dat" using 1:2 with steps lw 2.5 \
	lc rgb color(p) title p
unset arrow
unset label
unset format y
unset format x

# --- throughput ---
set title "bulk throughput (MB/s, log scale)"
unset logscale x
set logscale y
set format y "%g"
set yrange [*:*]
set xlabel ""
set ylabel "MB/s"
set style data histograms
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid noxtics ytics
set key top left
set xtics nomirror
plot dir."/bulk.dat" using 2:3:4:xtic(1) lc rgb "#1f6fb4" title "write (host -> remote)", \
	"" using 5:6:7 lc rgb "#8fbde6" title "read (remote -> host)"

# --- CPU per MB ---
set title "CPU time per MB moved (whole guest, log scale)"
set ylabel "CPU seconds per MB"
plot dir."/bulk.dat" using 8:9:10:xtic(1) lc rgb "#b44a1f" title "write", \
	"" using 11:12:13 lc rgb "#e6a58f" title "read"

# --- context switches per round trip ---
set title "context switches per 8-byte round trip (the whole guest)"
unset logscale y
set yrange [0:*]
set ylabel "context switches"
set style histogram errorbars gap 3 lw 1.5
plot dir."/bulk.dat" using 14:15:16:xtic(1) lc rgb "#5b8c3a" title "per round trip"

unset multiplot
