; exit: 1
; A raise that no handler catches reports the object as `write` prints it.
(display "before") (newline)
(define (deep n) (if (= n 0) (raise (list "boom" 'x 1.5)) (+ 1 (deep (- n 1)))))
(deep 1000)
(display "never") (newline)
