; A thread whose thunk fails and that nobody joins: the program goes on and exits normally.
(define t (thread-start! (make-thread (lambda () (car 5)))))
(thread-sleep! 0.02)
(display "done") (newline)
