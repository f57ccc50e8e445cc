; expected: by-hand
; exit: 1
; Unlocking a mutex that another thread holds is an error (SRFI-18 allows it; toylang does not).
(define m (make-mutex))
(thread-join! (thread-start! (make-thread (lambda () (mutex-lock! m)))))
(display "locked by a thread that ended") (newline)
(mutex-lock! (make-mutex))
(define other (make-mutex))
(define t (thread-start! (make-thread (lambda () (mutex-lock! other) (thread-sleep! 1000)))))
(thread-sleep! 0.02)
(mutex-unlock! other)
