; exit: 1
; A record accessor applied to something that is not that record type.
(define-record-type point (make-point x y) point? (x point-x) (y point-y))
(define-record-type <size> (make-size w) size? (w size-w))
(display (point-x (make-point 1 2))) (newline)
(display (point-x (make-size 3))) (newline)
