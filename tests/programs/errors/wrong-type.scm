; exit: 1
; A built-in given a value of the wrong type; the message writes the value.
(display "before") (newline)
(define (first x) (car x))
(display (first 42))
