; The program ends while one thread still loops and another waits for a mutex: the program
; exits at once, with the primordial thread's status, as SRFI-18 says.
(define m (make-mutex))
(mutex-lock! m)
(define spinner (thread-start! (make-thread (lambda () (let loop ((i 0)) (loop (+ i 1)))))))
(define waiter (thread-start! (make-thread (lambda () (mutex-lock! m) 'never))))
(define sleeper (thread-start! (make-thread (lambda () (thread-sleep! 1000) 'never))))
(thread-sleep! 0.01)
(display "main done") (newline)
