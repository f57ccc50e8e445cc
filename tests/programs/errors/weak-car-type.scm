; exit: 1
; car accepts pairs, weak pairs and ephemeron pairs, nothing else.
(display "before") (newline)
(car (make-eq-hashtable))
(display "not reached")
