; exit: 1
; string-hash given a symbol.
(display "before") (newline)
(string-hash (quote abc))
(display "not reached")
