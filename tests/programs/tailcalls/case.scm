; stress: stress=10000,verify=0
; 10^7 tail calls from case clauses and its else clause.
(define (spin n acc)
  (case (remainder n 3)
    ((0) (if (= n 0) acc (spin (- n 1) (+ acc 1))))
    ((1) (spin (- n 1) acc))
    (else (spin (- n 1) (+ acc 10)))))
(write (spin 10000000 0)) (newline)
