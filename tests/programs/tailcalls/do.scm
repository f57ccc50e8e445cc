; stress: stress=10000,verify=0
; A do loop of 10^7 iterations, and a procedure tail-calling itself from a do's result expression.
(write (do ((i 0 (+ i 1)) (acc 0 (+ acc 3))) ((= i 10000000) acc))) (newline)
(define (hop n) (do ((k 0 (+ k 1))) ((= k 1) (if (= n 0) 'hop-done (hop (- n 1))))))
(write (hop 1000000)) (newline)
