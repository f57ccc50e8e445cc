; expected: by-hand
; exit: 1
; Wrong argument types are errors naming the procedure and the value.
(define (try thunk) (thread-join! (thread-start! (make-thread thunk))))
(display "start") (newline)
(thread-start! (make-mutex))
