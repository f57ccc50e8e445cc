;; nqueens: counts the solutions of the 8-queens problem by backtracking over lists, 300 times;
;; list allocation, closures and many short-lived objects.
;; Runs unchanged under toylang, Guile 3 and Chez Scheme 9.5.
(define (iota1 n) (let loop ((i n) (l '())) (if (= i 0) l (loop (- i 1) (cons i l)))))
(define (ok? row dist placed)
  (or (null? placed)
      (and (not (= (car placed) (+ row dist)))
           (not (= (car placed) (- row dist)))
           (ok? row (+ dist 1) (cdr placed)))))
(define (try-it x y z)
  (if (null? x)
      (if (null? y) 1 0)
      (+ (if (ok? (car x) 1 z) (try-it (append (cdr x) y) '() (cons (car x) z)) 0)
         (try-it (cdr x) (cons (car x) y) z))))
(define (queens n) (try-it (iota1 n) '() '()))
(define (repeat k acc) (if (= k 0) acc (repeat (- k 1) (+ acc (queens 8)))))
(display (repeat 300 0))
(newline)
