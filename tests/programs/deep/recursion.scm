; stress: stress=100000,verify=0
; 1,000,000-deep non-tail recursion works (the engine runs on a large stack).
(define (count-up n) (if (= n 0) 0 (+ 1 (count-up (- n 1)))))
(write (count-up 1000000)) (newline)
(define (build n) (if (= n 0) '() (cons n (build (- n 1)))))
(define lst (build 1000000))
(write (length lst)) (newline)
(write (car lst)) (newline)
(define (sum l) (if (null? l) 0 (+ (car l) (sum (cdr l)))))
(write (sum lst)) (newline)
