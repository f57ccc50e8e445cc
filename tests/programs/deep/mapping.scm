; stress: stress=100000,verify=0
; A user-written, non-tail-recursive map over 1,000,000 elements, and deep nesting through a
; higher-order built-in (map calls back into toylang at every level).
(define (my-map f l) (if (null? l) '() (cons (f (car l)) (my-map f (cdr l)))))
(define (iota-list n) (let loop ((i n) (acc '())) (if (= i 0) acc (loop (- i 1) (cons i acc)))))
(define doubled (my-map (lambda (x) (* 2 x)) (iota-list 1000000)))
(write (list (length doubled) (car doubled) (list-ref doubled 999999))) (newline)
(define (nest n) (if (= n 0) '(0) (map (lambda (x) (+ x 1)) (nest (- n 1)))))
(write (nest 1000)) (newline)
; Built-in map and equal? over long lists must not exhaust the native stack either.
(define big (map (lambda (x) (* 2 x)) (iota-list 200000)))
(write (list (length big) (list-ref big 199999) (apply + big))) (newline)
(write (equal? (iota-list 300000) (iota-list 300000))) (newline)
