; exit: 1
; A guardian procedure takes zero arguments (take) or one (register).
(display "before") (newline)
((make-guardian) 1 2)
(display "not reached")
