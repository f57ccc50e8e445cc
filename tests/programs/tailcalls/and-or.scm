; stress: stress=10000,verify=0
; 10^7 tail calls in the last position of and / or.
(define (all-positive n) (or (= n 0) (and (> n 0) (all-positive (- n 1)))))
(write (all-positive 10000000)) (newline)
(define (find-zero n) (and (>= n 0) (or (= n 0) (find-zero (- n 1)))))
(write (find-zero 10000000)) (newline)
