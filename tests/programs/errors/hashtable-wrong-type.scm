; exit: 1
; A hash-table operation given something that is not a table.
(display "before") (newline)
(hashtable-set! (vector 1) 1 2)
(display "not reached")
