; expected: by-hand
; exit: 1
; make-thread wants a procedure.
(display "start") (newline)
(make-thread 42)
