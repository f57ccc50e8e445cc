; Local bindings may shadow built-in procedures and special-form names.
(define (f list) (car list))
(write (f '(9 8))) (newline)
(write (let ((if (lambda (a b c) (list 'my-if a b c)))) (if 1 2 3))) (newline)
(write (let ((define 5) (quote 6)) (+ define quote))) (newline)
(write ((lambda (lambda) (* lambda 2)) 21)) (newline)
(write (let ((car cdr)) (car '(1 2 3)))) (newline)
(write (car '(1 2 3))) (newline)
(write (let loop ((let 3)) (if (= let 0) 'done (loop (- let 1))))) (newline)
