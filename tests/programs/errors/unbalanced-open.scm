; exit: 1
; The input ends inside an open list.
(define (g x)
  (display (+ x 1))
