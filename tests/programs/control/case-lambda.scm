; stress: stress=50,verify=1
; case-lambda (R7RS 4.2.9): dispatch on the argument count, rest arguments, the first clause
; that accepts wins, tail calls through a case-lambda, apply, and names.
(define area
  (case-lambda
    ((r) (* 3 r r))
    ((w h) (* w h))
    ((a b c . more) (list 'many a b c more))))
(display (area 2)) (newline)
(display (area 3 4)) (newline)
(display (area 1 2 3)) (newline)
(display (area 1 2 3 4 5)) (newline)
(display (procedure? area)) (newline)

(define any-count (case-lambda (() 'none) (args (length args))))
(display (list (any-count) (any-count 1) (any-count 1 2 3))) (newline)

; The first matching clause wins, even when a later one would match too.
(define first-wins (case-lambda ((x) 'one) ((x . r) 'rest) ((x y) 'two)))
(display (list (first-wins 1) (first-wins 1 2) (first-wins 1 2 3))) (newline)

; A loop through a case-lambda in tail position: a million iterations in constant stack.
(define count-up
  (case-lambda
    ((n) (count-up n 0))
    ((n acc) (if (= n 0) acc (count-up (- n 1) (+ acc 1))))))
(display (count-up 1000000)) (newline)

; Internal and anonymous case-lambdas, closures over local variables.
(define (make-counter start)
  (let ((n start))
    (case-lambda
      (() n)
      ((k) (set! n (+ n k)) n))))
(define c (make-counter 10))
(c 5)
(c 2)
(display (c)) (newline)
(display ((case-lambda ((a) (list 'a a)) ((a b) (list 'ab a b))) 7 8)) (newline)

; apply and higher-order built-ins call it like any procedure.
(display (apply area '(5 6))) (newline)
(display (map area '(1 2 3))) (newline)
(display (map area '(1 2) '(10 20))) (newline)
(define (tail-apply n) (if (= n 0) 'applied (apply count-up-tail (list n))))
(define count-up-tail (case-lambda ((n) (tail-apply (- n 1)))))
(display (tail-apply 100000)) (newline)
