; exit: 1
; make-hashtable given an equivalence that is not a procedure.
(display "before") (newline)
(make-hashtable equal-hash 5)
(display "not reached")
