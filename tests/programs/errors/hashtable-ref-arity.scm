; exit: 1
; hashtable-ref requires the default, as in Chez.
(display "before") (newline)
(hashtable-ref (make-eq-hashtable) (quote a))
(display "not reached")
