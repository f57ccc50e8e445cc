; exit: 1
; A table constructor given a negative initial size.
(display "before") (newline)
(make-eq-hashtable -1)
(display "not reached")
