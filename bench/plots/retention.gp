# Live bytes at the bottom of bench/roots/retention.scm, by depth and engine.
# bench/report.py sets datadir, outfile and the terminal; data: retention.dat.
set title "False retention: live KiB after collecting below d frames that each dropped 16 KB"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set logscale y 10
set grid ytics
set xlabel "depth d (frames)"
set ylabel "live KiB after the collection (log scale)"
set key top left
plot datadir.'/retention.dat' using 2:xtic(1) title columnheader(2) lc rgb "#4477aa", \
     '' using 3 title columnheader(3) lc rgb "#ee6677", \
     '' using 4 title columnheader(4) lc rgb "#ccbb44"
