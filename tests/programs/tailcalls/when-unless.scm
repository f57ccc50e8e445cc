; stress: stress=10000,verify=0
; 10^7 tail calls at the end of when and unless bodies.
(define result 'unset)
(define (w n) (when (>= n 0) (set! result n) (w (- n 1))))
(w 10000000)
(write result) (newline)
(define (u n acc) (unless (= n 0) (set! result acc) (u (- n 1) (+ acc 1))))
(u 10000000 0)
(write result) (newline)
