; stress: stress=500,verify=1
; Programs users write with bignums: factorials, powers, Fibonacci numbers, digit sums; the
; bignums live in lists across collections.
(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))
(define (fib n) (let loop ((a 0) (b 1) (i 0)) (if (= i n) a (loop b (+ a b) (+ i 1)))))
(define (digit-sum n) (if (= n 0) 0 (+ (remainder n 10) (digit-sum (quotient n 10)))))
(display (fact 1000)) (newline)
(display (expt 3 10000)) (newline)
(display (fib 1000)) (newline)
(write (list (digit-sum (fact 100)) (string-length (number->string (fact 1000)))
             (string-length (number->string (expt 2 10000) 16)))) (newline)
; A table of factorials held across collections.
(define table (let loop ((i 0) (acc '())) (if (> i 60) (reverse acc) (loop (+ i 1) (cons (fact i) acc)))))
(collect)
(define (check l i) (cond ((null? l) 'ok) ((= (car l) (fact i)) (check (cdr l) (+ i 1))) (else i)))
(write (check table 0)) (newline)
(write (list-ref table 60)) (newline)
(write (apply + table)) (newline)
; Catalan numbers by the exact recurrence (division exact), and powers of two in binary.
(define (catalan n) (if (= n 0) 1 (quotient (* (catalan (- n 1)) 2 (- (* 2 n) 1)) (+ n 1))))
(write (map catalan '(10 50 100))) (newline)
(write (number->string (expt 2 100) 2)) (newline)
(write (exact->inexact (/ (fact 30) (fact 28)))) (newline)
