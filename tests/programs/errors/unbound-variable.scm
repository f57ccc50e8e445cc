; exit: 1
; A reference to a global that was never defined; output before the error is kept.
(display "before") (newline)
(define (use) (+ 1 undefined-thing))
(use)
