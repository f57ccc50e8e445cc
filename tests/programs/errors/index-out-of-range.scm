; exit: 1
; vector-ref past the end.
(define v (vector 1 2 3))
(display (vector-ref v 2)) (newline)
(display (vector-ref v 10)) (newline)
