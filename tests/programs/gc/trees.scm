; stress: stress=100,verify=1
; Binary trees built and dropped repeatedly (the binary-trees pattern), with a long-lived tree
; checked after explicit collections.
(define (make-tree depth)
  (if (= depth 0) (cons '() '()) (cons (make-tree (- depth 1)) (make-tree (- depth 1)))))
(define (check tree)
  (if (null? (car tree)) 1 (+ 1 (check (car tree)) (check (cdr tree)))))
(define long-lived (make-tree 14))
(define (iterate depth count acc)
  (if (= count 0) acc (iterate depth (- count 1) (+ acc (check (make-tree depth))))))
(write (iterate 10 64 0)) (newline)
(collect)
(write (iterate 6 1000 0)) (newline)
(collect)
(write (check long-lived)) (newline)
