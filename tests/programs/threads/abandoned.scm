; expected: by-hand
; exit: 1
; A mutex whose owner ended while holding it is abandoned: the next mutex-lock! takes it and
; raises the error.
(define m (make-mutex))
(thread-join! (thread-start! (make-thread (lambda () (mutex-lock! m) 'took-it))))
(display "owner ended") (newline)
(mutex-lock! m)
