; A call whose operator is a global variable uses the value the global has after the operands
; are evaluated (R7RS leaves the order open; both engines read it last, see docs/toylang.md).
; Expected output written by hand.
(define (f x) (list 'old x))
(write (f (begin (set! f (lambda (x) (list 'new x))) 1)))
(newline)
(define plus +)
(write (+ (begin (set! + -) 5) 1))
(newline)
(set! + plus)
(write (+ 1 (+ 1 (+ 1 0))))
(newline)
(define (g . args) (cons 'g args))
(define (h) (g (begin (set! g list) 1) 2 3 4 5 6 7 8))
(write (h))
(newline)
