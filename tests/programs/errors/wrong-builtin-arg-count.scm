; exit: 1
; A built-in procedure called with the wrong number of arguments.
(display "start") (newline)
(car '(1) '(2))
