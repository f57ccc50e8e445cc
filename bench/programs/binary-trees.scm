;; binary-trees: allocates and walks many short-lived complete binary trees of pairs while one
;; long-lived tree of depth bench-size stays reachable; 2^(bench-size - d) trees of each depth
;; d = 4, 6, ..., bench-size. A collector workout with a moderate live heap.
;; Checksum: the number of nodes walked, the long-lived tree's included.
(define max-depth bench-size)
(define (make-tree depth)
  (if (= depth 0) (cons '() '()) (cons (make-tree (- depth 1)) (make-tree (- depth 1)))))
(define (check tree) (if (null? (car tree)) 1 (+ 1 (check (car tree)) (check (cdr tree)))))
(define long-lived (make-tree max-depth))
(define (iterations depth)
  (let loop ((i (- max-depth depth)) (n 1)) (if (= i 0) n (loop (- i 1) (* n 2)))))
(define (sum-trees depth count acc)
  (if (= count 0) acc (sum-trees depth (- count 1) (+ acc (check (make-tree depth))))))
(define (run depth acc)
  (if (> depth max-depth) acc (run (+ depth 2) (+ acc (sum-trees depth (iterations depth) 0)))))
(define total (run 4 0))
(display (+ total (check long-lived)))
(newline)
