; expected: by-hand
; exit: 1
; A thread is joined once; a second join is an error.
(define t (thread-start! (make-thread (lambda () 'result))))
(display (thread-join! t)) (newline)
(thread-join! t)
