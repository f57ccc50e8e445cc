# Time of each engine over the JIT with precise roots, per program (log scale).
# bench/report.py sets datadir, outfile, the terminal, ratio_columns and ratio_colors; data:
# time-ratio.dat.
set title "Time relative to the JIT with precise roots (median of the run; below 1 = faster)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.0625:64]
set ytics ("1/16" 0.0625, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64)
set grid ytics
set xtics rotate by -35 nomirror
set key top left horizontal
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 1.5 dt 2 lc rgb "black"
# One series per column of the data file (the engines that ran; report.py sets ratio_columns
# and ratio_colors, one colour per column).
plot for [i=2:ratio_columns+1] datadir.'/time-ratio.dat' using i:xtic(1) title columnheader(i) \
     lc rgb word(ratio_colors, i - 1)
