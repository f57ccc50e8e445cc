;; fib: doubly recursive Fibonacci of bench-size; procedure calls, fixnum arithmetic and
;; non-tail recursion. Checksum: (fib bench-size).
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(display (fib bench-size))
(newline)
