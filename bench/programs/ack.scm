;; ack: the Ackermann function A(3, n) for n cycling through 5..8, bench-size times; very deep
;; non-tail recursion (depth about 2^(n+3)) and two-argument calls.
;; Checksum: the sum of the results.
(define (ack m n)
  (cond ((= m 0) (+ n 1))
        ((= n 0) (ack (- m 1) 1))
        (else (ack (- m 1) (ack m (- n 1))))))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (ack 3 (+ 5 (remainder i 4)))))))
(display (run bench-size 0))
(newline)
