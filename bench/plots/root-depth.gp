# Root-finding cost and conservatively scanned stack by stack depth (bench/roots/depth.scm).
# bench/report.py sets datadir, outfile and the terminal; data: root-depth.dat.
set multiplot layout 1,2 title "Root finding by stack depth (bench/roots/depth.scm, medians per collection)"
set logscale xy 10
set grid
set xlabel "stack depth (frames)"
set key top left
set ylabel "root time per collection (µs)"
plot datadir.'/root-depth.dat' using 1:2 with linespoints lw 2 pt 7 title columnheader(2), \
     '' using 1:3 with linespoints lw 2 pt 5 title columnheader(3), \
     '' using 1:4 with linespoints lw 2 pt 9 title columnheader(4)
set ylabel "stack scanned conservatively per collection (KiB)"
plot datadir.'/root-depth.dat' using 1:5 with linespoints lw 2 pt 7 title "jit-precise", \
     '' using 1:6 with linespoints lw 2 pt 5 title "jit-conservative", \
     '' using 1:7 with linespoints lw 2 pt 9 title "interp"
unset multiplot
