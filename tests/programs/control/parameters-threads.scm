; stress: stress=2000,verify=1
; A new thread starts with the parameterize bindings in effect where make-thread was called
; (SRFI-18: it inherits the dynamic environment), whatever is in effect when it starts.
(define p (make-parameter 'global))
(define (run t) (thread-start! t) (thread-join! t))
(display (parameterize ((p 'local)) (run (make-thread (lambda () (p)))))) (newline)
(define made-inside (parameterize ((p 'made-inside)) (make-thread (lambda () (p)))))
(display (parameterize ((p 'started-inside)) (run made-inside))) (newline)
(display (run (make-thread (lambda () (p))))) (newline)
; Its own parameterize does not reach its creator.
(define t (parameterize ((p 'outer))
            (make-thread (lambda () (parameterize ((p 'in-thread)) (p))))))
(display (list (run t) (p))) (newline)
