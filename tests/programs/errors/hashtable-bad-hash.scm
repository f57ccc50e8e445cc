; exit: 1
; A generic table whose hash procedure returns something that is not a fixnum.
(display "before") (newline)
(hashtable-set! (make-hashtable (lambda (k) "nope") equal?) (quote a) 1)
(display "not reached")
