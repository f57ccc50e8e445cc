; exit: 1
; symbol-hash given a string.
(display "before") (newline)
(symbol-hash "abc")
(display "not reached")
