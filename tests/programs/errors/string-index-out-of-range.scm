; exit: 1
; string-ref past the end, reached through a loop.
(define s "abc")
(define (walk i) (display (string-ref s i)) (walk (+ i 1)))
(walk 0)
