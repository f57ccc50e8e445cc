; lambda: fixed, rest and variadic parameter lists, immediate application, procedures as values.
(write ((lambda (a b) (- a b)) 10 3)) (newline)
(write ((lambda (a . rest) (list a rest)) 1)) (newline)
(write ((lambda (a . rest) (list a rest)) 1 2 3)) (newline)
(write ((lambda args (length args)) 1 2 3 4 5)) (newline)
(write ((lambda () 42))) (newline)
(define compose (lambda (f g) (lambda (x) (f (g x)))))
(write ((compose car cdr) '(1 2 3))) (newline)
(write (procedure? (lambda (x) x))) (newline)
(write (procedure? car)) (newline)
(write (procedure? 'car)) (newline)
(write (map (lambda (x y) (* x y)) '(1 2 3) '(4 5 6))) (newline)
; A body with several expressions returns the last one.
(write ((lambda (x) (set! x (+ x 1)) (set! x (* x 2)) x) 4)) (newline)
