;; nqueens: counts the solutions of the n-queens problem (n = 8) by backtracking over lists,
;; bench-size times; list allocation with append and many short-lived pairs.
;; Checksum: the total number of solutions found.
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
(display (repeat bench-size 0))
(newline)
