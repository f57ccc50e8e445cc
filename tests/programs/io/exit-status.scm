; exit: 3
; (exit n) ends the program at once with status n; output written before it is kept.
(display "before exit") (newline)
(define (leave) (exit 3))
(leave)
(display "never printed") (newline)
