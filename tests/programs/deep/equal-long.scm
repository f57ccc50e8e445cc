; stress: stress=100000,verify=0
; equal? on 1,000,000-element lists and on 1,000,000-deep car nesting (iterative: no C++ stack
; overflow), equal and differing only at the far end.
(define (iota-list n) (let loop ((i n) (acc '())) (if (= i 0) acc (loop (- i 1) (cons i acc)))))
(define (nest n leaf) (let loop ((i 0) (acc leaf)) (if (= i n) acc (loop (+ i 1) (list acc)))))
(define long (iota-list 1000000))
(write (list (equal? long (iota-list 1000000))
             (equal? long (append (iota-list 999999) '(0)))
             (equal? long (iota-list 999999))))
(newline)
(write (list (equal? (nest 1000000 'x) (nest 1000000 'x)) (equal? (nest 1000000 'x) (nest 1000000 'y))))
(newline)
(define v (list->vector long))
(write (list (equal? (vector v v) (vector v (list->vector (iota-list 1000000))))))
(newline)
