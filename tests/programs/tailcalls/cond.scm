; stress: stress=10000,verify=0
; 10^7 tail calls from cond clauses (a middle clause, else and =>).
(define (count n acc)
  (cond ((= n 0) acc)
        ((odd? n) (count (- n 1) (+ acc 1)))
        (else (count (- n 1) acc))))
(write (count 10000000 0)) (newline)
(define (arrow n)
  (cond ((= n 0) 'done)
        ((- n 1) => arrow)))
(write (arrow 10000000)) (newline)
