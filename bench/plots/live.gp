# Mean live size after a collection, per program and engine (the suite's runs).
# bench/report.py sets datadir, outfile and the terminal; data: live.dat.
set title "Mean live MiB after a collection (median over repetitions)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set grid ytics
set xtics rotate by -35 nomirror
set ylabel "MiB"
set key top right
plot datadir.'/live.dat' using 2:xtic(1) title columnheader(2) lc rgb "#4477aa", \
     '' using 3 title columnheader(3) lc rgb "#ee6677", \
     '' using 4 title columnheader(4) lc rgb "#ccbb44"
