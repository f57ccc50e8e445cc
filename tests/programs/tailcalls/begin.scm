; stress: stress=10000,verify=0
; 10^7 tail calls in the last expression of begin and of lambda bodies.
(define side 0)
(define (b n) (if (= n 0) side (begin (set! side (+ side 1)) (b (- n 1)))))
(write (b 10000000)) (newline)
(define (body n) (set! side n) (if (= n 0) 'body-done (body (- n 1))))
(write (body 10000000)) (newline)
