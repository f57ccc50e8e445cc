;; fib: doubly recursive Fibonacci; procedure calls and fixnum arithmetic.
;; Runs unchanged under toylang, Guile 3 and Chez Scheme 9.5.
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(display (fib 34))
(newline)
