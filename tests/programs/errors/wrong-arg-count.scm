; exit: 1
; A procedure called with too many arguments.
(define (two a b) (+ a b))
(display (two 1 2)) (newline)
(display (two 1 2 3)) (newline)
