; exit: 1
; A closing parenthesis with no list open.
(define (f x) (* x 2)))
(display (f 2))
