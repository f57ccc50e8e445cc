; expected: by-hand
; exit: 1
; thread-join! re-raises the error that ended the thread, with its position in the thread.
(define (bad x) (vector-ref x 10))
(define t (thread-start! (make-thread (lambda () (bad (vector 1 2 3))))))
(display "started") (newline)
(thread-join! t)
(display "not reached") (newline)
