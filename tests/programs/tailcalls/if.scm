; stress: stress=10000,verify=0
; 10^7 iterations through tail calls in both branches of if: constant stack.
(define (loop-then n acc) (if (> n 0) (loop-then (- n 1) (+ acc 1)) acc))
(define (loop-else n acc) (if (= n 0) acc (loop-else (- n 1) (+ acc 2))))
(write (loop-then 10000000 0)) (newline)
(write (loop-else 10000000 0)) (newline)
