; exit: 1
; hashtable-update! given something that is not a procedure.
(display "before") (newline)
(hashtable-update! (make-eqv-hashtable) 1 5 0)
(display "not reached")
