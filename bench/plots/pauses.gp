# Cumulative distribution of pause times, JIT with precise roots, one curve per program.
# bench/report.py sets datadir, outfile, pause_series (program names) and the terminal.
set title "Pause-time distribution (JIT, precise roots; all repetitions)"
set xlabel "pause (ms, log scale)"
set ylabel "fraction of pauses at most this long"
set logscale x 10
set yrange [0:1.02]
set grid
set key bottom right
if (strlen(pause_series) == 0) {
  set label "no program collected often enough" at graph 0.5, 0.5 center
  plot 2 notitle
} else {
  plot for [p in pause_series] datadir.'/pause-'.p.'.dat' using 1:2 with steps lw 2 title p
}
