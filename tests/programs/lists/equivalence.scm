; eq? eqv? equal? not boolean?
(define (show . xs) (for-each (lambda (x) (write x) (display " ")) xs) (newline))
(show (eq? 'a 'a) (eq? '() '()) (eq? 5 5) (eq? car car) (eq? #t #t) (eq? (list 1) (list 1)))
(define p (list 1 2))
(show (eq? p p) (eqv? p p) (eqv? 1.5 1.5) (eqv? 2 2) (eqv? 2 2.0) (eqv? #\a #\a) (eqv? "" 'x))
(show (equal? '(1 (2 #(3 "four"))) (list 1 (list 2 (vector 3 "four")))) (equal? "abc" "abc"))
(show (equal? '(1 2) '(1 2 3)) (equal? #(1 2) #(1 2)) (equal? 1 1.0) (equal? #\a #\a))
(show (not #f) (not #t) (not 0) (not '()) (not 'x))
(show (boolean? #t) (boolean? #f) (boolean? 0) (boolean? '()))
