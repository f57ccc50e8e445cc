# A stand-in for the r7rs-benchmarks input file inputs/bib (a 4.4 MB BibTeX file that some
# snapshots of the suite lack; cat, tail and wc read it). It has exactly the original's counts
# as the suite's wc.input expects them: 31,102 lines, 851,820 words (runs of characters other
# than space and newline) and 4,460,056 characters, all ASCII. cat and tail accept any input;
# wc checks those three numbers. Deterministic:  awk -f make-bib.awk > inputs/bib
BEGIN {
  lines = 31102; words = 851820; chars = 4460056
  # Single spaces between the words of a line: the rest are letters.
  letters = chars - lines - (words - lines)
  base = int(letters / words)            # every word has base letters ...
  extra = letters - base * words         # ... and this many words one more
  alphabet = "authortitlejournalvolumeyearpagespublisherbooktitleeditorinproceedings"
  n = length(alphabet)
  w = 0; pos = 0
  for (l = 0; l < lines; l++) {
    # words spread evenly over the lines (Bresenham)
    count = int((l + 1) * words / lines) - int(l * words / lines)
    line = ""
    for (i = 0; i < count; i++) {
      len = base + (int((w + 1) * extra / words) - int(w * extra / words))
      word = ""
      for (c = 0; c < len; c++) { word = word substr(alphabet, pos % n + 1, 1); pos++ }
      line = (i == 0) ? word : line " " word
      w++
    }
    print line
  }
}
